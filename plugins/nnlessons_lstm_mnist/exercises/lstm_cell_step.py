"""One step of an LSTM cell, written out: the four gates in PyTorch's order i, f, g, o.

Task
----
Complete `lstm_cell_step(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh)`: given the input
of this time step x, the previous hidden state h and cell state c, return the new (h, c) that
nn.LSTMCell (and nn.LSTM at every step) computes with these weights.

The four gates are stacked in the weights: weight_ih, weight_hh, bias_ih and bias_hh each hold
4H rows, in PyTorch's order: H rows for the input gate i, then the forget gate f, the cell
candidate g, the output gate o. The equations are in the lesson, "The LSTM cell and its four
gates" (`nnlessons explain lstm-mnist`).

Shapes
------
- x: (B, D) the input of one step (in the lesson one image row, D = 28)
- h, c: (B, H) the previous states (H = 100 in the lesson)
- weight_ih: (4H, D); weight_hh: (4H, H); bias_ih, bias_hh: (4H,)
- all float32 or all float64
- returns: a tuple (h_new, c_new), each (B, H), the dtype of x

Example
-------
With every weight and bias 0 (H = 1), an input of 1 and an old cell state of 1:

    >>> zeros = torch.zeros
    >>> lstm_cell_step(torch.ones(1, 1), zeros(1, 1), torch.ones(1, 1), zeros(4, 1), zeros(4, 1), zeros(4), zeros(4))
    (tensor([[0.2311]]), tensor([[0.5000]]))

The biases alone, one per gate in the order i, f, g, o:

    >>> bias = torch.tensor([1.0, -1.0, 0.5, 2.0])
    >>> lstm_cell_step(zeros(1, 1), zeros(1, 1), torch.ones(1, 1), zeros(4, 1), zeros(4, 1), bias, zeros(4))
    (tensor([[0.4773]]), tensor([[0.6068]]))

Rules
-----
- Write the equations: no nn.LSTMCell, nn.LSTM, torch.lstm_cell (the check makes them raise
  while your function runs). The inputs must not change.
- The check copies the weights into nn.LSTMCell and compares both states on the lesson's
  sizes, the first step (h = c = 0), a batch of one, hidden size 1 and many seeded random
  cases: to 1e-12 in float64, 1e-5 in float32.
"""

import torch


def lstm_cell_step(x: torch.Tensor, h: torch.Tensor, c: torch.Tensor, weight_ih: torch.Tensor,
                   weight_hh: torch.Tensor, bias_ih: torch.Tensor, bias_hh: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    raise NotImplementedError("write this function")
