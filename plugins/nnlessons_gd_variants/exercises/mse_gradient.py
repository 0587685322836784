"""The gradient of the mean squared error for the one-weight model y_hat = w * x.

Task
----
Complete `mse_gradient(w, x, y)`: return dL/dw for

    L(w) = mean_i (w * x_i - y_i) ** 2

from the formula you derive by hand with the chain rule.

Contract
--------
- w: a 0-d tensor (one weight)
- x, y: tensors of shape (N,), N >= 1, same dtype as w (float64 or float32)
- returns: a new 0-d tensor of that dtype; the inputs are not changed

Example
-------
    >>> x = torch.tensor([1.0, 2.0, 3.0]); y = torch.tensor([2.0, 4.0, 6.0])
    >>> mse_gradient(torch.tensor(1.0), x, y)
    tensor(-9.3333)
    >>> mse_gradient(torch.tensor(2.0), x, y)     # w = 2 fits every sample: the loss is at its minimum
    tensor(0.)

Rules
-----
- No autograd: `.backward()` and `torch.autograd` are switched off while your function runs.
- The check compares with autograd on many random batches (1 to 100 samples) in float64, to 1e-9
  relative, and in float32.
"""

import torch


def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError("write this function")
