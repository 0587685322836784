# expect: cut off from autograd
import torch


def forward(x, weights, biases, weights2, biases2):
    with torch.no_grad():
        hidden = torch.relu(x.mm(weights) + biases)
        return hidden.mm(weights2) + biases2
