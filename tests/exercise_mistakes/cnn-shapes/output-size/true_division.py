# expect: return a Python int
def conv_output_size(size, kernel, padding=0, stride=1):
    return (size + 2 * padding - kernel) / stride + 1
