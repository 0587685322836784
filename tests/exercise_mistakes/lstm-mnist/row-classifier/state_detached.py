# expect: no gradient reached your 'lstm.
import torch
from torch import nn


class RowLSTM(nn.Module):
    def __init__(self, hidden_size: int = 100) -> None:
        super().__init__()
        self.lstm = nn.LSTM(input_size=28, hidden_size=hidden_size, batch_first=True)  # reads (B, 28 rows, 28 pixels)
        self.fc = nn.Linear(hidden_size, 10)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        outputs, _ = self.lstm(images)  # (B, 28, H): the hidden state after every row
        return self.fc(outputs[:, -1, :].detach())  # "only fc needs the features"
