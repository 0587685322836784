# expect: a ReLU was applied to the output too
import torch


def forward(x, weights, biases, weights2, biases2):
    hidden = torch.relu(x.mm(weights) + biases)
    return torch.relu(hidden.mm(weights2) + biases2)
