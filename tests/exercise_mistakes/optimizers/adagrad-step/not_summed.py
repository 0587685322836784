# expect: only this step's g^2
import torch


def adagrad_step(g, state, lr=0.01, eps=1e-10):
    state["G"] = g**2
    return lr * g / (state["G"].sqrt() + eps)
