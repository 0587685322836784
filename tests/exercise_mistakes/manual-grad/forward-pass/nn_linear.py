# expect: nn.Linear and F.linear are switched off
import torch
import torch.nn.functional as F


def forward(x, weights, biases, weights2, biases2):
    return F.linear(torch.relu(F.linear(x, weights.T, biases)), weights2.T, biases2)
