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
        forbids=(forbid.BATCH_NORM.because("your code called PyTorch's batch norm (F.batch_norm, torch.batch_norm or nn.BatchNorm2d); this exercise asks for the formula written out."),),
        hints=(
            "A channel's statistics are taken over the batch and every position: dims (0, 2, 3) of (B, C, H, W). "
            "Reshape the (C,) vectors to (1, C, 1, 1) so they broadcast over x.",
            "In training normalise with x.mean(dims) and x.var(dims, unbiased=False), then update the buffers in place: "
            "running_mean.mul_(1 - momentum).add_(momentum * mean); running_var the same with the UNBIASED variance.",
            "In eval mode use running_mean and running_var in the formula and leave them alone: "
            "(x - mean) / torch.sqrt(var + eps) * weight + bias, every vector viewed as (1, C, 1, 1).",
        ),
    ),
    Exercise(
        id="dropout",
        title="Dropout: drop a share p, scale the rest by 1 / (1 - p), identity in eval()",
        package=PACKAGE,
        starter="dropout.py",
        solution="solutions/dropout.py",
        check=f"{CHECKS}:check_dropout",
        forbids=(forbid.DROPOUT.because("your code called PyTorch's dropout (F.dropout, torch.dropout or nn.Dropout); write it with torch.rand."),),
        hints=(
            "Draw one uniform number per element with torch.rand(x.shape, generator=generator, dtype=x.dtype); "
            "an element survives when its number is at least p, so it is kept with probability 1 - p.",
            "Kept elements are divided by (1 - p) so the expected value of every element stays x. "
            "In eval mode return x itself, unchanged.",
            "if not training: return x; if p == 1: return torch.zeros_like(x); "
            "keep = torch.rand(x.shape, generator=generator, dtype=x.dtype) >= p; return x * keep / (1 - p)",
        ),
    ),
    Exercise(
        id="small-cnn",
        title="The small modern CNN as an nn.Module",
        package=PACKAGE,
        starter="small_cnn.py",
        solution="solutions/small_cnn.py",
        check=f"{CHECKS}:check_small_cnn",
        hints=(
            "Three blocks, each Conv2d(3x3, padding=1, bias=False), BatchNorm2d, ReLU, MaxPool2d(2): channels "
            "1 -> 16 -> 32 -> 64, sizes 28 -> 14 -> 7 -> 3. Name the layers conv1, bn1, conv2, bn2, conv3, bn3, fc.",
            "After the third block the maps are (B, 64, 3, 3): flatten them to 576 numbers, apply nn.Dropout(dropout), "
            "then self.fc = nn.Linear(64 * 3 * 3, 10).",
            "forward: for each block x = pool(relu(bn(conv(x)))); then x = self.fc(self.dropout(x.flatten(1))). "
            "Use nn.Dropout (it follows train()/eval()), not F.dropout without training=self.training.",
        ),
    ),
    Exercise(
        id="confused-pairs",
        title="The confusion matrix and the pairs mixed up most often",
        package=PACKAGE,
        starter="confused_pairs.py",
        solution="solutions/confused_pairs.py",
        check=f"{CHECKS}:check_confused_pairs",
        hints=(
            "Cell (t, p) counts the digits whose true label is t and prediction is p: rows are true digits. "
            "true * 10 + predicted numbers the 100 cells, and torch.bincount counts each of them.",
            "The mistakes are the cells off the diagonal with a count above 0. Sort them by count, largest first; "
            "break ties by the true digit, then the predicted one.",
            "cells = [(int(c[t, p]), t, p) for t in range(10) for p in range(10) if t != p and c[t, p] > 0]; "
            "cells.sort(key=lambda x: (-x[0], x[1], x[2])); return [(t, p, n) for n, t, p in cells[:top]]",
        ),
    ),
]
