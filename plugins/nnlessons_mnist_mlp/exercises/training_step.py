"""One training step: what every PyTorch training loop repeats for each batch.

Task
----
Complete `training_step(model, loss_fn, optimizer, images, labels)`: train the model on one
batch, as the lesson does. After your function returns:

- every parameter has been updated once by `optimizer`, from the gradient of
  loss_fn(model(images), labels) on this batch alone (not on earlier batches too);
- the gradients are cleared, so the next step starts from nothing;
- the function returns the batch's loss as a 0-d tensor cut off from the autograd graph (not a
  Python float: turning it into one makes the CPU wait for the device at every step).

Shapes
------
- model: an nn.Module, (B, 28, 28) -> (B, 10) logits (the lesson's MnistMLP, say)
- loss_fn: a loss such as nn.CrossEntropyLoss(); use the one passed in
- optimizer: a torch.optim optimizer over model.parameters() (Adam, SGD, ...)
- images: (B, 28, 28) float32; labels: (B,) int64
- returns: a 0-d float32 tensor that does not require grad

Example
-------
    >>> torch.manual_seed(0)
    <torch._C.Generator object at ...>
    >>> model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.01)
    >>> images, labels = torch.rand(8, 28, 28), torch.randint(0, 10, (8,))
    >>> loss = training_step(model, nn.CrossEntropyLoss(), optimizer, images, labels)
    >>> loss, loss.requires_grad
    (tensor(2.3017), False)
    >>> all(p.grad is None or not p.grad.any() for p in model.parameters())   # cleared for the next step
    True
    >>> training_step(model, nn.CrossEntropyLoss(), optimizer, images, labels)   # the same batch: lower now
    tensor(2.1030)

Rules
-----
- Use the loss_fn and optimizer passed in. The model and the optimizer change in place; the
  images and labels must not.
- The check runs three steps in a row with your function and three with PyTorch's reference
  step on an exact copy of the model (Adam as in the lesson, SGD with momentum on batches of
  one, a loss with label smoothing) and compares the returned loss and every parameter after
  every step: to 1e-6 (plus 1e-5 relative).
"""

import torch
from torch import nn


def training_step(model: nn.Module, loss_fn, optimizer: torch.optim.Optimizer, images: torch.Tensor,
                  labels: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError("write this function")
