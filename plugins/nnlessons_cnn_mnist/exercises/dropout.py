"""Dropout: drop a share p of the values, scale the rest by 1 / (1 - p), and do nothing in eval().

Task
----
Complete `dropout(x, p, training, generator)`, what `nn.Dropout(p)` does:

    training=True   every element independently: 0 with probability p, otherwise x / (1 - p)
    training=False  return x unchanged (the identity)

Scaling the kept values by 1 / (1 - p) keeps each element's expected value equal to x, so the
next layer sees numbers of the same size in training and in evaluation, and eval() needs no
correction. p = 0 keeps everything; p = 1 drops everything (return zeros, not 0 / 0 = nan).

Shapes
------
- x: any shape, float32 or float64; p: a float in [0, 1]; training: bool
- generator: a torch.Generator: draw every random number from it, so a seed gives the same mask
- returns: a tensor shaped and typed like x

Example
-------
x = torch.ones(8), p = 0.5, training=True: about half the values are 0 and the others 2.0,
e.g. tensor([2., 0., 0., 2., 2., 0., 2., 2.]); with training=False the result is x.

Rules
-----
- No F.dropout, torch.dropout or nn.Dropout (they raise while your function runs): torch.rand
  (or torch.bernoulli) with the generator, a comparison, a multiplication.
- The check looks at behaviour, not one mask: over 200,000 values the share dropped must be
  within 5 standard deviations of p, every kept value x / (1 - p) (relative 1e-6), the same
  seed the same mask and another seed another one, p = 0 and p = 1, eval() returning x itself.
"""

import torch


def dropout(x: torch.Tensor, p: float, training: bool, generator: torch.Generator) -> torch.Tensor:
    raise NotImplementedError("in training keep each value with probability 1 - p and divide it by 1 - p; else return x")
