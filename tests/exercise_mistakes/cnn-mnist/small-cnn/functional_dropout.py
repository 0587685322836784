# expect: defaults to training=True
import torch
import torch.nn.functional as F
from torch import nn


class SmallCNN(nn.Module):
    def __init__(self, dropout=0.3):
        super().__init__()
        self.p = dropout
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.conv3 = nn.Conv2d(32, 64, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(64)
        self.fc = nn.Linear(576, 10)

    def forward(self, images):
        x = F.max_pool2d(torch.relu(self.bn1(self.conv1(images))), 2)
        x = F.max_pool2d(torch.relu(self.bn2(self.conv2(x))), 2)
        x = F.max_pool2d(torch.relu(self.bn3(self.conv3(x))), 2)
        return self.fc(F.dropout(x.flatten(1), self.p))  # active in eval() too
