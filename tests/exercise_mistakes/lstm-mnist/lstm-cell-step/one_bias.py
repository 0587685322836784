# expect: bias_hh is missing
import torch
import torch.nn.functional as F


def lstm_cell_step(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    z = F.linear(x, weight_ih, bias_ih) + F.linear(h, weight_hh)
    i, f, g, o = z.chunk(4, dim=1)
    c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
    return torch.sigmoid(o) * torch.tanh(c_new), c_new
