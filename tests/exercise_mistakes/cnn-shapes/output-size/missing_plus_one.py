# expect: the +1 is missing
def conv_output_size(size, kernel, padding=0, stride=1):
    return (size + 2 * padding - kernel) // stride
