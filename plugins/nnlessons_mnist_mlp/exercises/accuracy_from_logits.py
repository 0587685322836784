"""Accuracy from logits: the fraction of images whose largest score is the true digit.

Task
----
Complete `accuracy(logits, labels)`: the network's prediction for an image is the class with
the largest logit in its row. Return the fraction of images whose prediction equals the
label, as a Python float in [0, 1].

Shapes
------
- logits: (B, 10), float32 or float64, one row of class scores per image, B >= 1
- labels: (B,), int64, the true digits 0..9
- returns: a Python float

Example
-------
    >>> logits = torch.tensor([[0.1, 2.0, -1.0, 0, 0, 0, 0, 0, 0, 0],
    ...                        [3.0, 0.5, 0.2, 0, 0, 0, 0, 0, 0, 0]])
    >>> accuracy(logits, torch.tensor([1, 2]))     # predictions 1 and 0: one of two right
    0.5

Rules
-----
- The inputs must not change.
- The check compares with PyTorch on many seeded random batches (a batch of one, 10 images,
  1000 images, float64, all right, none right), to 1e-6.
"""

import torch


def accuracy(logits: torch.Tensor, labels: torch.Tensor) -> float:
    raise NotImplementedError("write this function")
