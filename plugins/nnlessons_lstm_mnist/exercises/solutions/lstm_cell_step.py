"""One step of an LSTM cell (reference solution)."""

import torch


def lstm_cell_step(x: torch.Tensor, h: torch.Tensor, c: torch.Tensor, weight_ih: torch.Tensor,
                   weight_hh: torch.Tensor, bias_ih: torch.Tensor, bias_hh: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    hidden = h.shape[1]
    z = x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh  # (B, 4H): the four gates stacked
    i, f, g, o = z.split(hidden, dim=1)  # each (B, H), in PyTorch's order
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)  # keep some memory, write some new
    h_new = torch.sigmoid(o) * torch.tanh(c_new)  # what the cell shows to the next step
    return h_new, c_new
