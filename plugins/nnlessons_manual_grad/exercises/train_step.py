"""One training step of the lesson's loop: loss, backward(), the update, and clean gradients for the next step.

Task
----
`params` holds the lesson's four leaf tensors (requires_grad=True), by name:
"weights" (F, H), "biases" (H,), "weights2" (H, 1), "biases2" (1,). Complete
`train_step(params, x, y, lr)` so that it does one full-batch step of plain gradient descent
on the lesson's loss, the mean squared error of `forward(params, x)` against `y`, with
autograd's gradients, as the lesson's hand-written loop does (section "The network and the
update"), and returns the loss of this step's forward pass (before the update).

Contract
--------
- Every .grad is zero (or None) when train_step is called, and must be zero (or None) again
  when it returns, so that the next step's backward() starts clean.
- The tensors in `params` are updated in place: after the call, params["weights"] is the same
  tensor object, still a leaf that requires grad, holding the new values. x and y do not change.
- `forward` below is given (the lesson's network); use it, do not change it.
- x: (B, F), y: (B, 1) (a column, like the predictions: nothing broadcasts), B >= 1;
  lr: a Python float (the lesson uses 0.001)
- returns: the loss as a Python float

Example
-------
    >>> _ = torch.manual_seed(0)
    >>> params = {name: torch.randn(shape, requires_grad=True) for name, shape in
    ...           {"weights": (14, 128), "biases": (128,), "weights2": (128, 1), "biases2": (1,)}.items()}
    >>> x = torch.randn(16, 14); y = 62 + 10 * torch.randn(16, 1)
    >>> before = params["weights"]
    >>> train_step(params, x, y, 0.001)    # thousands at first, as in the lesson
    6882.24...
    >>> params["weights"] is before, params["weights"].requires_grad
    (True, True)
    >>> params["biases2"].grad             # clean for the next step
    tensor([0.])
    >>> train_step(params, x, y, 0.001)    # the same rows again, after one update
    425.52...

Rules
-----
- Write the update yourself: no torch.optim (the check switches optimizers off).
- The check runs three steps in a row from the same start as autograd plus a hand-written
  update, at the lesson's sizes and others, and compares the loss you return and all four tensors
  after every step: float64 to 1e-10 relative (plus 1e-10), float32 to 1e-5 (plus 1e-4).
"""

import torch


def forward(params: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """The lesson's network, (B, F) -> (B, 1). Given: do not change."""
    return torch.relu(x @ params["weights"] + params["biases"]) @ params["weights2"] + params["biases2"]


def train_step(params: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor, lr: float) -> float:
    raise NotImplementedError("write this function")
