"""The gd-variants exercises: the MSE gradient by hand, then one epoch of descent (no torch imported here)."""

from nnlessons.practice import Exercise

PACKAGE = __name__

EXERCISES = [
    Exercise(
        id="mse-gradient",
        title="The MSE gradient of y = w * x",
        package=PACKAGE,
        starter="mse_gradient.py",
        solution="solutions/mse_gradient.py",
        check="nnlessons_gd_variants.exercises.checks:check_mse_gradient",
        hints=(
            "Write the loss of one sample, (w * x_i - y_i) ** 2, and differentiate it with the chain rule: "
            "outer square, then the inside.",
            "The derivative of one term is 2 * (w * x_i - y_i) * x_i. The loss is a mean, so the gradient is the mean of these.",
            "return (2 * (w * x - y) * x).mean()   # keeps x's dtype; do not divide by anything else",
        ),
    ),
    Exercise(
        id="updates-per-epoch",
        title="Updates per epoch: batch, stochastic, mini-batch",
        package=PACKAGE,
        starter="updates_per_epoch.py",
        solution="solutions/updates_per_epoch.py",
        check="nnlessons_gd_variants.exercises.checks:check_updates_per_epoch",
        hints=(
            "One update per batch. How many full batches of B fit in N samples, and is anything left over?",
            "N // B full batches, plus one more when N % B is not 0 (the short last batch). That is ceil(N / B).",
            "return -(-n_samples // batch_size)   # or math.ceil(n_samples / batch_size); both give an int",
        ),
    ),
    Exercise(
        id="one-epoch",
        title="One epoch of batch, stochastic or mini-batch descent",
        package=PACKAGE,
        starter="one_epoch.py",
        solution="solutions/one_epoch.py",
        check="nnlessons_gd_variants.exercises.checks:check_one_epoch",
        hints=(
            "Reorder first (x[order], y[order]), then walk over start = 0, B, 2B, ... and slice [start:start + B]; "
            "slicing past the end just gives the shorter last batch.",
            "Inside the loop: w = w - lr * (2 * x_b * (w * x_b - y_b)).mean(). The next batch must use this new w. "
            "Where is your return? It belongs after the loop, not in it.",
            "x_e, y_e = x[order], y[order]\n"
            "for start in range(0, len(x), batch_size):\n"
            "    x_b, y_b = x_e[start:start + batch_size], y_e[start:start + batch_size]\n"
            "    w = w - lr * (2 * x_b * (w * x_b - y_b)).mean()\n"
            "return w",
        ),
    ),
    Exercise(
        id="shrink-factor",
        title="How much an epoch shrinks the error",
        package=PACKAGE,
        starter="shrink_factor.py",
        solution="solutions/shrink_factor.py",
        check="nnlessons_gd_variants.exercises.checks:check_epoch_shrink_factor",
        hints=(
            "Each batch multiplies the error w - w* by its own factor 1 - 2 * lr * mean_b(x ** 2); "
            "cut the batches exactly as in one-epoch.",
            "Multiply the factors of all the epoch's batches (one per batch, the short last one too), then take "
            "the absolute value: a negative factor means the step jumped over w*.",
            "factor = 1.0\n"
            "for x_b in x[order].split(batch_size):\n"
            "    factor = factor * (1 - 2 * lr * (x_b ** 2).mean())\n"
            "return abs(factor)",
        ),
    ),
]
