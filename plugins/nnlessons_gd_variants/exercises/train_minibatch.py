"""Build: mini-batch gradient descent on y_hat = w * x, epochs of shuffled batches, from a specification.

Task
----
Complete `train_minibatch(w0, x, y, lr, batch_size, epochs, generator)`: fit the one weight of
y_hat = w * x to the samples (x, y) with `epochs` epochs of mini-batch gradient descent on the
mean squared error, and return the weight after every epoch and every epoch's training loss.

Every epoch, in this order:

1. shuffle: draw the epoch's sample order with `torch.randperm(N, generator=generator)`, once,
   at the start of the epoch (the same `generator` object every epoch, never re-seeded, so that
   a run is reproducible and every epoch has its own order);
2. cut that order into consecutive batches of `batch_size` samples, the last one shorter when
   `batch_size` does not divide N (nothing is dropped);
3. for each batch, in turn: the squared errors of its samples at the current weight, then one
   gradient-descent step on the batch's mean squared error L_b (the gradient of the lesson's
   section "The model and its gradient", over the batch's own samples), so the next batch sees
   the new weight.

The epoch's training loss is the mean over all N samples of the squared errors of step 3,
each sample's error taken at the weight before its batch's update.

Contract
--------
- w0: a 0-d tensor; x, y: tensors of shape (N,), N >= 1, all of one dtype (float64 or float32)
- lr: a Python float > 0; batch_size: an int >= 1 (may exceed N: then one batch of all N);
  epochs: an int >= 1; generator: a torch.Generator (CPU), already seeded by the caller
- returns `(weights, losses)`, new tensors of x's dtype:
  - weights: shape (epochs + 1,): w0, then the weight at the end of each epoch
  - losses: shape (epochs,): each epoch's training loss as defined above
- the inputs are not changed (w0 stays the caller's starting weight); the generator advances.

Example
-------
    >>> x = torch.tensor([1.0, 2.0, 3.0]); y = torch.tensor([2.0, 4.0, 6.0])
    >>> weights, losses = train_minibatch(torch.tensor(1.0), x, y, 0.01, 2, 3, torch.Generator().manual_seed(0))
    >>> weights
    tensor([1.0000, 1.1720, 1.2940, 1.3981])
    >>> losses
    tensor([4.4133, 3.1438, 2.2853])
    >>> torch.randperm(3, generator=torch.Generator().manual_seed(0))   # the first epoch's order
    tensor([2, 0, 1])

Rules
-----
- No DataLoader (the shuffle and the batches are yours), no torch.optim, no autograd: they are
  switched off while your function runs. Plain tensor arithmetic.
- The check runs the same specification with autograd's gradients on many seeded data sets,
  batch sizes (1, N, larger than N, not dividing N) and epoch counts, and compares both histories:
  1e-9 relative (plus 1e-12) in float64, 1e-5 (plus 1e-6) in float32.
"""

import torch


def train_minibatch(w0: torch.Tensor, x: torch.Tensor, y: torch.Tensor, lr: float, batch_size: int, epochs: int,
                    generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    raise NotImplementedError("write this function")
