"""The cnn-mnist exercises: BatchNorm2d in both modes, dropout, the small CNN, the most-confused pairs (no torch here)."""

from nnlessons.practice import Exercise, forbid

PACKAGE = __name__
CHECKS = "nnlessons_cnn_mnist.exercises.checks"

EXERCISES = [
    Exercise(
        id="batch-norm-2d",
        title="BatchNorm2d by hand: batch statistics in train(), running statistics in eval()",
        package=PACKAGE,
        starter="batch_norm_2d.py",
        solution="solutions/batch_norm_2d.py",
        check=f"{CHECKS}:check_batch_norm_2d",
        level="core",
        minutes=20,
        timeout=10,
        forbids=(forbid.BATCH_NORM.because("your code called PyTorch's batch norm (F.batch_norm, torch.batch_norm or nn.BatchNorm2d); this exercise asks for the formula written out."),),
        hints=(
            "A channel's statistics are taken over the batch and every position: dims (0, 2, 3) of (B, C, H, W). "
            "Reshape the (C,) vectors to (1, C, 1, 1) so they broadcast over x.",
            "Training normalises with the batch's mean and its BIASED variance (divide by n), then blends the buffers "
            "in place: running = (1 - momentum) * running + momentum * new, where running_var takes the UNBIASED "
            "variance (divide by n - 1). Eval normalises with the running buffers and leaves them alone. "
            "y = (x - mean) / sqrt(var + eps) * weight + bias.",
            "Outline:\n"
            "    dims = (0, 2, 3)\n"
            "    if training:\n"
            "        mean, var = ...                  # this batch's statistics, per channel: your line\n"
            "        with torch.no_grad():            # the buffers are bookkeeping, not part of the graph\n"
            "            ...                          # blend running_mean and running_var in place (mul_, add_)\n"
            "    else:\n"
            "        mean, var = running_mean, running_var\n"
            "    shape = (1, -1, 1, 1)\n"
            "    return ...                           # normalise, scale, shift, every vector viewed as shape",
        ),
    ),
    Exercise(
        id="dropout",
        title="Dropout in train() and eval()",
        package=PACKAGE,
        starter="dropout.py",
        solution="solutions/dropout.py",
        check=f"{CHECKS}:check_dropout",
        level="warm-up",
        minutes=10,
        timeout=10,
        forbids=(forbid.DROPOUT.because("your code called PyTorch's dropout (F.dropout, torch.dropout or nn.Dropout); write it with torch.rand."),),
        hints=(
            "Draw one uniform number per element with torch.rand(x.shape, generator=generator, dtype=x.dtype); "
            "comparing it with p decides whether that element survives.",
            "An element survives with probability 1 - p, so dividing the survivors by (1 - p) keeps every element's "
            "expected value equal to x. p = 1 would divide by 0: everything is dropped, so return zeros. "
            "In eval mode return x itself.",
            "Outline:\n"
            "    if not training:\n"
            "        return x\n"
            "    if p == 1:\n"
            "        return torch.zeros_like(x)\n"
            "    keep = ...                 # True where the uniform number says the element survives: your line\n"
            "    return ...                 # x where kept, scaled; 0 elsewhere",
        ),
    ),
    Exercise(
        id="small-cnn",
        title="The small modern CNN from its layer table",
        package=PACKAGE,
        starter="small_cnn.py",
        solution="solutions/small_cnn.py",
        check=f"{CHECKS}:check_small_cnn",
        level="build",
        minutes=30,
        timeout=10,
        hints=(
            "Read the layers off the table's counts: a convolution from C_in to C_out channels with k x k kernels holds "
            "C_out * C_in * k * k weights, plus C_out if it has a bias; a batch norm over C channels holds 2 * C "
            "(gamma and beta); a fully connected layer from n to m holds m * n + m. conv1's 144 = 16 * 1 * k * k.",
            "3 x 3 kernels without bias; to keep 28 x 28 at 28 x 28 a 3 x 3 kernel needs one pixel of padding on each "
            "side. Halving the size is a 2 x 2 max pooling (7 -> 3: it drops the last row and column). The dropout must "
            "be a module (nn.Dropout) so that train() and eval() switch it.",
            "Outline:\n"
            "    __init__:  self.conv1 = nn.Conv2d(...); self.bn1 = nn.BatchNorm2d(...)   # and the same for 2 and 3\n"
            "               self.pool = ...; self.dropout = ...; self.fc = nn.Linear(...)\n"
            "    forward:   x = ...                  # block 1: conv, batch norm, ReLU, pooling: your line\n"
            "               ...                      # blocks 2 and 3 the same way\n"
            "               return ...               # flatten (keep the batch axis), dropout, fc",
        ),
    ),
    Exercise(
        id="confused-pairs",
        title="The confusion matrix and the pairs mixed up most often",
        package=PACKAGE,
        starter="confused_pairs.py",
        solution="solutions/confused_pairs.py",
        check=f"{CHECKS}:check_confused_pairs",
        level="core",
        minutes=15,
        timeout=10,
        hints=(
            "Cell (t, p) counts the digits whose true label is t and prediction is p: rows are true digits. "
            "true * 10 + predicted numbers the 100 cells, and torch.bincount counts each of them.",
            "The mistakes are the cells off the diagonal with a count above 0. Sort them by count, largest first; "
            "break ties by the true digit, then the predicted one: a sort key (-count, true, predicted) does all three.",
            "Outline:\n"
            "    confusion_matrix: cells = true * 10 + predicted\n"
            "                      return ...        # count every cell number 0..99, shape (10, 10): your line\n"
            "    most_confused:    cells = [(int(confusion[t, p]), t, p) for t in range(10) for p in range(10) if ...]\n"
            "                      ...               # sort them: your line\n"
            "                      return [(t, p, count) for count, t, p in cells[:top]]",
        ),
    ),
]
