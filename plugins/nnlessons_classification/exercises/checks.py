"""Checks of the classification exercises: torch.softmax, torch.log_softmax, F.cross_entropy and
F.binary_cross_entropy_with_logits are the oracles.

PyTorch's own version of each function is switched off in the learner's process (each exercise's
``forbids``), so the exercise cannot be passed by calling it.
"""

from __future__ import annotations

from types import ModuleType

import torch
import torch.nn.functional as F

from nnlessons.practice.compare import Case, call_learner, expect, expect_close

F64 = torch.float64
SMALL_LOGITS = [[2.0, 1.0, 0.1]]  # the lesson's softmax example
BATCH_LOGITS = [[2.0, 1.0, 0.1], [0.5, 0.5, 3.0]]  # the lesson's two-row batch
NOTES_LOGITS = [[0.2, 0.1, -0.1]]  # the notes' cross-entropy example, true class 0


def _tolerances(dtype: torch.dtype, float64: tuple[float, float], float32: tuple[float, float]) -> dict[str, float]:
    atol, rtol = float64 if dtype == F64 else float32
    return {"atol": atol, "rtol": rtol}


def _other_dims(x: torch.Tensor, dim: int) -> list[int]:
    return [d for d in range(x.dim()) if d != dim % x.dim()]


# ---- stable softmax ---------------------------------------------------------------------------


def dim_cases(g: torch.Generator) -> list[Case]:
    """Logits of the lesson, logits of +-1000, every dimension of 1-, 2- and 3-d tensors, float64 and float32."""
    def randn(*shape: int, scale: float = 1.0, dtype: torch.dtype = F64) -> torch.Tensor:
        return torch.randn(*shape, generator=g, dtype=dtype) * scale

    cases = [
        Case("the lesson's logits (2, 1, 0.1), one row", logits=torch.tensor(SMALL_LOGITS), dim=1),
        Case("the lesson's batch of two rows", logits=torch.tensor(BATCH_LOGITS), dim=1),
        Case("the lesson's logits + 1000: exp(z) overflows in float32", logits=torch.tensor(SMALL_LOGITS) + 1000, dim=1),
        Case("logits near -1000: exp(z) underflows to 0", logits=torch.tensor([[-1000.0, -1001.0, -1002.5]]), dim=-1),
        Case("far apart: (0, -1000) in float64", logits=torch.tensor([[0.0, -1000.0], [3.0, 2.0]], dtype=F64), dim=1),
        Case("a row near 1000 and a row near 0, float64",
             logits=torch.tensor([[1000.0, 999.0, 998.0], [0.0, -1.0, -2.0]], dtype=F64), dim=1),
        Case("a 1-d tensor of 5 logits", logits=randn(5), dim=0),
        Case("dim=0 of a (4, 3) tensor: each column is one distribution", logits=randn(4, 3), dim=0),
        Case("dim=1 of a (2, 3, 4) tensor", logits=randn(2, 3, 4), dim=1),
        Case("a batch of one sample, 10 classes", logits=randn(1, 10), dim=-1),
        Case("the default dim (called without it: the last dimension) of a (2, 3, 4) tensor", logits=randn(2, 3, 4)),
    ]
    for shape, scale in (((5, 3), 1.0), ((16, 10), 5.0), ((3, 2), 400.0), ((8, 4), 30.0), ((2, 5, 3), 3.0)) * 3:
        dim = int(torch.randint(-len(shape), len(shape), (), generator=g))
        cases.append(Case(f"random {shape} logits of scale {scale:g}, dim={dim}, float64", logits=randn(*shape, scale=scale), dim=dim))
    for shape, scale in (((6, 3), 2.0), ((4, 7), 60.0)):
        cases.append(Case(f"random {shape} logits of scale {scale:g}, float32",
                          logits=randn(*shape, scale=scale, dtype=torch.float32), dim=1))
    return cases


