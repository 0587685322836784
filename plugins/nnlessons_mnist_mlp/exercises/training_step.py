"""One training step: the five lines every PyTorch training loop repeats.

Task
----
Complete `training_step(model, loss_fn, optimizer, images, labels)`: train the model on one
batch, as the lesson does:

    1. forward    outputs = model(images)            (B, 28, 28) -> (B, 10) logits
    2. loss       loss = loss_fn(outputs, labels)    one number
    3. backward   d loss / d every parameter, ADDED into each .grad
    4. step       the optimizer updates every parameter from its .grad
    5. zero       the gradients are zeroed, else the next backward adds to these

Zeroing may come first instead (before the forward); it must never come between backward
and step. Return the batch's loss detached from the graph: `loss.detach()`, a 0-d tensor
(not `loss.item()`, which makes the CPU wait for the device at every step).

Shapes
------
- model: an nn.Module, (B, 28, 28) -> (B, 10) logits (the lesson's MnistMLP)
- loss_fn: a loss such as nn.CrossEntropyLoss(); use the one passed in
- optimizer: a torch.optim optimizer over model.parameters() (Adam, SGD, ...)
- images: (B, 28, 28) float32; labels: (B,) int64
- returns: a 0-d float32 tensor that does not require grad

Example
-------
    >>> model = MnistMLP(hidden=32)
    >>> optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    >>> loss = training_step(model, nn.CrossEntropyLoss(), optimizer, torch.rand(8, 28, 28),
    ...                      torch.randint(0, 10, (8,)))
    >>> loss.shape, loss.requires_grad
    (torch.Size([]), False)

Rules
-----
- The check runs three steps in a row with your function and three with PyTorch's reference
  step on an exact copy of the model (Adam as in the lesson, SGD with momentum on batches of
  one, a loss with label smoothing) and compares the returned loss and every parameter after
  every step: to 1e-6 (plus 1e-5 relative).
"""

import torch
from torch import nn


def training_step(model: nn.Module, loss_fn, optimizer: torch.optim.Optimizer, images: torch.Tensor,
                  labels: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError("forward, loss, backward, step, zero_grad; return loss.detach()")
