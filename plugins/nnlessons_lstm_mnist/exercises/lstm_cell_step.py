"""One step of an LSTM cell, written out: the four gates in PyTorch's order i, f, g, o.

Task
----
Complete `lstm_cell_step(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh)`: given the input
of this time step x, the previous hidden state h and cell state c, return the new (h, c):

    z = x @ W_ih.T + b_ih + h @ W_hh.T + b_hh     (B, 4H): the four gates at once
    i = sigmoid(z[:, 0H:1H])                     input gate: how much new content to write
    f = sigmoid(z[:, 1H:2H])                     forget gate: how much old memory to keep
    g = tanh(z[:, 2H:3H])                        cell candidate: the new content
    o = sigmoid(z[:, 3H:4H])                     output gate: how much memory to show
    c_new = f * c + i * g
    h_new = o * tanh(c_new)

PyTorch stacks the gates' rows in the order i, f, g, o in weight_ih, weight_hh and both
biases; this is what nn.LSTMCell and nn.LSTM compute at every step.

Shapes
------
- x: (B, D) the input of one step (in the lesson one image row, D = 28)
- h, c: (B, H) the previous states (H = 100 in the lesson)
- weight_ih: (4H, D); weight_hh: (4H, H); bias_ih, bias_hh: (4H,)
- all float32 or all float64
- returns: a tuple (h_new, c_new), each (B, H), the dtype of x

Example
-------
With every weight and bias 0, z = 0: the three sigmoid gates are 0.5 and g = tanh(0) = 0,
so c_new = 0.5 * c and h_new = 0.5 * tanh(c_new):

    >>> zeros = torch.zeros
    >>> lstm_cell_step(torch.ones(1, 1), zeros(1, 1), torch.ones(1, 1), zeros(4, 1), zeros(4, 1), zeros(4), zeros(4))
    (tensor([[0.2311]]), tensor([[0.5000]]))

Rules
-----
- Write the equations: no nn.LSTMCell, nn.LSTM, torch.lstm_cell (the check makes them raise
  while your function runs). torch.sigmoid, torch.tanh, @ and F.linear are fine.
- The check copies the weights into nn.LSTMCell and compares both states on the lesson's
  sizes, the first step (h = c = 0), a batch of one, hidden size 1 and many seeded random
  cases: to 1e-12 in float64, 1e-5 in float32.
"""

import torch


def lstm_cell_step(x: torch.Tensor, h: torch.Tensor, c: torch.Tensor, weight_ih: torch.Tensor,
                   weight_hh: torch.Tensor, bias_ih: torch.Tensor, bias_hh: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    raise NotImplementedError("compute z, split it into i, f, g, o, then c_new = f * c + i * g and h_new = o * tanh(c_new)")
