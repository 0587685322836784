"""Save a trained net's weights, then restore them into a fresh net built in code (reference solution)."""

from pathlib import Path

import torch

from nnlessons_save_load.nets import RegressionNet


def save_weights(model: RegressionNet, path: Path) -> None:
    torch.save(model.state_dict(), path)  # {name: tensor} only: no class is pickled


def load_weights(path: Path, hidden: int) -> RegressionNet:
    model = RegressionNet(hidden)  # the code: which layers, how forward combines them
    model.load_state_dict(torch.load(path, weights_only=True))  # the numbers, matched by name
    return model.eval()  # ready to predict (matters for dropout and batch-norm)
