"""The output size of a convolution along one axis (reference solution)."""


def conv_output_size(size: int, kernel: int, padding: int = 0, stride: int = 1) -> int:
    # the last window starts at most at size + 2p - k; starts are stride apart, plus the one at 0
    return (size + 2 * padding - kernel) // stride + 1
