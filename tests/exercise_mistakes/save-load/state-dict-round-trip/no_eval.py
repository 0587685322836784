# expect: model.eval()
import torch

from nnlessons_save_load.nets import RegressionNet


def save_weights(model, path):
    torch.save(model.state_dict(), path)


def load_weights(path, hidden):
    model = RegressionNet(hidden)
    model.load_state_dict(torch.load(path, weights_only=True))
    return model
