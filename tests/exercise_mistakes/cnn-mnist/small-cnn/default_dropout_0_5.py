# expect: default dropout 0.3
import torch
from torch import nn


class SmallCNN(nn.Module):
    def __init__(self, dropout: float = 0.5) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.conv2 = nn.Conv2d(16, 32, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.conv3 = nn.Conv2d(32, 64, 3, padding=1, bias=False)
        self.bn3 = nn.BatchNorm2d(64)
        self.pool = nn.MaxPool2d(2)
        self.dropout = nn.Dropout(dropout)  # a module: it follows model.train() / model.eval()
        self.fc = nn.Linear(64 * 3 * 3, 10)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        x = self.pool(torch.relu(self.bn1(self.conv1(images))))  # (B, 16, 14, 14)
        x = self.pool(torch.relu(self.bn2(self.conv2(x))))  # (B, 32, 7, 7)
        x = self.pool(torch.relu(self.bn3(self.conv3(x))))  # (B, 64, 3, 3)
        return self.fc(self.dropout(x.flatten(1)))  # (B, 576) -> (B, 10) logits
