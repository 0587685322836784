# expect: rounded up
import math


def conv_output_size(size, kernel, padding=0, stride=1):
    return math.ceil((size + 2 * padding - kernel) / stride) + 1
