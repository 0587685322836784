# expect: torch.optim is switched off
import torch


def momentum_step(g, state, lr=0.01, momentum=0.8):
    if "param" not in state:
        state["param"] = torch.zeros_like(g, requires_grad=True)
        state["optimizer"] = torch.optim.SGD([state["param"]], lr=lr, momentum=momentum)
    before = state["param"].detach().clone()
    state["param"].grad = g.clone()
    state["optimizer"].step()
    return before - state["param"].detach()
