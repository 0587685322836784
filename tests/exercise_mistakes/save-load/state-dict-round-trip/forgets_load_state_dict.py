# expect: did you forget
import torch

from nnlessons_save_load.nets import RegressionNet


def save_weights(model, path):
    torch.save(model.state_dict(), path)


def load_weights(path, hidden):
    model = RegressionNet(hidden)
    state = torch.load(path, weights_only=True)
    model.state_dict().update(state)  # updates a new dict, not the parameters
    return model.eval()
