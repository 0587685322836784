"""SGD with momentum, one step at a time, as torch.optim.SGD(momentum=...) does it.

Task
----
Complete `momentum_step(g, state, lr, momentum)`. It gets one parameter's
gradient `g` for this step and that parameter's state, and returns the step;
the optimizer then does w <- w - step. Use PyTorch's form of momentum, the one
the lesson's section "The update rules" writes (not the textbook form with lr
inside the velocity): the velocity starts at 0 and is kept in state["v"]
from one step to the next.

Contract
--------
- g: a tensor of any shape (the parameter's: (20, 1), (3, 4), 0-d ...),
  float64 or float32. Not changed.
- state: a dict, empty before the first step and the same dict at every step;
  change it in place: after each step state["v"] holds the velocity, a tensor
  of g's shape and dtype that is your own (not g itself: in a training loop g
  is p.grad, which the next backward() or zero_grad() changes in place).
- lr, momentum: Python floats (the lesson's: lr = 0.01, momentum = 0.8).
  lr may change from one step to the next (a learning-rate schedule).
- returns: the step, a new tensor shaped like g, with g's dtype.

Example
-------
With lr = 0.1 and momentum = 0.8:

    >>> state = {}
    >>> momentum_step(torch.tensor([1.0, -2.0]), state, 0.1, 0.8)
    tensor([ 0.1000, -0.2000])
    >>> momentum_step(torch.tensor([0.5, 2.0]), state, 0.1, 0.8)
    tensor([0.1300, 0.0400])
    >>> state["v"]
    tensor([1.3000, 0.4000])

Rules
-----
- Tensor arithmetic only: torch.optim (its optimizers and their functional
  forms) is switched off while your function runs.
- The check steps torch.optim.SGD(params, lr=lr, momentum=momentum) next
  to your function on the same gradients: 14 runs of 20 to 40 steps (the
  lesson's settings, random ones, momentum 0 and 0.99, a constant
  gradient, one that flips sign, a learning-rate schedule, float32 ...).
  At every step it compares your step with PyTorch's (its weights before
  minus after) and state["v"] with its "momentum_buffer", within
  1e-12 + 1e-8 x |PyTorch| in float64, 1e-6 + 1e-5 x |PyTorch| in float32.
"""

import torch


def momentum_step(g: torch.Tensor, state: dict, lr: float = 0.01, momentum: float = 0.8) -> torch.Tensor:
    raise NotImplementedError("write this function")
