# expect: state['v'] shares memory with the input 'g'
import torch


def momentum_step(g, state, lr=0.01, momentum=0.8):
    if "v" not in state:
        state["v"] = g  # the first velocity is the gradient itself: later mul_ changes the caller's p.grad
    else:
        state["v"].mul_(momentum).add_(g)
    return lr * state["v"]
