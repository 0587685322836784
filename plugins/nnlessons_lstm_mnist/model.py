"""The notes' model: an LSTM reads a digit's 28 rows as 28 time steps, a Linear layer reads its last output."""

from __future__ import annotations

import torch
from torch import nn

from nnlessons.seeding import seeded

ROWS = 28  # time steps: one image row per step
ROW_WIDTH = 28  # features per step: the pixels of one row
HIDDEN = 100  # LSTM hidden units
CLASSES = 10
GATES = ("input i", "forget f", "cell candidate g", "output o")  # PyTorch's order inside the 4*H rows


class RowLSTM(nn.Module):
    """LSTM(28 -> 100, batch_first) over the rows, then Linear(100 -> 10) on the last time step."""

    def __init__(self, hidden_size: int = HIDDEN) -> None:
        super().__init__()
        self.lstm = nn.LSTM(input_size=ROW_WIDTH, hidden_size=hidden_size, batch_first=True)
        self.fc = nn.Linear(hidden_size, CLASSES)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        outputs, _ = self.lstm(images)  # (B, 28, 28) -> (B, 28, 100): h_t for every step t
        return self.fc(outputs[:, -1, :])  # (B, 100) -> (B, 10) logits


def build_model(device: torch.device, seed: int) -> RowLSTM:
    """A RowLSTM with PyTorch's default initialisation drawn from `seed` (same seed, same weights), on `device`.

    Every LSTM weight and bias, and the Linear layer, start uniform in [-1/sqrt(100), 1/sqrt(100)] = [-0.1, 0.1].
    """
    with seeded(seed):  # leaves the global random state alone
        model = RowLSTM()
    return model.to(device)


def lstm_by_hand(images: torch.Tensor, lstm: nn.LSTM) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The LSTM equations written out, step by step, with the weights of `lstm` (one layer, batch_first).

    For each step t, with x_t the row (B, 28) and h, c the previous state (B, H)::

        z = x_t @ W_ih.T + b_ih + h @ W_hh.T + b_hh          # (B, 4H): the four gates stacked
        i, f, g, o = sigmoid(z[:, :H]), sigmoid(z[:, H:2H]), tanh(z[:, 2H:3H]), sigmoid(z[:, 3H:])
        c = f * c + i * g                                     # forget some memory, write some new
        h = o * tanh(c)                                       # what the cell shows to the next step

    :return: outputs (B, 28, H), h_n (1, B, H), c_n (1, B, H), like ``lstm(images)``.
    """
    batch, steps, _ = images.shape
    hidden = lstm.hidden_size
    h = images.new_zeros(batch, hidden)  # (B, H)
    c = images.new_zeros(batch, hidden)  # (B, H)
    outputs = []
    for t in range(steps):
        z = images[:, t] @ lstm.weight_ih_l0.T + lstm.bias_ih_l0 + h @ lstm.weight_hh_l0.T + lstm.bias_hh_l0  # (B, 4H)
        i, f, g, o = z.split(hidden, dim=1)  # each (B, H)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outputs.append(h)
    return torch.stack(outputs, dim=1), h.unsqueeze(0), c.unsqueeze(0)


def without_batch_first(lstm: nn.LSTM) -> nn.LSTM:
    """The same LSTM weights in a layer that expects time first, (28, B, 28): the classic shape mistake."""
    time_first = nn.LSTM(input_size=lstm.input_size, hidden_size=lstm.hidden_size, batch_first=False)
    time_first.load_state_dict(lstm.state_dict())
    return time_first.to(lstm.weight_ih_l0.device)


def parameter_rows(model: RowLSTM) -> list[tuple[str, str, int, str]]:
    """(name, shape, count, meaning) for every parameter tensor of the model."""
    hidden = model.lstm.hidden_size
    meaning = {
        "lstm.weight_ih_l0": f"row x_t -> 4 gates: 4 x {hidden} rows ({', '.join(GATES)}) by {ROW_WIDTH} pixels",
        "lstm.weight_hh_l0": f"previous h -> 4 gates: 4 x {hidden} rows by {hidden} hidden units",
        "lstm.bias_ih_l0": f"gate biases (4 x {hidden}), added to the input part",
        "lstm.bias_hh_l0": f"a second set of gate biases (4 x {hidden}): redundant with bias_ih, kept for cuDNN",
        "fc.weight": f"last h ({hidden}) -> {CLASSES} class scores",
        "fc.bias": "class score offsets",
    }
    return [
        (name, " x ".join(str(s) for s in p.shape), p.numel(), meaning.get(name, ""))
        for name, p in model.named_parameters()
    ]


def expected_parameter_count(hidden: int = HIDDEN, inputs: int = ROW_WIDTH, classes: int = CLASSES) -> int:
    """The formula: 4 gates x (H x inputs + H x H + 2 biases of H), plus the Linear layer's H x 10 + 10."""
    return 4 * (hidden * inputs + hidden * hidden + 2 * hidden) + hidden * classes + classes
