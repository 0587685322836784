"""One epoch of gradient descent on y_hat = w * x: batch, stochastic and mini-batch are the same loop.

Task
----
Complete `one_epoch(w, x, y, lr, batch_size, order)`: take the samples in the epoch's `order`,
cut them into consecutive batches of `batch_size` (the last batch is shorter when
`batch_size` does not divide N), and for every batch, in turn, make one gradient-descent step
with learning rate `lr` on that batch's mean squared error

    L_b(w) = mean over the batch's samples of (w * x_i - y_i) ** 2

(its gradient is the one of the mse-gradient exercise, over the batch's samples only), so that
the next batch starts from the new weight. Return the weight after the last batch of the epoch.
batch_size = N is batch GD (one update), batch_size = 1 is SGD (N updates), anything in between
is mini-batch GD.

The course notes' batch loop had its `return` indented inside the loop, so it stopped after the
first sample; make sure yours runs every batch.

Contract
--------
- w: a 0-d tensor (the weight at the start of the epoch)
- x, y: tensors of shape (N,), N >= 1, same dtype as w
- lr: a Python float; batch_size: an int >= 1 (it may be larger than N: then one batch of all N)
- order: a tensor of shape (N,) (int64), a permutation of 0..N-1: the epoch's sample order
- returns: a new 0-d tensor, same dtype as w
- the inputs are not changed: the caller's w stays the weight at the start of the epoch

Example
-------
The lesson's data, in the notes' order, mini-batches of 2 (batches {1, 2} and {3}):

    >>> x = torch.tensor([1.0, 2.0, 3.0]); y = torch.tensor([2.0, 4.0, 6.0])
    >>> w = torch.tensor(1.0)
    >>> one_epoch(w, x, y, 0.01, 2, torch.tensor([0, 1, 2]))
    tensor(1.2210)
    >>> one_epoch(w, x, y, 0.1, 3, torch.tensor([0, 1, 2]))      # batch GD: one update
    tensor(1.9333)
    >>> w                                                         # the caller's weight is unchanged
    tensor(1.)

Rules
-----
- No autograd and no torch.optim (both are switched off while your function runs): the gradient
  formula and the update are yours.
- The check runs one epoch along autograd's gradients on many random data sets, batch sizes
  (1, N, larger than N, not dividing N) and orders, and compares the final weight:
  1e-9 relative in float64, 1e-5 in float32.
"""

import torch


def one_epoch(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor, lr: float, batch_size: int,
              order: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError("write this function")
