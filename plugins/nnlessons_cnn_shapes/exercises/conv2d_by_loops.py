"""A 2-D convolution written as loops over windows: what F.conv2d computes, with stride, padding and bias.

Task
----
Complete `conv2d_by_loops(x, weight, bias=None, stride=1, padding=0)`. For each filter o and
each output cell (i, j): take the window of the (zero-padded) input under the filter, multiply
it element by element with the filter, add everything up (over channels, rows and columns),
then add that filter's bias. The window of cell (i, j) starts at row i * stride, column
j * stride of the padded input. PyTorch does not flip the kernel (it is cross-correlation).

Shapes
------
- x: (N, C, H, W), float32 or float64
- weight: (O, C, KH, KW), same dtype (KH and KW may differ)
- bias: (O,) or None (no bias)
- stride, padding: ints, the same along both axes
- returns: (N, O, H_out, W_out) with the dtype of x: the height and width nn.Conv2d gives
  (the output-size formula of the lesson, per axis with its own kernel size)

Example
-------
Note 002's 5 x 5 input and 3 x 3 kernel, no bias (top-left cell: 3*0 + 3*1 + 2*2 + 2*2 + 3*2
+ 2*0 + 3*0 + 3*1 + 2*2 = 24):

    >>> x = torch.tensor([[3., 3, 2, 1, 0], [2, 3, 2, 1, 0], [3, 3, 2, 1, 0],
    ...                   [4, 3, 2, 1, 0], [1, 3, 2, 1, 0]]).view(1, 1, 5, 5)
    >>> k = torch.tensor([[0., 1, 2], [2, 2, 0], [0, 1, 2]]).view(1, 1, 3, 3)
    >>> conv2d_by_loops(x, k)
    tensor([[[[24., 18.,  8.],
              [26., 18.,  8.],
              [28., 18.,  8.]]]])

Rules
-----
- Loops and tensor indexing: no F.conv2d, torch.conv2d, nn.Conv2d (or any other convolution
  function). The check makes them raise while your function runs. F.pad is fine.
- The check compares with F.conv2d on the notes' examples and many seeded random cases
  (batch of one, several channels and filters, stride 2 and 3, padding, rectangular inputs
  and kernels, no bias): to 1e-10 in float64, 1e-4 in float32 (the loops add the products in
  another order than PyTorch).
"""

import torch
import torch.nn.functional as F


def conv2d_by_loops(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None = None,
                    stride: int = 1, padding: int = 0) -> torch.Tensor:
    raise NotImplementedError("write this function")
