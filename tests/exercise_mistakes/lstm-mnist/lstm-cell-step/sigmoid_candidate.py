# expect: cell candidate g goes through a sigmoid
import torch


def lstm_cell_step(x, h, c, weight_ih, weight_hh, bias_ih, bias_hh):
    z = torch.sigmoid(x @ weight_ih.T + bias_ih + h @ weight_hh.T + bias_hh)
    i, f, g, o = z.chunk(4, dim=1)
    c_new = f * c + i * g
    return o * torch.tanh(c_new), c_new
