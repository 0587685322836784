# expect: padding is counted once
def conv_output_size(size, kernel, padding=0, stride=1):
    return (size + padding - kernel) // stride + 1
