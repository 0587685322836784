# expect: called a PyTorch convolution
from torch.nn.functional import conv2d


def conv2d_by_loops(x, weight, bias=None, stride=1, padding=0):
    return conv2d(x, weight, bias, stride=stride, padding=padding)
