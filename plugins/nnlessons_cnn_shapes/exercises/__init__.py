"""The cnn-shapes exercises: the output-size formula, conv2d and max pooling by loops, parameter counts (no torch imported here)."""

from nnlessons.practice import Exercise, forbid

PACKAGE = __name__
CHECKS = "nnlessons_cnn_shapes.exercises.checks"

EXERCISES = [
    Exercise(
        id="output-size",
        title="The output-size formula",
        package=PACKAGE,
        starter="output_size.py",
        solution="solutions/output_size.py",
        check=f"{CHECKS}:check_output_size",
        hints=(
            "Pad first: the input is now n + 2p long. Then count where a window of k pixels can start: "
            "0, s, 2s, ... as long as it still ends inside the padded input.",
            "The last start is at most n + 2p - k. The starts 0, s, 2s, ... up to there are "
            "floor((n + 2p - k) / s) steps apart from the first, plus the first one itself.",
            "return (size + 2 * padding - kernel) // stride + 1   # // rounds down and keeps an int",
        ),
    ),
    Exercise(
        id="conv2d-by-loops",
        title="Conv2d by loops, with stride, padding and bias",
        package=PACKAGE,
        starter="conv2d_by_loops.py",
        solution="solutions/conv2d_by_loops.py",
        check=f"{CHECKS}:check_conv2d_by_loops",
        forbids=(forbid.CONVOLUTION.because("your code called a PyTorch convolution (F.conv2d, torch.conv2d or nn.Conv2d); this exercise asks for loops over the windows and tensor indexing."),),
        hints=(
            "Pad x with F.pad(x, (p, p, p, p)), make an output tensor of shape (N, O, H_out, W_out) with x's dtype, "
            "and loop over the output rows i and columns j.",
            "Output cell (i, j) reads the window padded[:, :, i*s : i*s + KH, j*s : j*s + KW], shape (N, C, KH, KW). "
            "Multiply it with every filter at once: window[:, None] * weight[None] is (N, O, C, KH, KW).",
            "out[:, :, i, j] = (window[:, None] * weight[None]).sum(dim=(2, 3, 4)); after the loops, "
            "if bias is not None: out += bias.view(1, -1, 1, 1)   # one bias per filter, added once",
        ),
    ),
    Exercise(
        id="max-pool-by-loops",
        title="Max pooling by loops",
        package=PACKAGE,
        starter="max_pool_by_loops.py",
        solution="solutions/max_pool_by_loops.py",
        check=f"{CHECKS}:check_max_pool_by_loops",
        forbids=(forbid.MAX_POOLING.because("your code called PyTorch's max pooling (F.max_pool2d, torch.max_pool2d or nn.MaxPool2d); this exercise asks for loops over the windows and tensor indexing."),),
        hints=(
            "Same windows as the convolution, with two differences: stride=None means stride = kernel, "
            "and the window gives its largest value instead of a weighted sum.",
            "Pad with float('-inf'), not 0: F.pad(x, (p, p, p, p), value=float('-inf')). A padded cell can then never "
            "be the maximum, even when every real value in the window is negative.",
            "out[:, :, i, j] = padded[:, :, i*s : i*s + k, j*s : j*s + k].amax(dim=(2, 3))",
        ),
    ),
    Exercise(
        id="parameter-count",
        title="Parameter counts by hand: Conv2d, Linear and LeNet-5",
        package=PACKAGE,
        starter="parameter_count.py",
        solution="solutions/parameter_count.py",
        check=f"{CHECKS}:check_parameter_count",
        forbids=(forbid.LAYERS.because("your code built a layer (an nn.Module); this exercise asks for the count by arithmetic, from the shapes of the weights."),),
        hints=(
            "A Conv2d filter spans all input channels: in_channels * K * K weights, plus one bias. There are "
            "out_channels filters. A Linear layer has one row of in_features weights and one bias per output.",
            "conv_params = out * (in * K * K + 1); linear_params = out * (in + 1). For LeNet, follow the shapes: "
            "32 -> conv 5 -> 28 -> pool -> 14 -> conv 5 -> 10 -> pool -> 5, with 16 channels at the end.",
            "lenet = conv(1, 6, 5) + conv(6, 16, 5) + linear(16 * 5 * 5, 120) + linear(120, 84) + linear(84, num_classes)",
        ),
    ),
]
