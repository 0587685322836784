# expect: fc(h_n)
import torch
from torch import nn


class RowLSTM(nn.Module):
    def __init__(self, hidden_size=100):
        super().__init__()
        self.lstm = nn.LSTM(input_size=28, hidden_size=hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, 10)

    def forward(self, images):
        _, (h_n, _) = self.lstm(images)
        return self.fc(h_n)
