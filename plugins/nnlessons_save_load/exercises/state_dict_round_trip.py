"""Save a trained net's weights, then restore them into a fresh net built in code: the recommended way.

Task
----
Complete two functions:

- `save_weights(model, path)`: write only the model's numbers to `path`, its state_dict
  (a dict from names such as 'hidden.weight' to tensors), not the pickled module.
- `load_weights(path, hidden)`: build a fresh `RegressionNet(hidden)`, fill it with the tensors
  saved at `path`, loaded the safe way (weights_only=True), put it in eval mode and return it.

Shapes
------
- model: a trained RegressionNet (x -> Linear(1, hidden) -> ReLU -> Linear(hidden, 1))
- path: a pathlib.Path (torch.save and torch.load accept it)
- hidden: the width the net was built with (10 in the lesson; the check also uses 1, 3 and 64)
- load_weights returns a RegressionNet whose predictions equal the original's exactly

Example
-------
    >>> import pathlib, tempfile
    >>> _ = torch.manual_seed(0)
    >>> model, x = RegressionNet(10), torch.linspace(-1, 1, 5).unsqueeze(1)
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "state_dict.pt"
    >>> save_weights(model, path)
    >>> sorted(torch.load(path, weights_only=True))
    ['hidden.bias', 'hidden.weight', 'predict.bias', 'predict.weight']
    >>> restored = load_weights(path, hidden=10)
    >>> (restored(x) - model(x)).abs().max().item(), restored.training
    (0.0, False)

Rules
-----
- The file must load with torch.load(path, weights_only=True); never load with weights_only=False.
- The check saves and loads in a temporary folder, nets of 4 widths, and compares every parameter
  and every prediction exactly (difference 0).
"""

from pathlib import Path

import torch

from nnlessons_save_load.nets import RegressionNet


def save_weights(model: RegressionNet, path: Path) -> None:
    raise NotImplementedError("write this function")


def load_weights(path: Path, hidden: int) -> RegressionNet:
    raise NotImplementedError("write this function")
