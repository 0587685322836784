# expect: momentum is the weight of the NEW statistic
import torch


def batch_norm_2d(x, running_mean, running_var, weight, bias, training, momentum=0.9, eps=1e-5):
    dims = (0, 2, 3)  # momentum 0.9 "keeps 90 % of the old statistics", as some frameworks define it
    if training:
        mean, var = x.mean(dims), x.var(dims, unbiased=False)
        with torch.no_grad():
            running_mean.mul_(momentum).add_((1 - momentum) * mean)
            running_var.mul_(momentum).add_((1 - momentum) * x.var(dims, unbiased=True))
    else:
        mean, var = running_mean, running_var
    shape = (1, -1, 1, 1)
    return (x - mean.view(shape)) / torch.sqrt(var.view(shape) + eps) * weight.view(shape) + bias.view(shape)
