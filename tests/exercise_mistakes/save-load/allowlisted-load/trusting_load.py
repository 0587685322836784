# expect: weights_only=False
import torch


def load_trusted_model(path):
    return torch.load(path, weights_only=False)
