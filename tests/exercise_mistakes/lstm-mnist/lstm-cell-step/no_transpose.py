# expect: multiply by their transposes
import torch


def lstm_cell_step(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    hidden = h.shape[1]
    z = x @ weight_ih + bias_ih + h @ weight_hh + bias_hh  # the weights are (4H, D) and (4H, H)
    i, f, g, o = z.split(hidden, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new
