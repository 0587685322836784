"""Log-softmax by hand: the log-probabilities, without ever taking the log of a probability that rounded to 0.

Task
----
Complete `log_softmax(logits, dim)`: the log of the softmax along `dim`, as
torch.log_softmax(logits, dim) gives it. Two ways to get it wrong
numerically: the textbook formula overflows for z = 1000 (nan), and
log(softmax(z)) is -inf where a probability underflows to 0 (z = (0, -1000)
has log-softmax (0, -1000), not (0, -inf)). Yours must be exact in both
cases (the lesson's "The maths" shows how).

Contract
--------
- logits: a float tensor of any shape, e.g. (N, K), float64 or float32.
  Not changed.
- dim: the dimension to normalise along (may be negative).
- returns: a new tensor of the same shape and dtype as `logits`, every
  entry <= 0.

Example
-------
    >>> log_softmax(torch.tensor([[2.0, 1.0, 0.1]]), dim=1)
    tensor([[-0.4170, -1.4170, -2.3170]])
    >>> log_softmax(torch.tensor([[0.0, -1000.0]], dtype=torch.float64), dim=1)
    tensor([[    0., -1000.]], dtype=torch.float64)

Rules
-----
- Tensor arithmetic only: torch.log_softmax, F.log_softmax, torch.logsumexp
  and softmax (torch.softmax, F.softmax, Tensor.softmax) are switched off
  while your function runs.
- The check compares with torch.log_softmax on many random tensors and every `dim`, and on
  logits of +-1000: within 1e-9 (+ 1e-9 relative) in float64, 1e-5 (+ 1e-5 relative) in float32.
"""

import torch


def log_softmax(logits: torch.Tensor, dim: int = -1) -> torch.Tensor:
    raise NotImplementedError("write this function")
