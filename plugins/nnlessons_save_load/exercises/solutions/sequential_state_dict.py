"""Move a RegressionNet's state_dict into the same net written as nn.Sequential (reference solution)."""

import torch

from nnlessons_save_load.nets import RegressionNet, sequential_net

# Sequential(Linear, ReLU, Linear): index 1 is the ReLU, which has no parameters
SEQUENTIAL_INDEX = {"hidden": "0", "predict": "2"}


def to_sequential_names(state_dict: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    renamed = {}
    for key, tensor in state_dict.items():  # e.g. 'hidden.weight' -> '0.weight'
        layer, _, parameter = key.partition(".")  # the layer's name, the parameter's
        renamed[f"{SEQUENTIAL_INDEX[layer]}.{parameter}"] = tensor
    return renamed
