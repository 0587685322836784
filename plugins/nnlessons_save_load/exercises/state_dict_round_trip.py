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
    >>> save_weights(model, Path("state_dict.pt"))
    >>> restored = load_weights(Path("state_dict.pt"), hidden=10)
    >>> (restored(x) - model(x)).abs().max().item()
    0.0

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
    raise NotImplementedError("save model.state_dict(), not the model itself")


def load_weights(path: Path, hidden: int) -> RegressionNet:
    raise NotImplementedError("build RegressionNet(hidden), load the saved state_dict into it, switch to eval mode")
