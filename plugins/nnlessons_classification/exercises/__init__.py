"""The classification exercises: softmax and log-softmax that never overflow, cross-entropy from logits and
class indices, binary cross-entropy straight from the logit (no torch imported here)."""

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
        forbids=(forbid.SOFTMAX.because("this exercise asks you to write softmax yourself from max, exp and sum: torch.softmax, log_softmax and logsumexp are switched off."),),
        hints=(
            "softmax(z) = softmax(z - c) for any constant c of each row: pick c so that no exponent is above 0.",
            "c is the max along `dim`, kept as a size-1 dimension so it broadcasts: "
            "logits.max(dim=dim, keepdim=True).values. The sum runs along `dim` too, also with keepdim=True.",
            "shifted = logits - logits.max(dim=dim, keepdim=True).values; exps = shifted.exp(); "
            "return exps / exps.sum(dim=dim, keepdim=True)",
        ),
    ),
    Exercise(
        id="log-softmax",
        title="Log-softmax without log(0)",
        package=PACKAGE,
        starter="log_softmax.py",
        solution="solutions/log_softmax.py",
        check=f"{CHECKS}:check_log_softmax",
        forbids=(forbid.SOFTMAX.because("this exercise asks you to write log-softmax yourself from max, exp, sum and log: torch.softmax, log_softmax and logsumexp are switched off."),),
        hints=(
            "Do not take the log of probabilities: a probability that rounds to 0 gives -inf. "
            "Work with log softmax(z)_k = z_k - log(sum_j exp(z_j)) directly.",
            "log(sum_j exp(z_j)) overflows for large z. Shift first: with c = max_j z_j it equals "
            "c + log(sum_j exp(z_j - c)), and every exponent is now at most 0.",
            "shifted = logits - logits.max(dim=dim, keepdim=True).values; "
            "return shifted - shifted.exp().sum(dim=dim, keepdim=True).log()",
        ),
    ),
    Exercise(
        id="cross-entropy",
        title="Cross-entropy from logits and class indices",
        package=PACKAGE,
        starter="cross_entropy.py",
        solution="solutions/cross_entropy.py",
        check=f"{CHECKS}:check_cross_entropy",
        forbids=(forbid.CROSS_ENTROPY.because("this exercise asks you to compute the cross-entropy yourself (a log-softmax and indexing): F.cross_entropy and F.nll_loss are switched off."),),
        hints=(
            "The loss of one sample is -log softmax(z)_y: only the true class's log-probability counts. "
            "The batch's loss is the mean over the samples.",
            "Compute the log-probabilities of every class with a stable log-softmax over dim=1, shape (N, K); "
            "then pick one entry per row: row i, column labels[i].",
            "log_probs = logits - logits.logsumexp(dim=1, keepdim=True); "
            "return -log_probs[torch.arange(len(labels)), labels].mean()",
        ),
    ),
    Exercise(
        id="bce-with-logits",
        title="Binary cross-entropy straight from the logit",
        package=PACKAGE,
        starter="bce_with_logits.py",
        solution="solutions/bce_with_logits.py",
        check=f"{CHECKS}:check_bce_with_logits",
        forbids=(forbid.BINARY_CROSS_ENTROPY.because("this exercise asks you to write the stable formula yourself (max, abs, exp, log1p): the built-in binary cross-entropy, softplus, logsigmoid and logaddexp are switched off."),),
        hints=(
            "Do not compute sigmoid(z) and then its log: sigmoid(20) is exactly 1.0 in float32, and log(1 - 1) is -inf. "
            "Simplify the formula first: with p = sigmoid(z), -log(p) = log(1 + exp(-z)) and -log(1 - p) = log(1 + exp(z)).",
            "So the loss of one sample is log(1 + exp(z)) - y * z. It still overflows for large z: "
            "log(1 + exp(z)) = max(z, 0) + log(1 + exp(-|z|)), and exp(-|z|) is never above 1.",
            "return (logits.clamp(min=0) - logits * targets + torch.log1p(torch.exp(-logits.abs()))).mean()",
        ),
    ),
]
