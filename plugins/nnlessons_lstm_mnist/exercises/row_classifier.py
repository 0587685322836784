"""The row-reading classifier: an LSTM reads a digit's 28 rows as 28 time steps, a Linear layer names it.

Task
----
Complete the class `RowLSTM(hidden_size=100)`, the lesson's model:

    images (B, 28, 28) -> LSTM(input 28, hidden H, batch_first) -> outputs (B, 28, H)
    outputs[:, -1, :] (B, H), the state after the last row -> Linear(H, 10) -> logits (B, 10)

- `__init__`: create the layers as attributes with the lesson's names (the check copies the
  lesson's weights into yours by these names):

      self.lstm = nn.LSTM(input_size=28, hidden_size=hidden_size, batch_first=True)
      self.fc = nn.Linear(hidden_size, 10)

- `forward(images)`: run the LSTM over the rows and return the logits computed from the
  hidden state after the last row. Row t of each image is the input of time step t.

`batch_first=True` makes the LSTM read (B, time, features); without it, it expects
(time, B, features), and a (B, 28, 28) batch would run without any error, mixing the images.

Shapes
------
- images: (B, 28, 28), float32 or float64, B >= 1
- returns: (B, 10) logits, the dtype of the images
- parameters: lstm.weight_ih_l0 (4H, 28), lstm.weight_hh_l0 (4H, H), lstm.bias_ih_l0 (4H,),
  lstm.bias_hh_l0 (4H,), fc.weight (10, H), fc.bias (10,): 53,010 numbers with H = 100

Example
-------
    >>> model = RowLSTM()
    >>> model(torch.rand(4, 28, 28)).shape
    torch.Size([4, 10])

Rules
-----
- The check builds your model with hidden_size=100 and 16, compares the parameter names and
  shapes with the lesson's RowLSTM, copies the lesson's weights into yours and compares the
  logits on random digit-shaped batches (a batch of one, 4, 28 and 33 images, float64):
  to 1e-5 in float32 (plus 1e-5 relative), 1e-10 in float64.
"""

import torch
from torch import nn


class RowLSTM(nn.Module):
    def __init__(self, hidden_size: int = 100) -> None:
        super().__init__()
        raise NotImplementedError("create self.lstm = nn.LSTM(28, hidden_size, batch_first=True) and "
                                  "self.fc = nn.Linear(hidden_size, 10)")

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        raise NotImplementedError("run the LSTM over the rows, take the state after the last row, return fc of it")
