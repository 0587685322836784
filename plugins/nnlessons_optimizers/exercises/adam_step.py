"""Adam, one step at a time, as torch.optim.Adam does it.

Task
----
Complete `adam_step(g, state, t, lr, beta1, beta2, eps)`. It gets one
parameter's gradient `g` for this step, that parameter's state and the step
number t (1, 2, ...), and returns the step; the optimizer then does
w <- w - step. Use PyTorch's form, the one the lesson's section "The update
rules" writes: two leaky averages, of g (kept in state["m"]) and of g^2 (in
state["v"]), both 0 before the first step, and the bias correction that
makes up for their start at 0, with eps placed where PyTorch places it.

Contract
--------
- g: a tensor of any shape (the parameter's: (20, 1), (3, 4), 0-d ...),
  float64 or float32. Not changed.
- state: a dict, empty before the first step and the same dict at every step;
  change it in place: after each step state["m"] and state["v"] hold the raw
  averages (not bias-corrected), tensors of g's shape and dtype of your own.
- t: int, 1 at the first step.
- lr, beta1, beta2, eps: Python floats (the lesson's: lr = 0.01,
  beta1 = 0.9, beta2 = 0.99, eps = 1e-8; PyTorch's default beta2 is
  0.999). lr may change from one step to the next (a schedule).
- returns: the step, a new tensor shaped like g, with g's dtype.

Example
-------
With lr = 0.1 and the lesson's betas:

    >>> state = {}
    >>> adam_step(torch.tensor([1.0, -2.0]), state, 1, 0.1)
    tensor([ 0.1000, -0.1000])
    >>> adam_step(torch.tensor([0.5, 2.0]), state, 2, 0.1)
    tensor([0.0933, 0.0053])
    >>> state["m"], state["v"]
    (tensor([0.1400, 0.0200]), tensor([0.0124, 0.0796]))

Rules
-----
- Tensor arithmetic only: torch.optim (torch.optim.Adam and every other
  optimizer, and their functional forms) is switched off while your
  function runs.
- The check steps torch.optim.Adam(params, lr=lr, betas=(beta1, beta2),
  eps=eps) next to your function on the same gradients: 14 runs of 20 to
  40 steps (the lesson's settings, random ones, betas (0.9, 0.999),
  eps = 0.1, gradients exactly 0, tiny gradients, a learning-rate
  schedule, float32 ...). At every step it compares your step with
  PyTorch's (its weights before minus after), state["m"] with its
  "exp_avg" and state["v"] with its "exp_avg_sq", within
  1e-12 + 1e-8 x |PyTorch| in float64, 1e-6 + 1e-5 x |PyTorch| in float32.
"""

import torch


def adam_step(g: torch.Tensor, state: dict, t: int, lr: float = 0.01, beta1: float = 0.9, beta2: float = 0.99,
              eps: float = 1e-8) -> torch.Tensor:
    raise NotImplementedError("write this function")
