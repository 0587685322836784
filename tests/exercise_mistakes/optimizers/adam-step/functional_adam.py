# expect: torch.optim is switched off
import torch
from torch.optim._functional import adam


def adam_step(g, state, t, lr=0.01, beta1=0.9, beta2=0.99, eps=1e-8):
    param = torch.zeros_like(g)
    m = state.setdefault("m", torch.zeros_like(g))
    v = state.setdefault("v", torch.zeros_like(g))
    adam([param], [g.clone()], [m], [v], [], [torch.tensor(float(t - 1))], amsgrad=False, beta1=beta1, beta2=beta2,
         lr=lr, weight_decay=0.0, eps=eps, maximize=False)
    return -param
