"""Load a whole-model file with weights_only=True, allowing only the classes you trust (reference solution)."""

from pathlib import Path

import torch
from torch import nn

from nnlessons_save_load.nets import RegressionNet

TRUSTED = [RegressionNet, nn.Sequential, nn.Linear, nn.ReLU]  # the lesson's two nets need no more


def load_trusted_model(path: Path) -> nn.Module:
    # safe_globals allows these only inside the with-block; add_safe_globals would allow them for good
    with torch.serialization.safe_globals(TRUSTED):
        return torch.load(path, weights_only=True)  # anything else named in the file: UnpicklingError
