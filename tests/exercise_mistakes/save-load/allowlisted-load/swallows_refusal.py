# expect: let torch's pickle.UnpicklingError propagate
import pickle

import torch
from torch import nn

from nnlessons_save_load.nets import RegressionNet


def load_trusted_model(path):
    try:
        with torch.serialization.safe_globals([RegressionNet, nn.Sequential, nn.Linear, nn.ReLU]):
            return torch.load(path, weights_only=True)
    except pickle.UnpicklingError:
        print("refused", path)
        return None
