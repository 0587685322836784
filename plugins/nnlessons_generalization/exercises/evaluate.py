"""Loss and accuracy on a validation loader, the way every epoch's validation should measure them.

Task: complete `evaluate(model, loader, loss_fn)` so it returns the model's mean loss per
example and its accuracy on every example of `loader`.

Contract:
- loader: an iterable of (inputs, labels) batches; labels (B,) int64; the last batch may be shorter;
- loss_fn: a loss that averages over its batch, such as nn.CrossEntropyLoss() (use the one given);
- the loss is the mean over every example of the loader (a short last batch counts for the
  examples it holds, no more), as a Python float;
- the accuracy is the fraction of examples whose largest output is on the label, a Python float;
- the model is evaluated with dropout off and batch norm using its running statistics, without
  recording anything for a backward pass, and without changing any of its weights or statistics;
- the model is handed back in the mode it came in (train() or eval()).

Example:

    >>> torch.manual_seed(0)
    <torch._C.Generator object at ...>
    >>> model = nn.Sequential(nn.Linear(4, 3), nn.Dropout(0.5))
    >>> inputs, labels = torch.randn(10, 4), torch.arange(10) % 3
    >>> loader = [(inputs[:4], labels[:4]), (inputs[4:8], labels[4:8]), (inputs[8:], labels[8:])]
    >>> loss, accuracy = evaluate(model, loader, nn.CrossEntropyLoss())
    >>> round(loss, 4), accuracy
    (1.2235, 0.4)
    >>> model.training                # it came in train() mode, it goes back in train() mode
    True

Rules: the check uses a small network with dropout and batch norm on seeded synthetic data, hands
it over in train() and in eval(), with short last batches, and records in which mode and with or
without autograd every batch went through it. Loss and accuracy must match to 1e-6.
"""

import torch
from torch import nn


def evaluate(model: nn.Module, loader, loss_fn) -> tuple[float, float]:
    raise NotImplementedError("write this function")
