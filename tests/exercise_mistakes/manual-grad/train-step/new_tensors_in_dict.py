# expect: is a new tensor
import torch


def forward(params, x):
    hidden = torch.relu(x.mm(params["weights"]) + params["biases"])
    return hidden.mm(params["weights2"]) + params["biases2"]


def train_step(params, x, y, lr):
    loss = ((forward(params, x) - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        for name, tensor in params.items():
            params[name] = (tensor - lr * tensor.grad).requires_grad_(True)
    return loss.item()
