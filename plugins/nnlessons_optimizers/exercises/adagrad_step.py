"""AdaGrad, one step at a time, as torch.optim.Adagrad does it.

Task
----
Complete `adagrad_step(g, state, lr, eps)`. It gets one parameter's gradient
`g` for this step and that parameter's state, and returns the step; the
optimizer then does w <- w - step. Use PyTorch's form, the one the lesson's
section "The update rules" writes: each weight's step is its gradient divided
by a running total of its squared gradients (kept in state["G"], 0 before the
first step), with eps placed where PyTorch places it.

Contract
--------
- g: a tensor of any shape (the parameter's: (20, 1), (3, 4), 0-d ...),
  float64 or float32. Not changed.
- state: a dict, empty before the first step and the same dict at every step;
  change it in place: after each step state["G"] holds the total, a tensor of
  g's shape and dtype (a float64 g needs a float64 G) that is your own.
- lr, eps: Python floats (the lesson's: lr = 0.01 and PyTorch's default
  eps = 1e-10). lr may change from one step to the next (a schedule).
- returns: the step, a new tensor shaped like g, with g's dtype.

Example
-------
With lr = 0.1:

    >>> state = {}
    >>> adagrad_step(torch.tensor([1.0, -2.0]), state, 0.1)
    tensor([ 0.1000, -0.1000])
    >>> adagrad_step(torch.tensor([0.5, 2.0]), state, 0.1)
    tensor([0.0447, 0.0707])
    >>> state["G"]
    tensor([1.2500, 8.0000])

Rules
-----
- Tensor arithmetic only: torch.optim (its optimizers and their functional
  forms) is switched off while your function runs.
- The check steps torch.optim.Adagrad(params, lr=lr, eps=eps) next to
  your function on the same gradients: 13 runs of 20 to 40 steps (the
  lesson's settings, random ones, eps = 0.1, gradients exactly 0, tiny
  gradients, a learning-rate schedule, float32 ...). At every step it
  compares your step with PyTorch's (its weights before minus after) and
  state["G"] with its "sum", within 1e-12 + 1e-8 x |PyTorch| in float64,
  1e-6 + 1e-5 x |PyTorch| in float32.
"""

import torch


def adagrad_step(g: torch.Tensor, state: dict, lr: float = 0.01, eps: float = 1e-10) -> torch.Tensor:
    raise NotImplementedError("write this function")
