"""The gradient of the mean squared error for the one-weight model y_hat = w * x.

Task
----
Complete `mse_gradient(w, x, y)`: return dL/dw for

    L(w) = mean_i (w * x_i - y_i) ** 2

computed by the formula you derive by hand (no autograd, no .backward()).

Shapes
------
- w: a 0-d tensor (one weight)
- x, y: tensors of shape (N,), N >= 1, same dtype as w
- returns: a 0-d tensor with the same dtype

Example
-------
    >>> x = torch.tensor([1.0, 2.0, 3.0]); y = torch.tensor([2.0, 4.0, 6.0])
    >>> mse_gradient(torch.tensor(1.0), x, y)
    tensor(-9.3333)

Rules
-----
- Tensor arithmetic only: no autograd (`requires_grad`, `.backward()`, `torch.autograd`).
- The check compares with autograd on many random batches in float64, to 1e-9 relative.
"""

import torch


def mse_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError("write the gradient of mean((w * x - y) ** 2) with respect to w")
