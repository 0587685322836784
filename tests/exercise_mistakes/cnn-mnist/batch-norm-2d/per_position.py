# expect: per channel AND position
import torch


def batch_norm_2d(x, running_mean, running_var, weight, bias, training, momentum=0.1, eps=1e-5):
    shape = (1, -1, 1, 1)
    if training:
        mean = x.mean(0, keepdim=True)  # (1, C, H, W): one mean per channel and pixel
        var = x.var(0, unbiased=False, keepdim=True)
        with torch.no_grad():
            running_mean.mul_(1 - momentum).add_(momentum * mean.mean((0, 2, 3)))
            running_var.mul_(1 - momentum).add_(momentum * x.var((0, 2, 3)))
    else:
        mean, var = running_mean.view(shape), running_var.view(shape)
    return (x - mean) / torch.sqrt(var + eps) * weight.view(shape) + bias.view(shape)
