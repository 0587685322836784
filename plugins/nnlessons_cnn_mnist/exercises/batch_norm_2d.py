"""BatchNorm2d by hand: batch statistics in train(), running statistics in eval().

Task
----
Complete `batch_norm_2d(x, running_mean, running_var, weight, bias, training, momentum, eps)`,
what `nn.BatchNorm2d` computes for a batch of feature maps x (B, C, H, W). Each channel c has
its own statistics, taken over the batch and every position (B * H * W numbers):

    training=True   mean = x.mean(over B, H, W)          var = the BIASED variance (divide by n)
                    y = (x - mean) / sqrt(var + eps) * weight + bias
                    then update the buffers IN PLACE, with the UNBIASED variance (divide by n - 1):
                    running_mean = (1 - momentum) * running_mean + momentum * mean
                    running_var  = (1 - momentum) * running_var  + momentum * unbiased var
    training=False  y = (x - running_mean) / sqrt(running_var + eps) * weight + bias
                    and leave running_mean, running_var as they are

Shapes
------
- x: (B, C, H, W); running_mean, running_var, weight (gamma), bias (beta): (C,)
- all float32 or all float64
- returns y, shape (B, C, H, W), the dtype of x; running_mean and running_var are changed in place

Example
-------
One channel holding 1, 2, 3, 4 (x.shape (4, 1, 1, 1)), weight 1, bias 0, eps 0, momentum 0.1,
buffers 0 and 1: mean 2.5, biased var 1.25, so y = (x - 2.5) / 1.118 = -1.342, -0.447, 0.447,
1.342; running_mean becomes 0.9 * 0 + 0.1 * 2.5 = 0.25 and running_var 0.9 * 1 + 0.1 * 1.6667
= 1.0667 (the unbiased variance of 1, 2, 3, 4 is 5 / 3).

Rules
-----
- No F.batch_norm, torch.batch_norm or nn.BatchNorm2d (they raise while your function runs):
  mean, var, sqrt and broadcasting.
- The check compares y and both buffers with F.batch_norm on copies: the lesson's sizes, a
  batch of one, 1 x 1 maps, several steps in a row, eval after training, momentum 0.5 and
  many seeded random cases: to 1e-10 in float64, 1e-5 in float32.
"""

import torch


def batch_norm_2d(x: torch.Tensor, running_mean: torch.Tensor, running_var: torch.Tensor, weight: torch.Tensor,
                  bias: torch.Tensor, training: bool, momentum: float = 0.1, eps: float = 1e-5) -> torch.Tensor:
    raise NotImplementedError("statistics per channel over dims (0, 2, 3); in training update the buffers in place")