def softmax_mistakes(z: torch.Tensor, dim: int) -> dict[str, torch.Tensor]:
    exps = z.exp()
    global_exps = (z - z.max()).exp()
    mistakes = {
        "the result equals exp(z) / sum(exp(z)) without subtracting the max first: exp overflows to inf for large "
        "logits (in float32 above 88.7) and inf / inf is nan. Subtract the max along dim before exp.":
            exps / exps.sum(dim=dim, keepdim=True),
        "you subtracted the max of the whole tensor, not each slice's max along dim: a slice far below the largest "
        "logit underflows to 0 / 0 = nan. Use logits.max(dim=dim, keepdim=True).values.":
            global_exps / global_exps.sum(dim=dim, keepdim=True),
        "the sum runs over the whole tensor, not along dim, so the slices do not each sum to 1: "
        "use .sum(dim=dim, keepdim=True).": global_exps / global_exps.sum(),
    }
    for other in _other_dims(z, dim):
        mistakes[f"the result is normalised along dimension {other}, not along dim={dim}: "
                 f"pass dim to both max and sum."] = torch.softmax(z, other)
    return mistakes


def check_stable_softmax(learner: ModuleType) -> str:
    cases = dim_cases(torch.Generator().manual_seed(0))
    for case in cases:
        z, dim = case["logits"], case.inputs.get("dim", -1)
        expected = torch.softmax(z, dim)
        got = call_learner(learner.softmax, case)
        expect_close(got, expected, case, **_tolerances(z.dtype, (1e-12, 0.0), (1e-6, 0.0)), mistakes=softmax_mistakes(z, dim))
    return f"{len(cases)} cases matched torch.softmax (logits up to +-1000, 1-d to 3-d, every dim, float64 and float32)."


# ---- log-softmax ------------------------------------------------------------------------------


def log_softmax_mistakes(z: torch.Tensor, dim: int) -> dict[str, torch.Tensor]:
    top = z.max(dim=dim, keepdim=True).values
    shifted = z - top
    log_sum = shifted.exp().sum(dim=dim, keepdim=True).log()
    global_shifted = z - z.max()
    mistakes = {
        "the result equals log(softmax(z)): where a probability underflows to 0 its log is -inf, but log-softmax "
        "stays finite ((0, -1000) gives (0, -1000)). Compute (z - c) - log(sum(exp(z - c))) without forming "
        "the probabilities.": torch.softmax(z, dim).log(),
        "the result equals z - log(sum(exp(z))) without the max shift: exp overflows to inf for large logits. "
        "Subtract the max c along dim first: (z - c) - log(sum(exp(z - c))).": z - z.exp().sum(dim=dim, keepdim=True).log(),
        "the result is z - max(z): the log of the sum of exponentials is missing; "
        "subtract log(sum(exp(z - c))) as well.": shifted,
        "you subtracted log(sum(exp(z - c))) from z instead of from z - c: the result is too large by c, "
        "the max along dim.": z - log_sum,
        "you subtracted the max of the whole tensor, not each slice's max along dim: a slice far below the "
        "largest logit underflows, and log(0) is -inf.":
            global_shifted - global_shifted.exp().sum(dim=dim, keepdim=True).log(),
    }
    for other in _other_dims(z, dim):
        mistakes[f"the result is normalised along dimension {other}, not along dim={dim}: "
                 f"pass dim to both max and sum."] = torch.log_softmax(z, other)
    return mistakes


def check_log_softmax(learner: ModuleType) -> str:
    cases = dim_cases(torch.Generator().manual_seed(1))
    cases.insert(5, Case("far apart in float32: (0, -120, 5)", logits=torch.tensor([[0.0, -120.0, 5.0]]), dim=1))
    for case in cases:
        z, dim = case["logits"], case.inputs.get("dim", -1)
        expected = torch.log_softmax(z, dim)
        got = call_learner(learner.log_softmax, case)
        expect_close(got, expected, case, **_tolerances(z.dtype, (1e-9, 1e-9), (1e-5, 1e-5)),
                     mistakes=log_softmax_mistakes(z, dim))
    return f"{len(cases)} cases matched torch.log_softmax (logits up to +-1000, 1-d to 3-d, every dim, float64 and float32)."


