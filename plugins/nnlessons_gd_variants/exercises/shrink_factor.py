"""How much one epoch shrinks the error |w - w*| when every sample agrees on w*.

Task
----
On data where y_i = w* x_i for every sample (the lesson's data: x = [1, 2, 3], y = 2 x, so
w* = 2), each gradient-descent update on a batch multiplies the error w - w* by a factor that
depends only on lr and the batch's x (the lesson derives it in "How fast each variant gets
to 2"). Complete `epoch_shrink_factor(x, lr, batch_size, order)`: the factor one epoch
multiplies the error's size by, |w_after_epoch - w*| / |w_before - w*|, computed from x, lr and
the batches alone (no w, no descent needed). The batches are cut as in the one-epoch exercise:
samples in `order`, consecutive batches of `batch_size`, the last one shorter when needed.

Contract
--------
- x: a tensor of shape (N,), N >= 1, float64 or float32
- lr: a Python float > 0; batch_size: an int >= 1 (may exceed N)
- order: a tensor of shape (N,) (int64), a permutation of 0..N-1
- returns: a Python float or a 0-d tensor, >= 0; the inputs are not changed

Example
-------
The lesson's three variants on x = [1, 2, 3] in the notes' order:

    >>> x = torch.tensor([1.0, 2.0, 3.0]); order = torch.tensor([0, 1, 2])
    >>> round(float(epoch_shrink_factor(x, 0.1, 3, order)), 4)    # batch GD
    0.0667
    >>> round(float(epoch_shrink_factor(x, 0.01, 1, order)), 4)   # SGD
    0.7393
    >>> round(float(epoch_shrink_factor(x, 0.01, 2, order)), 4)   # mini-batch: batches {1, 2} and {3}
    0.779
    >>> round(float(epoch_shrink_factor(x, 0.3, 3, order)), 4)    # batch GD at lr 0.3 diverges
    1.8

A factor of 1 or more means the epoch does not bring w closer to w*.

Rules
-----
- No autograd and no torch.optim (both are switched off while your function runs).
- The check runs one epoch of descent (autograd's gradients) from a start away from w* on many random data sets,
  learning rates (including ones that overshoot), batch sizes and orders, and compares the measured
  factor with yours: 1e-9 relative (plus 1e-12) in float64, 1e-5 in float32.
"""

import torch


def epoch_shrink_factor(x: torch.Tensor, lr: float, batch_size: int, order: torch.Tensor) -> float:
    raise NotImplementedError("write this function")
