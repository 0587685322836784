"""Build: the lesson's whole training loop by hand, without autograd: forward, four gradients, four updates, N times.

Task
----
Complete `train_by_hand(params, x, y, lr, steps)`: train the lesson's 14 -> 128 -> 1 network with
`steps` steps of full-batch gradient descent, every gradient written by hand (the chain rule of
the lesson's section "Backpropagation by hand and the gradient check"), and return the loss of
every step and the trained tensors.

The network, as in the forward-pass exercise:

| layer  | what it does                                      | tensors                        | output |
| ------ | ------------------------------------------------- | ------------------------------ | ------ |
| hidden | matrix product with weights, plus biases, ReLU    | weights (F, H), biases (H,)    | (B, H) |
| output | matrix product with weights2, plus biases2        | weights2 (H, 1), biases2 (1,)  | (B, 1) |
| loss   | mean over the B rows of (prediction - y) ** 2     |                                | a number |

Every step, in this order:

1. the forward pass and the loss with the current tensors;
2. the gradient of that loss with respect to each of the four tensors (what `loss.backward()`
   would give; relu's derivative at exactly 0 is 0, as in PyTorch);
3. plain gradient descent on each of the four tensors with learning rate `lr`, every update
   using this step's gradients.

Contract
--------
- params: a dict with "weights" (F, H), "biases" (H,), "weights2" (H, 1), "biases2" (1,),
  of x's dtype, not requiring grad. Do not change them: the caller keeps its starting point.
- x: (B, F), y: (B, 1), B >= 1; lr: a Python float; steps: an int >= 1.
- returns `(losses, trained)`:
  - losses: a list of `steps` Python floats, losses[i] = the loss of step i's forward pass,
    before that step's update (losses[0] is the loss of the starting tensors);
  - trained: a dict with the same four names, the tensors after the last update: new tensors
    (sharing no memory with params), same shapes and dtype, not requiring grad.

Example
-------
    >>> x = torch.tensor([[1.0, 2.0]]); y = torch.tensor([[3.0]])               # B = 1, F = 2, H = 2
    >>> params = {"weights": torch.tensor([[1.0, -1.0], [0.0, 1.0]]), "biases": torch.tensor([0.0, -2.0]),
    ...           "weights2": torch.tensor([[2.0], [1.0]]), "biases2": torch.tensor([0.0])}
    >>> losses, trained = train_by_hand(params, x, y, 0.01, 2)
    >>> [round(loss, 4) for loss in losses]
    [1.0, 0.2258]
    >>> trained["biases"], trained["biases2"]      # the second hidden unit is off (z < 0): its bias stays
    (tensor([ 0.0592, -2.0000]), tensor([0.0295]))
    >>> params["biases2"]                          # the caller's tensors are as they were
    tensor([0.])

Rules
-----
- `backward()` and `torch.autograd` are switched off while your function runs, and so is
  torch.optim: the gradients and the updates are yours.
- The check trains from the same start with autograd and torch's own update, at the lesson's
  sizes (14 -> 128 -> 1, lr 0.001) and others, with units exactly at z = 0 and a batch of one,
  and compares every loss and the four trained tensors: float64 to 1e-10 relative (plus 1e-10),
  float32 to 1e-4 (plus 1e-4).
"""

import torch


def train_by_hand(params: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor, lr: float,
                  steps: int) -> tuple[list[float], dict[str, torch.Tensor]]:
    raise NotImplementedError("write this function")