# ---- cross-entropy ----------------------------------------------------------------------------


def cross_entropy_cases() -> list[Case]:
    g = torch.Generator().manual_seed(2)

    def batch(n: int, k: int, scale: float = 1.0, dtype: torch.dtype = F64) -> dict[str, torch.Tensor]:
        return {"logits": torch.randn(n, k, generator=g, dtype=dtype) * scale,
                "labels": torch.randint(0, k, (n,), generator=g)}

    cases = [
        Case("the notes' example: logits (0.2, 0.1, -0.1), true class 0", logits=torch.tensor(NOTES_LOGITS),
             labels=torch.tensor([0])),
        Case("5 samples, 3 classes", **batch(5, 3)),
        Case("the notes' logits + 1000: exp(z) overflows in float32", logits=torch.tensor(NOTES_LOGITS) + 1000,
             labels=torch.tensor([0])),
        Case("a confident mistake: logits (1000, 0), true class 1", logits=torch.tensor([[1000.0, 0.0], [0.0, 2.0]]),
             labels=torch.tensor([1, 1])),
        Case("a batch of one sample, 10 classes", **batch(1, 10)),
        Case("every label the same class", logits=torch.randn(6, 3, generator=g, dtype=F64), labels=torch.full((6,), 2)),
        Case("4 samples and 4 classes", **batch(4, 4)),
        Case("logits of scale 500 (float64)", **batch(7, 3, scale=500.0)),
    ]
    for n, k, scale in ((2, 2, 1.0), (16, 10, 3.0), (50, 3, 10.0), (4, 2, 1.0), (33, 5, 0.1)) * 3:
        cases.append(Case(f"random batch: {n} samples, {k} classes, scale {scale:g}, float64", **batch(n, k, scale)))
    for n, k in ((8, 3), (20, 10)):
        cases.append(Case(f"random batch: {n} samples, {k} classes, float32", **batch(n, k, 2.0, torch.float32)))
    return cases


