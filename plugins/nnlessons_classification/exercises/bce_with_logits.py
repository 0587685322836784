"""Binary cross-entropy from the raw logit, as nn.BCEWithLogitsLoss computes it: stable for any |z|.

Task
----
Complete `bce_with_logits(logits, targets)`: the loss
F.binary_cross_entropy_with_logits(logits, targets) gives, the mean over the
batch of the binary cross-entropy of p = sigmoid(z) against the target y
(the lesson's "The maths"), but computed from z without forming p:
sigmoid(20) rounds to 1.0 in float32, log(1 - 1) is -inf, and BCELoss hides
that by clamping the log at -100 (it reports 100 where the true loss is 20).
Yours must stay exact for z = +-1000 (the loss of logit 1000 with target 0
is 1000).

Contract
--------
- logits: (N,) float (float64 or float32), one raw score per sample (no
  sigmoid applied). Not changed.
- targets: (N,) same dtype, each in [0, 1] (0./1. labels, or soft targets
  such as 0.3). Not changed.
- returns: a new 0-d tensor (a scalar) with the dtype of `logits`.

Example
-------
    >>> bce_with_logits(torch.tensor([0.0, 2.0]), torch.tensor([1.0, 0.0]))
    tensor(1.4100)
    >>> bce_with_logits(torch.tensor([20.0]), torch.tensor([0.0]))     # a confident mistake
    tensor(20.)
    >>> bce_with_logits(torch.tensor([-1000.0]), torch.tensor([1.0]))
    tensor(1000.)

Rules
-----
- Arithmetic with exp, log, log1p, abs, clamp/maximum, sigmoid:
  F.binary_cross_entropy_with_logits, F.binary_cross_entropy,
  nn.BCEWithLogitsLoss, nn.BCELoss, F.softplus, F.logsigmoid and
  torch.logaddexp are switched off while your function runs.
- The check compares with F.binary_cross_entropy_with_logits on many random batches (hard and soft
  targets, float64 and float32) and on logits of +-20, +-50 and +-1000: within 1e-9 (+ 1e-9
  relative) in float64, 1e-5 (+ 1e-5 relative) in float32.
"""

import torch


def bce_with_logits(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError("write this function")
