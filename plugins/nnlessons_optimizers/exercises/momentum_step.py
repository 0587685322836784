"""SGD with momentum, one step at a time, as torch.optim.SGD does it.

Task
----
Complete `momentum_step(g, state, lr, momentum)`. It gets one parameter's
gradient `g` for this step and that parameter's state (a dict: empty before
the first step, the same dict at every step) and returns the step; the
optimizer then does w <- w - step. PyTorch's form, the lesson's:

    v    <- momentum * v + g     v starts at 0; keep it in state["v"]
    step  = lr * v

Shapes
------
- g: a tensor of any shape (the parameter's: (20, 1), (3, 4), 0-d ...),
  float64 or float32
- state: a dict; read and write state["v"], a tensor shaped like g
- lr, momentum: Python floats (the lesson's: lr = 0.01, momentum = 0.8).
  lr may change from one step to the next (a learning-rate schedule).
- returns: the step, a tensor shaped like g, with g's dtype

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
- Tensor arithmetic only: no torch.optim.
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
    raise NotImplementedError("update state['v'] = momentum * v + g (v starts at 0) and return lr * v")
