"""How much one epoch shrinks the error |w - w*| when every sample agrees on w*.

Task
----
On data where y_i = w* x_i for every sample (the lesson's data: x = [1, 2, 3], y = 2 x, so
w* = 2), the batch gradient is 2 * mean_b(x ** 2) * (w - w*), so one update on a batch b does

    (w_new - w*) = (1 - 2 * lr * mean_b(x ** 2)) * (w - w*)

Complete `epoch_shrink_factor(x, lr, batch_size, order)`: the factor one epoch multiplies the
error |w - w*| by, i.e. |w_after_epoch - w*| / |w_before - w*|, from this formula (without
running any descent). The batches are cut as in the one-epoch exercise: samples in `order`,
consecutive batches of `batch_size`, the last one shorter when needed.

Shapes
------
- x: a tensor of shape (N,), N >= 1, float64 or float32
- lr: a Python float > 0; batch_size: an int >= 1 (may exceed N)
- order: a tensor of shape (N,) (int64), a permutation of 0..N-1
- returns: a Python float or a 0-d tensor, >= 0

Example
-------
The lesson's three variants on x = [1, 2, 3] in the notes' order:

    >>> x = torch.tensor([1.0, 2.0, 3.0]); order = torch.tensor([0, 1, 2])
    >>> round(float(epoch_shrink_factor(x, 0.1, 3, order)), 4)    # batch GD:   |1 - 0.2 * 14/3|
    0.0667
    >>> round(float(epoch_shrink_factor(x, 0.01, 1, order)), 4)   # SGD:        |1 - 0.02| |1 - 0.08| |1 - 0.18|
    0.7393
    >>> round(float(epoch_shrink_factor(x, 0.01, 2, order)), 4)   # mini-batch: |1 - 0.02 * 2.5| |1 - 0.02 * 9|
    0.779

A factor of 1 or more means the epoch does not bring w closer to w*. A single step's factor is
negative when the step overshoots w* (for SGD on x = 3 once lr > 1/18).

Rules
-----
- Tensor arithmetic on x only; no descent loop, no autograd, no torch.optim.
- The check runs one epoch of descent (autograd's gradients) from a start away from w* on many random data sets,
  learning rates (including ones that overshoot), batch sizes and orders, and compares the measured
  factor with yours: 1e-9 relative (plus 1e-12) in float64, 1e-5 in float32.
"""

import torch


def epoch_shrink_factor(x: torch.Tensor, lr: float, batch_size: int, order: torch.Tensor) -> float:
    raise NotImplementedError("multiply the factors of the epoch's batches; the error shrinks by their absolute value")
