# expect: called PyTorch's max pooling
from torch import nn


def max_pool2d_by_loops(x, kernel, stride=None, padding=0):
    return nn.MaxPool2d(kernel, stride, padding)(x)
