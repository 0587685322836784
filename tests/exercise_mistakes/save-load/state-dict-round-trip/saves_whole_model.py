# expect: pickles the whole module
import torch

from nnlessons_save_load.nets import RegressionNet


def save_weights(model, path):
    torch.save(model, path)


def load_weights(path, hidden):
    model = torch.load(path, weights_only=False)
    return model.eval()
