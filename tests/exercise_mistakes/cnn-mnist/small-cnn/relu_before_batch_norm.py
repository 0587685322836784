# expect: ReLU comes before BatchNorm
import torch
from torch import nn


class SmallCNN(nn.Module):
    def __init__(self, dropout=0.3):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.conv3 = nn.Conv2d(32, 64, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(64)
        self.dropout = nn.Dropout(dropout)
        self.fc = nn.Linear(576, 10)

    def forward(self, images):
        x = images
        for conv, bn in ((self.conv1, self.bn1), (self.conv2, self.bn2), (self.conv3, self.bn3)):
            x = nn.functional.max_pool2d(bn(torch.relu(conv(x))), 2)
        return self.fc(self.dropout(x.flatten(1)))
