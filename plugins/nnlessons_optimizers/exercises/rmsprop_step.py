"""RMSprop, one step at a time, as torch.optim.RMSprop does it.

Task
----
Complete `rmsprop_step(g, state, lr, alpha, eps)`. It gets one parameter's
gradient `g` for this step and that parameter's state, and returns the step;
the optimizer then does w <- w - step. Use PyTorch's form, the one the
lesson's section "The update rules" writes: each weight's step is its
gradient divided by the root of a leaky average of its squared gradients
(kept in state["E"], 0 before the first step; alpha is how much of the old
average each step keeps), with eps placed where PyTorch places it.

Contract
--------
- g: a tensor of any shape (the parameter's: (20, 1), (3, 4), 0-d ...),
  float64 or float32. Not changed.
- state: a dict, empty before the first step and the same dict at every step;
  change it in place: after each step state["E"] holds the average, a tensor
  of g's shape and dtype that is your own.
- lr, alpha, eps: Python floats (the lesson's: lr = 0.01, alpha = 0.9,
  eps = 1e-8; PyTorch's default alpha is 0.99). lr may change from one
  step to the next (a learning-rate schedule).
- returns: the step, a new tensor shaped like g, with g's dtype.

Example
-------
With lr = 0.1 and alpha = 0.9:

    >>> state = {}
    >>> rmsprop_step(torch.tensor([1.0, -2.0]), state, 0.1, 0.9)
    tensor([ 0.3162, -0.3162])
    >>> rmsprop_step(torch.tensor([0.5, 2.0]), state, 0.1, 0.9)
    tensor([0.1474, 0.2294])
    >>> state["E"]
    tensor([0.1150, 0.7600])

Rules
-----
- Tensor arithmetic only: torch.optim (its optimizers and their functional
  forms) is switched off while your function runs.
- The check steps torch.optim.RMSprop(params, lr=lr, alpha=alpha, eps=eps)
  next to your function on the same gradients: 14 runs of 20 to 40 steps
  (the lesson's settings, random ones, alpha = 0.99, eps = 0.1, gradients
  exactly 0, tiny gradients, a learning-rate schedule, float32 ...). At
  every step it compares your step with PyTorch's (its weights before
  minus after) and state["E"] with its "square_avg", within
  1e-12 + 1e-8 x |PyTorch| in float64, 1e-6 + 1e-5 x |PyTorch| in float32.
"""

import torch


def rmsprop_step(g: torch.Tensor, state: dict, lr: float = 0.01, alpha: float = 0.9, eps: float = 1e-8) -> torch.Tensor:
    raise NotImplementedError("write this function")
