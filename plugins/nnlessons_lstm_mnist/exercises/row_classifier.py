"""The row-reading classifier: a recurrent network reads a digit's 28 rows as 28 time steps and names the digit.

Task
----
Write the class `RowLSTM(hidden_size=100)`, the lesson's model, from this specification
(B is the batch size, H the hidden size):

    name   kind                                         output shape    parameters (H = 100)
    -----  -------------------------------------------  --------------  --------------------
           input: B digits, 28 rows of 28 pixels        (B, 28, 28)
    lstm   one LSTM layer, hidden size H; row t of      (B, 28, H)                    52,000
           each digit is its input at time step t
           the hidden state after the last row          (B, H)                             0
    fc     fully connected: one score per digit         (B, 10)                        1,010
                                                                              total   53,010

`forward(images)` returns fc's output, the logits. Each digit is read on its own: the logits of
one image must not depend on the other images of the batch.

Shapes
------
- RowLSTM(hidden_size=100): H, the LSTM's hidden size
- forward(images): images (B, 28, 28), float32 or float64, B >= 1 -> logits (B, 10), the dtype
  of the images
- parameter names as in the lesson, so that its weights load into yours: lstm.weight_ih_l0,
  lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0, fc.weight, fc.bias

Example
-------
    >>> model = RowLSTM()
    >>> model(torch.rand(4, 28, 28)).shape
    torch.Size([4, 10])
    >>> sum(p.numel() for p in model.parameters())
    53010
    >>> sum(p.numel() for p in RowLSTM(hidden_size=16).parameters())
    3114

Rules
-----
- The images must not change.
- The check builds your model with the default and with hidden_size=16, compares the parameter
  names and shapes with the lesson's RowLSTM, copies the lesson's weights into yours and
  compares the logits on random digit-shaped batches (a batch of one, 4, 28 and 33 images,
  float64): to 1e-5 in float32 (plus 1e-5 relative), 1e-10 in float64; then the gradients of a
  loss with respect to every weight.
"""

import torch
from torch import nn


class RowLSTM(nn.Module):
    def __init__(self, hidden_size: int = 100) -> None:
        super().__init__()
        raise NotImplementedError("create the layers of the specification")

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("write this method")
