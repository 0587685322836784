"""The output size of a convolution along one axis.

Task
----
Complete `conv_output_size(size, kernel, padding=0, stride=1)`: along one axis of `size`
pixels, padded with `padding` zeros on each side, a window of `kernel` pixels starts at
0, stride, 2 * stride, ... and must end inside the padded input. Return how many windows fit.
Pixels at the end that no window reaches are dropped (PyTorch does not add a window for
them). Height and width are counted separately, each with its
own k, p, s. Max pooling (ceil_mode=False) uses the same count.

Shapes
------
- size, kernel, padding, stride: Python ints with size >= 1, kernel >= 1, padding >= 0,
  stride >= 1 and kernel <= size + 2 * padding (the kernel fits)
- returns: a Python int >= 1

Example
-------
    >>> conv_output_size(28, 5)          # a 28 x 28 digit, 5 x 5 kernel
    24
    >>> conv_output_size(28, 3, 1, 1)    # "same" padding keeps the size
    28
    >>> conv_output_size(7, 3, 0, 3)     # stride 3 does not fit: the last pixel is never covered
    2
    >>> conv_output_size(224, 7, 3, 2)   # the ResNet stem
    112

Rules
-----
- Integer arithmetic only, no torch: return an int (a shape has whole numbers).
- The check compares your number, exactly, with the height and width of the tensors that
  nn.Conv2d and nn.MaxPool2d really return: the lesson's table of cases, then 150 random
  settings with different kernel, padding and stride along each axis.
"""


def conv_output_size(size: int, kernel: int, padding: int = 0, stride: int = 1) -> int:
    raise NotImplementedError("write this function")
