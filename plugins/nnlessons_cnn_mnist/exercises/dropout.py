"""Dropout: drop a share p of the values in train(), do nothing in eval().

Task
----
Complete `dropout(x, p, training, generator)`, what `nn.Dropout(p)` does:

- training=True: every element independently is set to 0 with probability p; the elements
  kept are scaled so that each element's expected value stays x (the next layer then sees
  numbers of the same size in training and in evaluation, and eval() needs no correction).
- training=False: return x unchanged.

p = 0 keeps everything; p = 1 drops everything (return zeros, never nan).

Shapes
------
- x: any shape, float32 or float64; p: a float in [0, 1]; training: bool
- generator: a torch.Generator: draw every random number from it, so a seed gives the same mask
- returns: a tensor shaped and typed like x

Example
-------
    >>> dropout(torch.ones(8), 0.5, True, torch.Generator().manual_seed(0))
    tensor([0., 2., 0., 0., 0., 2., 0., 2.])
    >>> dropout(torch.ones(8), 0.5, False, torch.Generator().manual_seed(0))
    tensor([1., 1., 1., 1., 1., 1., 1., 1.])

Rules
-----
- No F.dropout, torch.dropout or nn.Dropout (they raise while your function runs). Draw every
  random number from `generator`.
- x must not change.
- The check looks at behaviour, not one mask: over 200,000 values the share dropped must be
  within 5 standard deviations of p, every kept value scaled by the same right factor (relative
  1e-6), the same seed the same mask and another seed another one, p = 0 and p = 1, eval()
  returning x itself.
"""

import torch


def dropout(x: torch.Tensor, p: float, training: bool, generator: torch.Generator) -> torch.Tensor:
    raise NotImplementedError("write this function")
