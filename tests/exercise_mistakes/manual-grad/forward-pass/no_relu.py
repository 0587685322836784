# expect: the ReLU is missing
import torch


def forward(x, weights, biases, weights2, biases2):
    hidden = x.mm(weights) + biases
    return hidden.mm(weights2) + biases2