def cross_entropy_mistakes(z: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
    log_probs = torch.log_softmax(z, dim=1)  # (N, K)
    picked = log_probs.gather(1, y.unsqueeze(1)).squeeze(1)  # (N,)
    one_hot = F.one_hot(y, z.shape[1]).to(z.dtype)  # (N, K)
    exps = z.exp()
    return {
        "the result is the sum over the batch, not the mean: divide by the number of samples "
        "(CrossEntropyLoss averages).": -picked.sum(),
        "the sign is flipped: the loss is -log softmax(z)_y, which is never negative.": picked.mean(),
        "you applied softmax to the logits before the cross-entropy, so softmax is applied twice: "
        "the log-softmax must get the raw logits.": F.cross_entropy(torch.softmax(z, dim=1), y),
        "you took log_probs[:, labels], an N x N block, instead of one entry per row: "
        "use log_probs[torch.arange(N), labels] (or gather).": -log_probs[:, y].mean(),
        "the result is divided by N * K: you averaged over the classes as well as the samples; "
        "sum over the classes, then average over the samples.": -(one_hot * log_probs).mean(),
        "the log-softmax runs over dim=0 (the samples), not dim=1 (the classes).":
            -torch.log_softmax(z, dim=0).gather(1, y.unsqueeze(1)).mean(),
        "you took the log-probability of the largest logit (the predicted class), not of the true class labels[i].":
            -log_probs.max(dim=1).values.mean(),
        "the result equals -log(softmax(z)_y): where the true class's probability underflows to 0 the loss is inf. "
        "Use the log-softmax directly: log softmax(z)_y = z_y - logsumexp(z).":
            -torch.softmax(z, dim=1).log().gather(1, y.unsqueeze(1)).mean(),
        "your log-softmax is z - log(sum(exp(z))) without the max shift: exp overflows to inf for large logits, "
        "so the loss is inf. Subtract the max c along dim=1 first: (z - c) - log(sum(exp(z - c))) (if you import your "
        "own log_softmax from log_softmax.py, it is that file that needs the shift).":
            -(z - exps.sum(dim=1, keepdim=True).log()).gather(1, y.unsqueeze(1)).mean(),
        "the result equals -log(exp(z_y) / sum(exp(z))) without the max shift: exp overflows to inf for large logits "
        "and inf / inf is nan. Use a stable log-softmax (subtract the max, or torch.logsumexp).":
            -(exps / exps.sum(dim=1, keepdim=True)).log().gather(1, y.unsqueeze(1)).mean(),
    }


def check_cross_entropy(learner: ModuleType) -> str:
    cases = cross_entropy_cases()
    for case in cases:
        z, y = case["logits"], case["labels"]
        expected = F.cross_entropy(z, y)
        got = call_learner(learner.cross_entropy, case)
        expect_close(got, expected, case, **_tolerances(z.dtype, (1e-9, 1e-9), (1e-5, 1e-5)),
                     mistakes=cross_entropy_mistakes(z, y))
    return f"{len(cases)} cases matched F.cross_entropy (1 to 50 samples, 2 to 10 classes, logits up to 1000)."


# ---- binary cross-entropy with logits ---------------------------------------------------------


def bce_cases() -> list[Case]:
    g = torch.Generator().manual_seed(3)

    def batch(n: int, scale: float, soft: bool, dtype: torch.dtype = F64) -> dict[str, torch.Tensor]:
        logits = torch.randn(n, generator=g, dtype=dtype) * scale
        targets = torch.rand(n, generator=g, dtype=dtype)
        return {"logits": logits, "targets": targets if soft else targets.round()}

    def tensor(values: list[float], dtype: torch.dtype = torch.float32) -> torch.Tensor:
        return torch.tensor(values, dtype=dtype)

    cases = [
        Case("two samples: logits (0, 2), targets (1, 0)", logits=tensor([0.0, 2.0]), targets=tensor([1.0, 0.0])),
        Case("8 samples, targets 0 or 1, float64", **batch(8, 2.0, soft=False)),
        Case("soft targets in [0, 1], float64", **batch(8, 2.0, soft=True)),
        Case("the lesson's confident mistake: logit 20, target 0 (float32)", logits=tensor([20.0]), targets=tensor([0.0])),
        Case("logit -20, target 1 (float32)", logits=tensor([-20.0]), targets=tensor([1.0])),
        Case("logit 1000, target 0", logits=tensor([1000.0, 1.0]), targets=tensor([0.0, 1.0])),
        Case("logit -1000, target 1", logits=tensor([-1000.0, 1.0]), targets=tensor([1.0, 1.0])),
        Case("logits +-50 and +-1000 with both targets, float64",
             logits=tensor([50.0, -50.0, 1000.0, -1000.0, 50.0, -1000.0], F64),
             targets=tensor([0.0, 1.0, 1.0, 0.0, 1.0, 0.0], F64)),
        Case("a batch of one sample: logit 0, target 0.5", logits=tensor([0.0]), targets=tensor([0.5])),
    ]
    for n, scale, soft in ((3, 1.0, False), (16, 5.0, True), (40, 30.0, False), (1, 3.0, True), (25, 0.5, True)) * 3:
        kind = "soft" if soft else "0/1"
        cases.append(Case(f"random batch of {n}, logits of scale {scale:g}, {kind} targets, float64", **batch(n, scale, soft)))
    for n, scale in ((10, 3.0), (12, 40.0)):
        cases.append(Case(f"random batch of {n}, logits of scale {scale:g}, float32", **batch(n, scale, False, torch.float32)))
    return cases


def bce_mistakes(z: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
    p = torch.sigmoid(z)
    # the overflow mistakes come before the sigmoid-first one: all give inf at z = +-1000, and a
    # sigmoid-first solution has already failed (differently) at z = 20
    stable_form = "max(z, 0) - z * y + log(1 + exp(-|z|))"
    return {
        "the result equals BCELoss(sigmoid(z)): sigmoid rounds to exactly 1.0 (or 0.0) for large |z| and BCELoss "
        f"clamps the log at -100, so a confident mistake reports 100 instead of its real loss. Write the loss in z: {stable_form}.":
            F.binary_cross_entropy(p, y),
        "log(1 + exp(z)) overflows for large z (exp(1000) is inf): write it as max(z, 0) + log(1 + exp(-|z|)).":
            (torch.log1p(z.exp()) - z * y).mean(),
        f"exp(-z) overflows for very negative z (exp(1000) is inf): use exp(-|z|), as in {stable_form}.":
            (z.clamp(min=0) - z * y + torch.log1p((-z).exp())).mean(),
        "the result equals -(y log(sigmoid(z)) + (1 - y) log(1 - sigmoid(z))): sigmoid rounds to exactly 1.0 (or 0.0) "
        f"for large |z| and the log gives -inf (or 0 * -inf = nan). Write the loss in z: {stable_form}.":
            -(y * p.log() + (1 - y) * (1 - p).log()).mean(),
        "the log(1 + exp(-|z|)) term is missing: max(z, 0) - z * y alone is 0 at z = 0, where the loss is log 2.":
            (z.clamp(min=0) - z * y).mean(),
        "the result is the sum over the batch, not the mean: divide by the number of samples (BCEWithLogitsLoss averages).":
            F.binary_cross_entropy_with_logits(z, y, reduction="sum"),
        "the result is the loss for the flipped targets 1 - y: the -z * y term goes with the target y.":
            F.binary_cross_entropy_with_logits(z, 1 - y),
        "the sign is flipped: the loss is -(y log p + (1 - y) log(1 - p)), which is never negative.":
            -F.binary_cross_entropy_with_logits(z, y),
    }


def check_bce_with_logits(learner: ModuleType) -> str:
    cases = bce_cases()
    for case in cases:
        z, y = case["logits"], case["targets"]
        expected = F.binary_cross_entropy_with_logits(z, y)
        got = call_learner(learner.bce_with_logits, case)
        expect_close(got, expected, case, **_tolerances(z.dtype, (1e-9, 1e-9), (1e-5, 1e-5)), mistakes=bce_mistakes(z, y))
    return (f"{len(cases)} cases matched F.binary_cross_entropy_with_logits "
            "(logits up to +-1000, 0/1 and soft targets, float64 and float32).")


# ---- the build: softmax regression trained from scratch ---------------------------------------

FIT_MISTAKES = {
    "softmax_first": "the loss was computed on softmax(logits), not on the raw logits: the cross-entropy applies the "
                     "log-softmax itself, so softmax ran twice and the gradients are far too small. Give the loss the "
                     "logits x @ weight.T + bias.",
    "one_hot_mean": "your loss is the cross-entropy divided by the number of classes: -(one_hot * log_probs).mean() "
                    "averages over the N x K entries. Sum over the classes (or pick the true class with "
                    "log_probs[torch.arange(N), labels]), then average over the samples.",
    "column_index": "your loss takes log_probs[:, labels], an N x N block, instead of one entry per row: the labels "
                    "are class indices, one per sample: log_probs[torch.arange(N), labels].",
    "sum_over_batch": "the batch's loss is the sum over its samples, not the mean: every step is batch_size times too "
                      "large. F.cross_entropy (and the specification) averages over the batch.",
    "no_zero_grad": "the gradients of earlier batches were still there: .grad adds up over backward() calls, so clear "
                    "it every batch (optimizer.zero_grad(), or weight.grad = None) before backward().",
    "bias_frozen": "the bias never changed: it is a parameter too (requires_grad=True, and in the optimizer's list).",
    "same_order": "every epoch used the same order: draw a new torch.randperm(N, generator=generator) at the start of "
                  "EACH epoch from the generator you were given (do not shuffle once before the loop or re-seed).",
    "global_rng": "the order came from torch's global random generator: pass generator=generator to torch.randperm, "
                  "so that the caller's seeded generator decides the shuffle.",
    "no_shuffle": "the samples were not shuffled: every epoch draws its order with torch.randperm(N, "
                  "generator=generator).",
    "batch_mean_history": "an epoch's loss is the mean of its batches' losses, so a short last batch counts as much "
                          "as a full one: add each batch's mean times its size and divide by N.",
    "last_batch_history": "an epoch's loss is the loss of its last batch only: the epoch's loss is the mean over all "
                          "N samples (add each batch's mean times its size, divide by N).",
}


LOSS_MISTAKES = ("softmax_first", "one_hot_mean", "column_index")


def trained(x: torch.Tensor, y: torch.Tensor, classes: int, epochs: int, lr: float, batch_size: int, seed: int,
            rng_state: torch.Tensor, mistake: str | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """The specification, run with F.cross_entropy, or with one known mistake (a key of FIT_MISTAKES)."""
    n, features = x.shape
    weight = torch.zeros(classes, features, dtype=x.dtype, requires_grad=True)
    bias = torch.zeros(classes, dtype=x.dtype, requires_grad=True)
    generator = torch.Generator().manual_seed(seed)
    if mistake == "global_rng":
        generator.set_state(rng_state)  # what torch.randperm(N) without a generator draws in the learner's process
    first = torch.randperm(n, generator=generator) if mistake == "same_order" else None
    losses = []
    for _ in range(epochs):
        order = first if first is not None else (torch.arange(n) if mistake == "no_shuffle"
                                                 else torch.randperm(n, generator=generator))
        recorded = []
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            logits, labels = x[batch] @ weight.T + bias, y[batch]
            per_sample = F.cross_entropy(logits, labels, reduction="none")
            log_probs = torch.log_softmax(logits, dim=1)
            loss = {
                "softmax_first": lambda: F.cross_entropy(torch.softmax(logits, dim=1), labels),
                "one_hot_mean": lambda: per_sample.mean() / classes,
                "column_index": lambda: -log_probs[:, labels].mean(),
                "sum_over_batch": lambda: per_sample.sum(),
            }.get(mistake, per_sample.mean)()
            if mistake != "no_zero_grad":
                weight.grad = bias.grad = None
            loss.backward()
            with torch.no_grad():
                weight -= lr * weight.grad
                if mistake != "bias_frozen":
                    bias -= lr * bias.grad
            # what the epoch's loss adds up: the batch's mean loss (the learner's own loss, when that is the mistake)
            recorded.append((float((loss if mistake in LOSS_MISTAKES else per_sample.mean()).detach()), len(batch)))
        losses.append({"batch_mean_history": sum(value for value, _ in recorded) / len(recorded),
                       "last_batch_history": recorded[-1][0]}.get(mistake, sum(v * size for v, size in recorded) / n))
    return weight.detach(), bias.detach(), torch.tensor(losses, dtype=x.dtype)


def fit_cases() -> list[tuple[Case, int]]:
    """(case, the generator's seed) for each data set."""
    g = torch.Generator().manual_seed(5)

    def data(n: int, features: int, classes: int, used: int | None = None,
             dtype: torch.dtype = F64) -> dict[str, torch.Tensor]:
        centres = torch.randn(classes, features, generator=g, dtype=dtype) * 2
        labels = torch.randint(0, used or classes, (n,), generator=g)
        return {"x": centres[labels] + torch.randn(n, features, generator=g, dtype=dtype), "y": labels}

    clusters = torch.cat([torch.full((20,), 0), torch.full((20,), 1)])
    centres = torch.tensor([[2.0, 2.0], [-2.0, -2.0]], dtype=F64)
    lesson = {"x": centres[clusters] + torch.randn(40, 2, generator=g, dtype=F64), "y": clusters}
    specs = [
        ("the lesson's two clusters around (2, 2) and (-2, -2), 40 points, batches of 8, 3 epochs", lesson, 2, 3, 0.1, 8),
        ("3 classes, 4 features, 30 samples, batches of 7 (the last has 2), 4 epochs", data(30, 4, 3), 3, 4, 0.3, 7),
        ("13 samples in batches of 4 (the last has 1), 3 classes, 3 epochs", data(13, 2, 3), 3, 3, 0.5, 4),
        ("3 classes and 3 features (weight is square), 12 samples, batches of 5, 3 epochs", data(12, 3, 3), 3, 3, 0.2, 5),
        ("a batch larger than N: 10 samples, batch_size 16, 5 epochs", data(10, 2, 2), 2, 5, 0.5, 16),
        ("batches of one sample: 9 samples, 2 epochs", data(9, 3, 2), 2, 2, 0.1, 1),
        ("4 classes, of which class 3 has no sample, 20 samples, batches of 6, 3 epochs", data(20, 2, 4, used=3), 4, 3,
         0.4, 6),
        ("float32: 25 samples, 2 features, 3 classes, batches of 6, 3 epochs", data(25, 2, 3, dtype=torch.float32), 3, 3,
         0.3, 6),
    ]
    cases = []
    for k, (description, tensors, classes, epochs, lr, batch_size) in enumerate(specs):
        seed = 100 + k
        cases.append((Case(description, **tensors, classes=classes, epochs=epochs, lr=lr, batch_size=batch_size,
                           generator=torch.Generator().manual_seed(seed)), seed))
    return cases


def _close(ours: object, theirs: torch.Tensor, atol: float, rtol: float) -> bool:
    return (isinstance(ours, torch.Tensor) and ours.shape == theirs.shape
            and torch.allclose(ours.to(theirs.dtype), theirs, atol=atol, rtol=rtol))


def _same(got: tuple, variant: tuple, expected: tuple, atol: float, rtol: float) -> bool:
    """The learner's result is the variant's: the same parameters, and the same losses where only those differ."""
    parameters = all(_close(ours, wrong, atol, rtol) for ours, wrong in zip(got[:2], variant[:2]))
    only_history = all(_close(wrong, right, atol, rtol) for wrong, right in zip(variant[:2], expected[:2]))
    return parameters and (not only_history or _close(got[2], variant[2], atol, rtol))


def check_softmax_regression(learner: ModuleType) -> str:
    cases = fit_cases()
    for case, seed in cases:
        x, y = case["x"], case["y"]
        settings = (x, y, case["classes"], case["epochs"], case["lr"], case["batch_size"], seed)
        rng_state = torch.get_rng_state()  # the learner's process starts each call from the judge's global state
        expected = trained(*settings, rng_state)
        got = call_learner(learner.fit, case)
        expect(isinstance(got, tuple) and len(got) == 3,
               f"fit returned {type(got).__name__}; return a tuple (weight, bias, losses).", case)
        for value, name in zip(got, ("weight", "bias", "losses")):
            expect(not (isinstance(value, torch.Tensor) and value.requires_grad),
                   f"the {name} you returned still requires grad: return it detached ({name}.detach()), a plain "
                   f"tensor of results, not a parameter of a graph.", case)
        atol, rtol = (1e-10, 1e-8) if x.dtype == F64 else (1e-5, 1e-5)
        if all(_close(ours, theirs, atol, rtol) for ours, theirs in zip(got, expected)):
            for ours, theirs, name in zip(got, expected, ("weight", "bias", "losses")):
                expect_close(ours, theirs, case, atol=atol, rtol=rtol, what=f"the {name} you returned")  # dtypes
            continue
        variants = {message: trained(*settings, rng_state, key) for key, message in FIT_MISTAKES.items()}
        matching = {message: variant for message, variant in variants.items() if _same(got, variant, expected, atol, rtol)}
        for k, name in enumerate(("weight", "bias", "losses")):
            expect_close(got[k], expected[k], case, atol=atol, rtol=rtol, what=f"the {name} you returned",
                         mistakes={message: variant[k] for message, variant in matching.items()})
    return (f"{len(cases)} data sets: your weight, bias and loss history matched training with F.cross_entropy "
            f"(2 to 4 classes, batch sizes 1 to larger than N, short last batches, float64 and float32).")
