# expect: refused a file made only of trusted classes
import torch
from torch import nn

from nnlessons_save_load.nets import RegressionNet


def load_trusted_model(path):
    with torch.serialization.safe_globals([RegressionNet, nn.Linear]):
        return torch.load(path)
