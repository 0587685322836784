"""A whole training loop over DataLoaders: epochs of training, then the test accuracy after each one.

Task
----
Write two functions, from this specification alone.

`evaluate(model, loader, device)` returns the model's accuracy on every digit of `loader`: the
fraction of digits whose largest logit is on the true label, as a Python float in [0, 1]. It
must not change the model's weights or its batch norm statistics, and it must not build an
autograd graph. The model may arrive in train() mode.

`train(model, train_loader, test_loader, optimizer, loss_fn, epochs, device)` trains the model
for `epochs` passes over `train_loader` and returns its history, one dict per epoch:

    {"epoch": 1, "train_loss": 0.83, "test_accuracy": 0.71}

- "epoch": the epoch's number, counting from 1 (a Python int)
- "train_loss": the mean of loss_fn over every training digit of that epoch, each batch's loss
  taken when the batch was trained on (a Python float)
- "test_accuracy": evaluate(model, test_loader, device) after that epoch's training

Every training batch gets one update of every weight by `optimizer` from the gradient of
`loss_fn` on that batch alone. The model may arrive in eval() mode; its layers (dropout, batch
norm) must be in training mode while it trains and in evaluation mode while it is evaluated.

Shapes and types
----------------
- model: an nn.Module, (B, 28, 28) images -> (B, 10) logits, already on `device`
- train_loader, test_loader: iterables of (images, labels) batches: images (B, 28, 28) float32,
  labels (B,) int64, still on the loader's side: move both to `device` before using them. The
  last batch may be shorter than the others.
- optimizer: a torch.optim optimizer over model.parameters(); loss_fn: a loss that averages over
  its batch, such as nn.CrossEntropyLoss()
- epochs: an int >= 1; device: a torch.device or a string such as "cpu" or "cuda"
- evaluate returns a Python float; train returns a list of `epochs` dicts
- the model and the optimizer are changed in place (they are what is trained)

Example
-------
    >>> from torch.utils.data import DataLoader, TensorDataset
    >>> torch.manual_seed(0)
    <torch._C.Generator object at ...>
    >>> images, labels = torch.rand(12, 28, 28), torch.arange(12) % 10
    >>> batches = DataLoader(TensorDataset(images, labels), batch_size=5)   # 5, 5, then 2 digits
    >>> model = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.003)
    >>> history = train(model, batches, batches, optimizer, nn.CrossEntropyLoss(), 3, "cpu")
    >>> [(entry["epoch"], round(entry["train_loss"], 4), round(entry["test_accuracy"], 4)) for entry in history]
    [(1, 2.3966, 0.0833), (2, 2.2843, 0.25), (3, 2.202, 0.4167)]
    >>> evaluate(model, batches, "cpu")    # 5 of the 12 digits right
    0.4166666666666667

Rules
-----
- Use the optimizer and loss_fn passed in; no MNIST is needed (the check brings its own digits).
- The check gives your functions a small network with dropout and batch norm and loaders whose
  batches fail, as on a GPU machine, until they are moved with .to(device). It runs the same loop
  as its reference on an exact copy, with the same seeds (SGD with momentum, Adam with label
  smoothing, plain SGD; 1 to 3 epochs; short last batches; a model that arrives in eval()), and
  compares every weight and batch norm statistic after training (to 1e-5), each epoch's train_loss
  and test_accuracy, and in which mode and with or without autograd every batch went through the
  model.
"""

import torch
from torch import nn


def evaluate(model: nn.Module, loader, device) -> float:
    raise NotImplementedError("write this function")


def train(model: nn.Module, train_loader, test_loader, optimizer: torch.optim.Optimizer, loss_fn, epochs: int,
          device) -> list[dict]:
    raise NotImplementedError("write this function")
