"""The cnn-shapes exercises: the output-size formula, conv2d and max pooling by loops, parameter counts, and a small
convolutional network built from the table of its layers (no torch imported here)."""

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
        level="warm-up",
        minutes=10,
        timeout=10,
        hints=(
            "Pad first: the input is now n + 2p long. Then count where a window of k pixels can start: "
            "0, s, 2s, ... as long as it still ends inside the padded input.",
            "The last start is at most n + 2p - k. The starts 0, s, 2s, ... up to there are "
            "floor((n + 2p - k) / s) steps apart from the first, plus the first one itself.",
            "padded = size + 2 * padding; last_start = ...  # the last place a window of kernel pixels can start: "
            "your line; return ...  # how many starts 0, stride, 2 * stride, ... up to it: your line (// keeps an int)",
        ),
    ),
    Exercise(
        id="conv2d-by-loops",
        title="Conv2d by loops, with stride, padding and bias",
        package=PACKAGE,
        starter="conv2d_by_loops.py",
        solution="solutions/conv2d_by_loops.py",
        check=f"{CHECKS}:check_conv2d_by_loops",
        level="core",
        minutes=25,
        timeout=10,
        forbids=(forbid.CONVOLUTION.because("your code called a PyTorch convolution (F.conv2d, torch.conv2d or nn.Conv2d); this exercise asks for loops over the windows and tensor indexing."),),
        hints=(
            "Pad x with F.pad(x, (p, p, p, p)), make an output tensor of shape (N, O, H_out, W_out) with x's dtype, "
            "and loop over the output rows i and columns j.",
            "Output cell (i, j) reads the window padded[:, :, i*s : i*s + KH, j*s : j*s + KW], shape (N, C, KH, KW). "
            "Multiply it with every filter at once: window[:, None] * weight[None] is (N, O, C, KH, KW).",
            "padded = F.pad(...); out = torch.empty(N, O, rows, cols, dtype=x.dtype); for i in range(rows): for j in "
            "range(cols): window = padded[:, :, i * stride : i * stride + KH, j * stride : j * stride + KW]; "
            "out[:, :, i, j] = ...  # every filter times the window, summed over C, KH, KW: your line. After the "
            "loops: ...  # one bias per filter, when there is one: your line",
        ),
    ),
    Exercise(
        id="max-pool-by-loops",
        title="Max pooling by loops",
        package=PACKAGE,
        starter="max_pool_by_loops.py",
        solution="solutions/max_pool_by_loops.py",
        check=f"{CHECKS}:check_max_pool_by_loops",
        level="core",
        minutes=15,
        timeout=10,
        forbids=(forbid.MAX_POOLING.because("your code called PyTorch's max pooling (F.max_pool2d, torch.max_pool2d or nn.MaxPool2d); this exercise asks for loops over the windows and tensor indexing."),),
        hints=(
            "Same windows as the convolution, with two differences: stride=None means stride = kernel, "
            "and the window gives its largest value instead of a weighted sum.",
            "Pad with float('-inf'), not 0: F.pad(x, (p, p, p, p), value=float('-inf')). A padded cell can then never "
            "be the maximum, even when every real value in the window is negative.",
            "stride = kernel if stride is None else stride; padded = F.pad(..., value=float('-inf')); for i in "
            "range(rows): for j in range(cols): out[:, :, i, j] = ...  # the window's largest value per image and "
            "channel: your line",
        ),
    ),
    Exercise(
        id="parameter-count",
        title="Parameter counts by hand: Conv2d, Linear and LeNet-5",
        package=PACKAGE,
        starter="parameter_count.py",
        solution="solutions/parameter_count.py",
        check=f"{CHECKS}:check_parameter_count",
        level="warm-up",
        minutes=10,
        timeout=10,
        forbids=(forbid.LAYERS.because("your code built a layer (an nn.Module); this exercise asks for the count by arithmetic, from the shapes of the weights."),),
        hints=(
            "A Conv2d filter spans all input channels: in_channels * K * K weights, plus one bias. There are "
            "out_channels filters. A Linear layer has one row of in_features weights and one bias per output.",
            "conv_params = out * (in * K * K + 1); linear_params = out * (in + 1). For LeNet, follow the shapes: "
            "32 -> conv 5 -> 28 -> pool -> 14 -> conv 5 -> 10 -> pool -> 5, with 16 channels at the end.",
            "lenet_param_count: return conv_params(1, 6, 5) + conv_params(6, 16, 5) + ...  # fc1 (its inputs from the "
            "shapes), fc2 and fc3: your line",
        ),
    ),
    Exercise(
        id="table-net",
        title="Build a small convolutional network from the table of its layers",
        package=PACKAGE,
        starter="table_net.py",
        solution="solutions/table_net.py",
        check=f"{CHECKS}:check_table_net",
        level="build",
        minutes=30,
        timeout=10,
        hints=(
            "Read the table row by row: each named row is a layer of __init__, every row is a step of forward. "
            "The table gives the shapes; the kernel size and the counts give the rest.",
            "A 3 x 3 convolution makes (n + 2p - 3) + 1 of n: 28 -> 28 needs padding 1, 14 -> 12 none. A Conv2d "
            "has out * (in * 3 * 3 + 1) parameters, a Linear out * (in + 1): fc1 reads the flattened (16, 6, 6).",
            "__init__: self.conv1 = nn.Conv2d(1, 8, kernel_size=3, padding=...); ...; self.fc1 = nn.Linear(...); "
            "forward: x = torch.relu(self.conv1(x)); ...  # conv2, ReLU, pool, conv3, ReLU, pool: your lines; "
            "x = x.flatten(1)  # all but the batch axis; ...  # fc1 with its ReLU, then fc2: your lines",
        ),
    ),
]
