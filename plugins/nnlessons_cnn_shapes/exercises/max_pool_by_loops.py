"""Max pooling written as loops over windows: what F.max_pool2d computes (ceil_mode=False).

Task
----
Complete `max_pool2d_by_loops(x, kernel, stride=None, padding=0)`: for each channel and each
output cell (i, j), the largest value of the kernel x kernel window that starts at row
i * stride, column j * stride of the padded input. Channels are pooled separately (the
number of channels does not change). `stride=None` means stride = kernel, as in
nn.MaxPool2d: windows side by side.

PyTorch pads max pooling with minus infinity, not zero: a padded cell can never be the
largest, even when every real value in the window is negative.

Shapes
------
- x: (N, C, H, W), float32 or float64
- kernel: int; stride: int or None; padding: int with padding <= kernel // 2 (PyTorch's rule)
- returns: (N, C, H_out, W_out) with the dtype of x: the height and width nn.MaxPool2d
  gives (the same output-size formula as a convolution's)

Example
-------
Note 002's pooling: MaxPool2d(2, stride=2, padding=1) on its 3 x 3 feature map:

    >>> y = torch.tensor([[24., 18, 8], [26, 18, 8], [28, 18, 8]]).view(1, 1, 3, 3)
    >>> max_pool2d_by_loops(y, 2, 2, 1)
    tensor([[[[24., 18.],
              [28., 18.]]]])

On negative numbers the padding must not win:

    >>> max_pool2d_by_loops(torch.tensor([[[[-1., -2], [-3, -4]]]]), 2, 2, 1)
    tensor([[[[-1., -2.],
              [-3., -4.]]]])

Rules
-----
- Loops and tensor indexing (amax, max, F.pad are fine): no F.max_pool2d, torch.max_pool2d or
  nn.MaxPool2d. The check makes them raise while your function runs.
- The check compares with F.max_pool2d on the notes' example and many seeded random cases
  (negative inputs with padding, stride None, overlapping windows with stride 1, windows
  that do not fit, batch of one): the values must be equal (to 1e-12; a maximum is not rounded).
"""

import torch
import torch.nn.functional as F


def max_pool2d_by_loops(x: torch.Tensor, kernel: int, stride: int | None = None, padding: int = 0) -> torch.Tensor:
    raise NotImplementedError("write this function")
