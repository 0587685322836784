# expect: torch.optim is switched off
import torch


def adam_step(g, state, t, lr=0.01, beta1=0.9, beta2=0.99, eps=1e-8):
    if "param" not in state:
        state["param"] = torch.zeros_like(g, requires_grad=True)
        state["optimizer"] = torch.optim.Adam([state["param"]], lr=lr, betas=(beta1, beta2), eps=eps)
    for group in state["optimizer"].param_groups:
        group["lr"] = lr
    before = state["param"].detach().clone()
    state["param"].grad = g.clone()
    state["optimizer"].step()
    return before - state["param"].detach()
