# expect: softmax probabilities
import torch
from torch import nn


class MnistMLP(nn.Module):
    """The notes' version: a softmax layer at the end."""

    def __init__(self, hidden=256):
        super().__init__()
        self.flatten = nn.Flatten()
        self.hidden = nn.Linear(784, hidden)
        self.relu = nn.ReLU()
        self.output = nn.Linear(hidden, 10)
        self.softmax = nn.Softmax(dim=1)

    def forward(self, images):
        return self.softmax(self.output(self.relu(self.hidden(self.flatten(images)))))
