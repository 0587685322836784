"""BatchNorm2d by hand: batch statistics in train(), running statistics in eval().

Task
----
Complete `batch_norm_2d(x, running_mean, running_var, weight, bias, training, momentum, eps)`,
what `nn.BatchNorm2d` computes for a batch of feature maps x (B, C, H, W). Each channel c has
its own statistics, taken over the batch and every position (B * H * W numbers).

- training=True: normalise each channel with the statistics of this batch, scale by weight
  (gamma) and shift by bias (beta); then update running_mean and running_var IN PLACE, the
  way nn.BatchNorm2d does with its `momentum`.
- training=False: normalise with running_mean and running_var instead, then scale and shift;
  leave both buffers as they are.

Which variance is used where, and how momentum blends the running statistics, is in the
lesson's "The maths" (`nnlessons explain cnn-mnist`): match PyTorch exactly.

Shapes
------
- x: (B, C, H, W); running_mean, running_var, weight (gamma), bias (beta): (C,)
- all float32 or all float64
- returns y, shape (B, C, H, W), the dtype of x; running_mean and running_var are changed in place

Example
-------
One channel holding 1, 2, 3, 4 (x.shape (4, 1, 1, 1)), gamma 1, beta 0, eps 0, momentum 0.1:

    >>> x = torch.tensor([1.0, 2.0, 3.0, 4.0]).reshape(4, 1, 1, 1)
    >>> running_mean, running_var = torch.zeros(1), torch.ones(1)
    >>> y = batch_norm_2d(x, running_mean, running_var, torch.ones(1), torch.zeros(1), True, 0.1, 0.0)
    >>> y.flatten(), running_mean, running_var
    (tensor([-1.3416, -0.4472,  0.4472,  1.3416]), tensor([0.2500]), tensor([1.0667]))
    >>> batch_norm_2d(x, running_mean, running_var, torch.ones(1), torch.zeros(1), False).flatten()
    tensor([0.7262, 1.6944, 2.6627, 3.6309])
    >>> running_mean, running_var            # eval() only reads them
    (tensor([0.2500]), tensor([1.0667]))

Rules
-----
- No F.batch_norm, torch.batch_norm or nn.BatchNorm2d (they raise while your function runs).
- Only running_mean and running_var may change; x, weight and bias must not. The buffers stay
  statistics: outside the autograd graph even when x requires grad, while y stays connected to x.
- The check compares y and both buffers with F.batch_norm on copies: the lesson's sizes, a
  batch of one, 1 x 1 maps, several steps in a row, eval after training, momentum 0.5, the
  default momentum and eps, and many seeded random cases: to 1e-10 in float64, 1e-5 in float32.
"""

import torch


def batch_norm_2d(x: torch.Tensor, running_mean: torch.Tensor, running_var: torch.Tensor, weight: torch.Tensor,
                  bias: torch.Tensor, training: bool, momentum: float = 0.1, eps: float = 1e-5) -> torch.Tensor:
    raise NotImplementedError("write this function")
