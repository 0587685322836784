"""A training checkpoint: save model, optimizer and epoch, and resume to bit-identical weights.

Task
----
Complete two functions:

- `save_checkpoint(path, model, optimizer, epoch)`: write everything needed to continue
  training to `path`: the weights, the optimizer's state (SGD's momentum buffers, Adam's
  moments and step count) and `epoch`, the number of epochs finished.
- `load_checkpoint(path, model, optimizer)`: load the file into the `model` and `optimizer`
  you are given (fresh objects, built by the caller with the same sizes and hyper-parameters)
  and return the saved epoch.

Training that stops, saves, loads into fresh objects and goes on must end with exactly the
weights of training straight through:

    train(model, optimizer, epochs=range(0, 6))
    save_checkpoint(path, model, optimizer, epoch=6)
    ...                                            # another day, another process
    model, optimizer = RegressionNet(10), torch.optim.Adam(...)     # fresh
    start = load_checkpoint(path, model, optimizer)                 # 6
    train(model, optimizer, epochs=range(start, 12))                # same weights as 12 straight

Shapes
------
- path: a pathlib.Path; model: a RegressionNet; optimizer: a torch.optim optimizer over
  model.parameters() (SGD, SGD with momentum, or Adam); epoch: an int
- load_checkpoint returns an int, the epoch that was saved; it changes the model and the
  optimizer it is given in place; save_checkpoint leaves them as they are

Example
-------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "checkpoint.pt"
    >>> _ = torch.manual_seed(0)
    >>> model = nn.Linear(1, 1)
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    >>> model(torch.ones(1, 1)).sum().backward()
    >>> optimizer.step()                                  # momentum buffers now exist
    >>> save_checkpoint(path, model, optimizer, epoch=6)
    >>> fresh = nn.Linear(1, 1)
    >>> fresh_optimizer = torch.optim.SGD(fresh.parameters(), lr=0.1, momentum=0.9)
    >>> load_checkpoint(path, fresh, fresh_optimizer)
    6
    >>> torch.equal(fresh.weight, model.weight), len(fresh_optimizer.state)
    (True, 2)

Rules
-----
- The file must load with torch.load(path, weights_only=True) (save state_dicts and numbers,
  not the objects), and never load with weights_only=False.
- The check trains the lesson's net (full batch: one epoch is one step) N epochs straight and
  N/2 + save + load + N/2 with your functions, for plain SGD, SGD with momentum and Adam, and
  compares the weights exactly (difference 0).
"""

from pathlib import Path

import torch
from torch import nn


def save_checkpoint(path: Path, model: nn.Module, optimizer: torch.optim.Optimizer, epoch: int) -> None:
    raise NotImplementedError("write this function")


def load_checkpoint(path: Path, model: nn.Module, optimizer: torch.optim.Optimizer) -> int:
    raise NotImplementedError("write this function")
