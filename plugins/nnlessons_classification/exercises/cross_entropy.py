"""Cross-entropy from raw logits and class indices, as nn.CrossEntropyLoss computes it.

Task
----
Complete `cross_entropy(logits, labels)`: the loss F.cross_entropy(logits,
labels) gives, the mean over the batch of each sample's cross-entropy, which
depends only on the probability softmax gives its true class (the lesson's
"The maths"). The logits are raw scores: no softmax has been applied. It
must stay finite for confident mistakes: logits (1000, 0) with label 1
lose 1000, not inf.

Contract
--------
- logits: (N, K) float (float64 or float32), N samples, K classes. Not changed.
- labels: (N,) int64, values 0 .. K-1 (class indices, not one-hot). Not changed.
- returns: a new 0-d tensor (a scalar) with the dtype of `logits`.

Example
-------
    >>> cross_entropy(torch.tensor([[0.2, 0.1, -0.1]]), torch.tensor([0]))    # the notes' example
    tensor(0.9729)
    >>> cross_entropy(torch.tensor([[1000.0, 0.0]]), torch.tensor([1]))       # a confident mistake
    tensor(1000.)
    >>> cross_entropy(torch.tensor([[2.0, 0.0], [0.0, 2.0]]), torch.tensor([0, 0]))
    tensor(1.1269)

Rules
-----
- F.cross_entropy, F.nll_loss, nn.CrossEntropyLoss and nn.NLLLoss are
  switched off while your function runs.
- Allowed: torch.logsumexp, torch.log_softmax, and your own log_softmax from
  the log-softmax exercise: your exercise files of this lesson sit in one
  folder, and `from log_softmax import log_softmax` at the top of this file
  imports yours (the check runs it too, so it must be right).
- The check compares with F.cross_entropy on many random batches (float64 and float32, 1 to 50
  samples, 2 to 10 classes) and on logits of 1000: within 1e-9 (+ 1e-9 relative) in float64,
  1e-5 (+ 1e-5 relative) in float32.
"""

import torch


def cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError("write this function")
