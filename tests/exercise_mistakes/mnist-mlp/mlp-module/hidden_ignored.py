# expect: use the `hidden` argument
import torch
from torch import nn


class MnistMLP(nn.Module):
    def __init__(self, hidden=256):
        super().__init__()
        self.flatten = nn.Flatten()
        self.hidden = nn.Linear(784, 256)
        self.relu = nn.ReLU()
        self.output = nn.Linear(256, 10)

    def forward(self, images):
        return self.output(self.relu(self.hidden(self.flatten(images))))
