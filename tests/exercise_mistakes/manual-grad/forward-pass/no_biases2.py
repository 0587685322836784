# expect: biases2 is missing
import torch


def forward(x, weights, biases, weights2, biases2):
    return torch.relu(x.mm(weights) + biases).mm(weights2)
