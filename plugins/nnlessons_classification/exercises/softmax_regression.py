"""Build: a softmax-regression classifier trained from scratch, from a specification.

Task
----
Complete `fit(x, y, classes, epochs, lr, batch_size, generator)`: train the
linear classifier logits = x @ weight.T + bias on the samples (x, y) with
mini-batch gradient descent on the cross-entropy, and return its parameters
and every epoch's training loss. The loss is yours: write it in this file
(or import the one from your cross-entropy exercise, which sits in this
folder: `from cross_entropy import cross_entropy`).

Specification
-------------
- weight (classes, D) and bias (classes,) start at 0, in x's dtype.
- every epoch, in this order:
  1. shuffle: draw the epoch's sample order with
     `torch.randperm(N, generator=generator)`, once, at the start of the
     epoch (the same generator every epoch, never re-seeded);
  2. cut that order into consecutive batches of `batch_size` samples, the
     last one shorter when `batch_size` does not divide N (nothing dropped);
  3. for each batch in turn: the batch's loss at the current parameters,
     the mean over its samples of the cross-entropy of their logits
     (as F.cross_entropy(logits, labels) computes it: raw logits, class
     indices), then one plain gradient-descent step on it with learning
     rate `lr` (parameter <- parameter - lr * its gradient), for weight and
     bias, with the gradient of this batch only.
- the epoch's training loss: the mean over all N samples of their
  cross-entropy, each taken in step 3 (at the parameters before its batch's
  update).

Contract
--------
- x: (N, D) float (float64 or float32); y: (N,) int64 class indices in
  0 .. classes - 1 (a class may have no sample). Neither is changed.
- classes: int >= 2; epochs: int >= 1; lr: float > 0; batch_size: int >= 1
  (larger than N: one batch of all N); generator: a seeded torch.Generator
  (CPU), which your function advances.
- returns (weight, bias, losses): new tensors of x's dtype that do not
  require grad: weight (classes, D), bias (classes,), losses (epochs,).

Example
-------
    >>> x = torch.tensor([[2.0, 1.0], [1.5, 2.5], [-2.0, -1.0], [-1.0, -2.5], [0.5, -0.5]])
    >>> y = torch.tensor([0, 0, 1, 1, 2])
    >>> weight, bias, losses = fit(x, y, 3, 4, 0.5, 2, torch.Generator().manual_seed(0))
    >>> weight
    tensor([[ 0.8820,  1.0290],
            [-1.0435, -0.7911],
            [ 0.1615, -0.2379]])
    >>> bias
    tensor([ 0.0706, -0.0309, -0.0397])
    >>> losses
    tensor([0.7797, 0.4061, 0.3034, 0.2739])
    >>> (x @ weight.T + bias).argmax(dim=1)
    tensor([0, 0, 1, 1, 2])

Rules
-----
- F.cross_entropy, F.nll_loss, nn.CrossEntropyLoss and nn.NLLLoss are
  switched off while your code runs; torch.logsumexp, torch.log_softmax,
  autograd (.backward()) and torch.optim.SGD are allowed.
- The check trains with the same specification on many seeded data sets
  (2 to 4 classes, a class with no sample, batch sizes of 1, not dividing N
  and larger than N, float64 and float32) and compares weight, bias and
  losses: within 1e-10 + 1e-8 x |PyTorch| in float64, 1e-5 + 1e-5 x
  |PyTorch| in float32.
"""

import torch


def fit(x: torch.Tensor, y: torch.Tensor, classes: int, epochs: int, lr: float, batch_size: int,
        generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    raise NotImplementedError("write this function")
