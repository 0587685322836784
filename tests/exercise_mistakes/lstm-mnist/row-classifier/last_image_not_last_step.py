# expect: outputs[-1] is the last image of the batch
import torch
from torch import nn


class RowLSTM(nn.Module):
    def __init__(self, hidden_size=100):
        super().__init__()
        self.lstm = nn.LSTM(input_size=28, hidden_size=hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, 10)

    def forward(self, images):
        outputs, _ = self.lstm(images)
        return self.fc(outputs[-1])
