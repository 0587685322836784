# expect: torch.no_grad()
import torch


def batch_norm_2d(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    dims = (0, 2, 3)
    if training:
        mean, var = x.mean(dims), x.var(dims, unbiased=False)
        running_mean.mul_(1 - momentum).add_(momentum * mean)  # mean still carries x's graph
        running_var.mul_(1 - momentum).add_(momentum * x.var(dims, unbiased=True))
    else:
        mean, var = running_mean, running_var
    shape = (1, -1, 1, 1)
    return (x - mean.view(shape)) / torch.sqrt(var.view(shape) + eps) * weight.view(shape) + bias.view(shape)
