"""The gd-variants exercises: the MSE gradient by hand, updates per epoch, one epoch of descent, the shrink factor,
then a whole mini-batch training loop from a specification (no torch imported here)."""

from nnlessons.practice import Exercise, forbid

PACKAGE = __name__

EXERCISES = [
    Exercise(
        id="mse-gradient",
        title="The MSE gradient of y = w * x",
        package=PACKAGE,
        starter="mse_gradient.py",
        solution="solutions/mse_gradient.py",
        check="nnlessons_gd_variants.exercises.checks:check_mse_gradient",
        level="warm-up",
        minutes=5,
        timeout=10,
        forbids=(forbid.AUTOGRAD.because("the gradient is yours to derive: backward() and torch.autograd are switched "
                                         "off in this exercise."),),
        hints=(
            "Write the loss of one sample, (w * x_i - y_i) ** 2, and differentiate it with the chain rule: "
            "outer square, then the inside.",
            "The derivative of one term is 2 * (w * x_i - y_i) * x_i. The loss is a mean over the samples, so the "
            "gradient is the mean of these terms.",
            "residual = ...   # (N,): w * x - y, one entry per sample\n"
            "return ...       # the chain rule on every term, then the mean over the N terms: your line",
        ),
    ),
    Exercise(
        id="updates-per-epoch",
        title="Updates per epoch: batch, stochastic, mini-batch",
        package=PACKAGE,
        starter="updates_per_epoch.py",
        solution="solutions/updates_per_epoch.py",
        check="nnlessons_gd_variants.exercises.checks:check_updates_per_epoch",
        level="warm-up",
        minutes=3,
        timeout=10,
        forbids=(forbid.DATALOADER.because("count the batches with arithmetic: DataLoader is switched off in this "
                                           "exercise."),),
        hints=(
            "One update per batch. How many full batches of B fit in N samples, and is anything left over?",
            "N // B full batches, plus one more when N % B is not 0 (the short last batch): that is ceil(N / B), "
            "computed in whole numbers.",
            "full, rest = divmod(n_samples, batch_size)\n"
            "return ...   # the full batches, plus one if there is a rest: your line",
        ),
    ),
    Exercise(
        id="one-epoch",
        title="One epoch of batch, stochastic or mini-batch descent",
        package=PACKAGE,
        starter="one_epoch.py",
        solution="solutions/one_epoch.py",
        check="nnlessons_gd_variants.exercises.checks:check_one_epoch",
        level="core",
        minutes=15,
        timeout=10,
        forbids=(
            forbid.AUTOGRAD.because("use the gradient formula of mse-gradient: backward() and torch.autograd are "
                                    "switched off in this exercise."),
            forbid.OPTIM.because("write the update yourself: torch.optim is switched off in this exercise."),
        ),
        hints=(
            "Reorder first (x[order], y[order]), then walk over start = 0, B, 2B, ... and slice [start:start + B]; "
            "slicing past the end just gives the shorter last batch.",
            "Per batch, one gradient-descent step with the mse-gradient formula on that batch's samples only. Write "
            "it as w = w - ... (a new tensor), not w -= ... (that changes the caller's w). The next batch uses the "
            "new w, and the return belongs after the loop, not in it.",
            "x_epoch, y_epoch = x[order], y[order]\n"
            "for start in range(0, len(x), batch_size):\n"
            "    x_batch, y_batch = ...   # this batch's slices\n"
            "    w = ...                  # the update on this batch: your line\n"
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
        level="core",
        minutes=15,
        timeout=10,
        forbids=(
            forbid.AUTOGRAD.because("the factor comes from the formula: backward() and torch.autograd are switched "
                                    "off in this exercise."),
            forbid.OPTIM.because("no optimizer is needed: torch.optim is switched off in this exercise."),
        ),
        hints=(
            "Each update on a batch multiplies the error w - w* by a factor of its own; the lesson's section "
            "\"How fast each variant gets to 2\" derives it. Cut the batches exactly as in one-epoch.",
            "One batch's factor is 1 - 2 * lr * mean_b(x ** 2). Multiply the factors of all the epoch's batches (the "
            "short last one too), then take the absolute value: a negative factor means the step jumped over w*.",
            "factor = 1.0\n"
            "for x_batch in x[order].split(batch_size):\n"
            "    factor = ...   # times this batch's factor: your line\n"
            "return ...         # the size of the product: your line",
        ),
    ),
    Exercise(
        id="train-minibatch",
        title="Build: mini-batch gradient descent with a seeded shuffle every epoch",
        package=PACKAGE,
        starter="train_minibatch.py",
        solution="solutions/train_minibatch.py",
        check="nnlessons_gd_variants.exercises.checks:check_train_minibatch",
        level="build",
        minutes=30,
        timeout=10,
        forbids=(
            forbid.DATALOADER.because("the shuffle and the batches are yours: DataLoader is switched off in this "
                                      "exercise."),
            forbid.OPTIM.because("write the update yourself: torch.optim is switched off in this exercise."),
            forbid.AUTOGRAD.because("use the gradient formula of mse-gradient: backward() and torch.autograd are "
                                    "switched off in this exercise."),
        ),
        hints=(
            "Two loops: epochs outside, batches inside. The order is drawn once per epoch, at the top of the epoch "
            "loop, from the generator you were given; the epoch's loss is a running sum of squared errors while the "
            "batches go by.",
            "Per batch: the errors w * x_b - y_b at the current w; add their squares' sum to the epoch's total; then "
            "w = w - lr * the batch's mean gradient (mse-gradient). After the batches, record w and total / N. "
            "torch.stack turns a list of 0-d tensors into one tensor.",
            "w, weights, losses = w0, [w0], []\n"
            "for _ in range(epochs):\n"
            "    order = ...                                   # this epoch's shuffle: your line\n"
            "    total = 0.0\n"
            "    for start in range(0, len(x), batch_size):\n"
            "        batch = order[start:start + batch_size]\n"
            "        ...                                       # the errors, the total and the update: your lines\n"
            "    weights.append(w)\n"
            "    losses.append(...)                            # per sample, over all N\n"
            "return torch.stack(weights), torch.stack(losses)",
        ),
    ),
]
