"""The classification exercises: softmax and log-softmax that never overflow, cross-entropy from logits and
class indices, binary cross-entropy straight from the logit, then a softmax-regression classifier trained from
scratch with the learner's own loss (no torch imported here)."""

from nnlessons.practice import Exercise, forbid

PACKAGE = __name__
CHECKS = "nnlessons_classification.exercises.checks"

EXERCISES = [
    Exercise(
        id="stable-softmax",
        title="Softmax that never overflows",
        package=PACKAGE,
        starter="stable_softmax.py",
        solution="solutions/stable_softmax.py",
        check=f"{CHECKS}:check_stable_softmax",
        level="warm-up",
        minutes=10,
        timeout=10,
        forbids=(forbid.SOFTMAX.because("this exercise asks you to write softmax yourself from max, exp and sum: "
                                        "torch.softmax, log_softmax and logsumexp are switched off."),),
        hints=(
            "The textbook formula breaks because exp of a large logit is inf. Is there something you can change "
            "about the logits of one slice that leaves their softmax the same?",
            "softmax(z) = softmax(z - c) for any constant c of each slice (the lesson's \"The maths\"). With c the "
            "max along `dim` every exponent is at most 0. Keep the max as a size-1 dimension (keepdim=True) so it "
            "broadcasts, and sum along `dim` the same way.",
            "top = logits.max(dim=dim, keepdim=True).values   # one max per slice\n"
            "exps = ...                                        # exp of the shifted logits: your line\n"
            "return ...                                        # normalised along dim: your line",
        ),
    ),
    Exercise(
        id="log-softmax",
        title="Log-softmax without log(0)",
        package=PACKAGE,
        starter="log_softmax.py",
        solution="solutions/log_softmax.py",
        check=f"{CHECKS}:check_log_softmax",
        level="warm-up",
        minutes=10,
        timeout=10,
        forbids=(forbid.SOFTMAX.because("this exercise asks you to write log-softmax yourself from max, exp, sum and "
                                        "log: torch.softmax, log_softmax and logsumexp are switched off."),),
        hints=(
            "Do not take the log of probabilities: a probability that rounds to 0 gives -inf. Take the log of the "
            "softmax formula by hand first, so that no probability is ever formed.",
            "log softmax(z)_k = z_k - log(sum_j exp(z_j)). The log-sum-exp overflows for large z: with c the max "
            "along `dim` it equals c + log(sum_j exp(z_j - c)), where every exponent is at most 0.",
            "shifted = logits - logits.max(dim=dim, keepdim=True).values   # every entry <= 0\n"
            "return ...   # shifted minus the log of the sum of its exponentials along dim: your line",
        ),
    ),
    Exercise(
        id="cross-entropy",
        title="Cross-entropy from logits and class indices",
        package=PACKAGE,
        starter="cross_entropy.py",
        solution="solutions/cross_entropy.py",
        check=f"{CHECKS}:check_cross_entropy",
        level="core",
        minutes=15,
        timeout=10,
        forbids=(forbid.CROSS_ENTROPY.because("this exercise asks you to compute the cross-entropy yourself (a "
                                              "log-softmax and indexing): F.cross_entropy and F.nll_loss are "
                                              "switched off."),),
        hints=(
            "Only the true class's log-probability counts in a sample's loss. Get every class's log-probability "
            "first, in a form that stays finite for logits of 1000, then pick one per row.",
            "The loss of sample i is -log softmax(z_i)[y_i]; the batch's loss is the mean over the N samples. A "
            "stable log-softmax over dim=1 gives all (N, K) log-probabilities (torch.logsumexp, or your own "
            "log_softmax imported from log_softmax.py); pick row i, column labels[i] with "
            "[torch.arange(N), labels].",
            "log_probs = ...                                     # (N, K), stable, over the classes: your line\n"
            "picked = log_probs[torch.arange(len(labels)), labels]   # (N,): the true class of each row\n"
            "return ...                                          # the batch's loss: your line",
        ),
    ),
    Exercise(
        id="bce-with-logits",
        title="Binary cross-entropy straight from the logit",
        package=PACKAGE,
        starter="bce_with_logits.py",
        solution="solutions/bce_with_logits.py",
        check=f"{CHECKS}:check_bce_with_logits",
        level="core",
        minutes=15,
        timeout=10,
        forbids=(forbid.BINARY_CROSS_ENTROPY.because("this exercise asks you to write the stable formula yourself "
                                                     "(max, abs, exp, log1p): the built-in binary cross-entropy, "
                                                     "softplus, logsigmoid and logaddexp are switched off."),),
        hints=(
            "Do not compute sigmoid(z) and then its log: sigmoid(20) is exactly 1.0 in float32, and log(1 - 1) is "
            "-inf. Write both logs in terms of z first and simplify.",
            "With p = sigmoid(z): -log(p) = log(1 + exp(-z)) and -log(1 - p) = log(1 + exp(z)), so one sample's "
            "loss is log(1 + exp(z)) - y * z (the lesson's \"The maths\"). That still overflows for large z: "
            "log(1 + exp(z)) = max(z, 0) + log(1 + exp(-|z|)), and exp(-|z|) is never above 1.",
            "softplus = ...                     # log(1 + exp(z)) without overflow: your line (torch.log1p helps)\n"
            "per_sample = softplus - logits * targets   # (N,)\n"
            "return per_sample.mean()",
        ),
    ),
    Exercise(
        id="softmax-regression",
        title="Build: a softmax-regression classifier, trained from scratch",
        package=PACKAGE,
        starter="softmax_regression.py",
        solution="solutions/softmax_regression.py",
        check=f"{CHECKS}:check_softmax_regression",
        level="build",
        minutes=35,
        timeout=40,
        forbids=(forbid.CROSS_ENTROPY.because("the loss is yours to write (your cross_entropy from the cross-entropy "
                                              "exercise may be imported): F.cross_entropy and F.nll_loss are "
                                              "switched off."),),
        hints=(
            "Two loops: epochs outside, batches inside. The order is drawn once per epoch, at the top of the epoch "
            "loop, from the generator you were given. The parameters are leaf tensors that require grad; autograd "
            "and torch.optim.SGD are allowed.",
            "Per batch: logits = x_b @ weight.T + bias (raw scores: no softmax before the loss), the mean "
            "cross-entropy over the batch (labels are class indices), then clear the old gradients, backward, step. "
            "The epoch's loss adds each batch's mean times its size, and divides by N at the end. Return the "
            "parameters detached.",
            "weight = torch.zeros(classes, features, dtype=x.dtype, requires_grad=True)\n"
            "bias = ...\n"
            "optimizer = torch.optim.SGD([weight, bias], lr=lr)\n"
            "for _ in range(epochs):\n"
            "    order = torch.randperm(n, generator=generator)\n"
            "    for start in range(0, n, batch_size):\n"
            "        batch = order[start:start + batch_size]\n"
            "        loss = ...        # the batch's mean cross-entropy of the raw logits: your line\n"
            "        ...               # zero_grad, backward, step, and the running total: your lines\n"
            "    losses.append(...)    # per sample, over all N\n"
            "return weight.detach(), bias.detach(), torch.tensor(losses, dtype=x.dtype)",
        ),
    ),
]
