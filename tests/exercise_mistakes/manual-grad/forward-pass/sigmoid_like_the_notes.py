# expect: a sigmoid is used between the layers
import torch


def forward(x, weights, biases, weights2, biases2):
    hidden = torch.sigmoid(x.mm(weights) + biases)
    return hidden.mm(weights2) + biases2
