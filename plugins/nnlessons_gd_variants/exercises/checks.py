"""Checks of the gd-variants exercises: PyTorch's autograd is the oracle."""

from __future__ import annotations

import numbers
from collections.abc import Callable

import torch

from nnlessons.practice.compare import (
    Case,
    call_learner,
    describe_value,
    expect,
    expect_close,
    expect_equal,
    expect_no_alias,
)


def _autograd_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    w = w.detach().clone().requires_grad_(True)
    ((w * x - y) ** 2).mean().backward()
    return w.grad


def mse_cases() -> list[Case]:
    g = torch.Generator().manual_seed(0)
    f64 = torch.float64
    cases = [
        Case("the lesson's data, w = 1", w=torch.tensor(1.0, dtype=f64), x=torch.tensor([1.0, 2.0, 3.0], dtype=f64),
             y=torch.tensor([2.0, 4.0, 6.0], dtype=f64)),
        Case("a batch of one sample", w=torch.tensor(0.5, dtype=f64), x=torch.tensor([3.0], dtype=f64),
             y=torch.tensor([-1.0], dtype=f64)),
        Case("float32 inputs", w=torch.tensor(-1.5), x=torch.randn(7, generator=g), y=torch.randn(7, generator=g)),
    ]
    for n in (2, 5, 16, 100) * 5:
        cases.append(Case(f"random batch of {n} samples", w=torch.randn((), generator=g, dtype=f64) * 3,
                          x=torch.randn(n, generator=g, dtype=f64), y=torch.randn(n, generator=g, dtype=f64) * 2))
    return cases


def check_mse_gradient(learner) -> str:
    cases = mse_cases()
    for case in cases:
        w, x, y = case["w"], case["x"], case["y"]
        expected = _autograd_gradient(w, x, y)
        got = call_learner(learner.mse_gradient, case)
        residual = w * x - y
        expect_close(got, expected, case, atol=1e-9, rtol=1e-9 if x.dtype == torch.float64 else 1e-5,
                     mistakes={
                         "the result is the sum over the batch, not the mean: divide by the number of samples.":
                             (2 * residual * x).sum(),
                         "the factor 2 from the square is missing (the derivative of u ** 2 is 2 * u * du).":
                             (residual * x).mean(),
                         "the inner derivative x_i is missing: the chain rule multiplies by d(w * x_i - y_i)/dw = x_i.":
                             (2 * residual).mean(),
                         "the sign is flipped: use (w * x - y), not (y - w * x).": (2 * (y - w * x) * x).mean(),
                     })
    return f"{len(cases)} cases matched autograd (float64 and float32, batches of 1 to 100)."


# ---- one epoch of descent ---------------------------------------------------------------------

Batches = list[tuple[torch.Tensor, torch.Tensor]]


def _batches(x: torch.Tensor, y: torch.Tensor, batch_size: int) -> Batches:
    """Consecutive (x_b, y_b) batches; the last one keeps the leftover samples."""
    return list(zip(x.split(batch_size), y.split(batch_size)))


def _autograd_epoch(w: torch.Tensor, batches: Batches, lr: float) -> torch.Tensor:
    """The oracle: one step per batch along autograd's gradient of the batch MSE.

    Not torch.optim.SGD (the same steps): its first use imports torch._dynamo, seconds that a check cannot spend.
    """
    w = w.detach()
    for x_b, y_b in batches:
        leaf = w.clone().requires_grad_(True)
        (gradient,) = torch.autograd.grad(((leaf * x_b - y_b) ** 2).mean(), leaf)
        w = w - lr * gradient
    return w


def _mean_gradient(w, x_b, y_b):
    return (2 * x_b * (w * x_b - y_b)).mean()


def _sum_gradient(w, x_b, y_b):
    return (2 * x_b * (w * x_b - y_b)).sum()


def _hand_epoch(w: torch.Tensor, batches: Batches, lr: float,
                gradient: Callable[..., torch.Tensor] = _mean_gradient) -> torch.Tensor:
    """A descent loop by hand, to reproduce what known mistakes return."""
    for x_b, y_b in batches:
        w = w - lr * gradient(w, x_b, y_b)
    return w


def _epoch_mistakes(case: Case) -> dict[str, torch.Tensor]:
    w, x, y, lr, size, order = (case[k] for k in ("w", "x", "y", "lr", "batch_size", "order"))
    batches = _batches(x[order], y[order], size)
    full = [b for b in batches if len(b[0]) == size]
    last_x, last_y = batches[-1]
    return ({
        "your weight is the one after the FIRST batch only: the `return` is inside the loop over batches "
        "(the notes' bug); return after the loop.": _hand_epoch(w, batches[:1], lr),
        "the short last batch was skipped: when batch_size does not divide N, the leftover samples "
        "form one more, shorter batch (range(0, N, batch_size) covers them).": _hand_epoch(w, full, lr),
        "the samples were used in their stored order: take x[order] and y[order] before cutting the batches.":
            _hand_epoch(w, _batches(x, y, size), lr),
        "the batch gradient is a sum over the batch, not its mean.": _hand_epoch(w, batches, lr, _sum_gradient),
        "the batch gradient was divided by batch_size, but the short last batch has fewer samples: "
        "use .mean() over the batch.": _hand_epoch(w, batches, lr, lambda w, xb, yb: _sum_gradient(w, xb, yb) / size),
        "every update used all N samples (batch GD repeated): each update must use only its own batch.":
            _hand_epoch(w, [(x, y)] * len(batches), lr),
        "w was not carried from batch to batch: each update must start from the weight the previous "
        "batch left (w = w - lr * gradient, then use that w).": w - lr * _mean_gradient(w, last_x, last_y),
    })


def _epoch_case(description: str, w: float, xs, ys, lr: float, batch_size: int, order,
                dtype: torch.dtype = torch.float64) -> Case:
    return Case(description, w=torch.tensor(w, dtype=dtype), x=torch.as_tensor(xs, dtype=dtype),
                y=torch.as_tensor(ys, dtype=dtype), lr=lr, batch_size=batch_size, order=torch.as_tensor(order))


def epoch_cases() -> list[Case]:
    g = torch.Generator().manual_seed(1)
    lesson_x, lesson_y = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]
    cases = [
        _epoch_case("the lesson's SGD (batch 1, lr 0.01, the notes' order)", 1.0, lesson_x, lesson_y, 0.01, 1, [0, 1, 2]),
        _epoch_case("the lesson's batch GD (batch 3, lr 0.1)", 1.0, lesson_x, lesson_y, 0.1, 3, [0, 1, 2]),
        _epoch_case("the lesson's mini-batch GD (batch 2, lr 0.01)", 1.0, lesson_x, lesson_y, 0.01, 2, [0, 1, 2]),
        _epoch_case("the lesson's data shuffled: order [2, 0, 1], batch 2", 1.0, lesson_x, lesson_y, 0.01, 2, [2, 0, 1]),
        _epoch_case("samples that disagree, y = [2, 4, 7], batch 2", 1.0, lesson_x, [2.0, 4.0, 7.0], 0.05, 2, [0, 1, 2]),
        _epoch_case("a single sample", 0.5, [3.0], [-1.0], 0.02, 1, [0]),
        _epoch_case("a single sample, batch size 4", 0.5, [3.0], [-1.0], 0.02, 4, [0]),
        _epoch_case("batch size larger than N (5 samples, batch 8)", -1.0, torch.randn(5, generator=g, dtype=torch.float64),
                    torch.randn(5, generator=g, dtype=torch.float64), 0.1, 8, torch.randperm(5, generator=g)),
        _epoch_case("float32 inputs (7 samples, batch 3)", 0.3, torch.randn(7, generator=g), torch.randn(7, generator=g),
                    0.05, 3, torch.randperm(7, generator=g), dtype=torch.float32),
    ]
    for n in (4, 7, 10, 16):
        for size in sorted({1, 2, 3, 5, n, n + 1}):
            cases.append(_epoch_case(
                f"random data: {n} samples, batches of {size}, shuffled", float(torch.randn((), generator=g, dtype=torch.float64)),
                torch.randn(n, generator=g, dtype=torch.float64), 2 * torch.randn(n, generator=g, dtype=torch.float64),
                float(torch.empty(()).uniform_(0.01, 0.2, generator=g)), size, torch.randperm(n, generator=g)))
    return cases


def check_one_epoch(learner) -> str:
    cases = epoch_cases()
    for case in cases:
        batches = _batches(case["x"][case["order"]], case["y"][case["order"]], case["batch_size"])
        expected = _autograd_epoch(case["w"], batches, case["lr"])
        got = call_learner(learner.one_epoch, case)
        exact = case["x"].dtype == torch.float64
        expect_close(got, expected, case, atol=1e-12 if exact else 1e-6, rtol=1e-9 if exact else 1e-5,
                     mistakes=_epoch_mistakes(case), what="your one_epoch")
    return f"{len(cases)} epochs matched descent along autograd's gradients (batch sizes 1 to N + 1, shuffled orders, float64 and float32)."


# ---- updates per epoch ------------------------------------------------------------------------


def _dataloader_length(n_samples: int, batch_size: int) -> int:
    return len(torch.utils.data.DataLoader(range(n_samples), batch_size=batch_size))


def updates_cases() -> list[Case]:
    sizes = [(3, 2), (3, 1), (3, 3), (1, 1), (1, 5), (100, 10), (100, 7), (10, 3), (7, 8), (8, 8),
             (60_000, 64), (50_000, 128), (2, 1), (1000, 999), (1000, 1)]
    g = torch.Generator().manual_seed(2)
    for _ in range(20):
        n = int(torch.randint(1, 500, (), generator=g))
        sizes.append((n, int(torch.randint(1, n + 20, (), generator=g))))
    return [Case(f"{n} samples, batches of {b}", n_samples=n, batch_size=b) for n, b in sizes]


def _plain_number(value):
    """A numpy or other real number as a Python int or float, so that it compares by value (np.True_ is not True)."""
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return int(value) if isinstance(value, numbers.Integral) else float(value)
    return value


def check_updates_per_epoch(learner) -> str:
    cases = updates_cases()
    for case in cases:
        n, size = case["n_samples"], case["batch_size"]
        expected = _dataloader_length(n, size)
        got = call_learner(learner.updates_per_epoch, case)
        expect_equal(_plain_number(got), expected, case, what="your updates_per_epoch", mistakes={
            "N / B is not a whole number of updates: round up, the leftover samples make one more batch.": n / size,
            "N // B drops the leftover samples: they make one more, shorter batch (round up, do not round down).":
                n // size,
            "N // B + 1 counts one batch too many when B divides N: add one only when N % B is not 0.": n // size + 1,
            "round() goes to the nearest whole number; a leftover of even one sample needs one more batch (round up).":
                round(n / size),
        })
        expect(isinstance(got, int) and not isinstance(got, bool),
               f"your updates_per_epoch returned {describe_value(got)}; return a Python int (math.ceil(n / b) or "
               f"-(-n // b)), the count of updates.", case)
    return f"{len(cases)} sizes matched len(DataLoader(range(N), batch_size=B))."


# ---- shrink factor per epoch ------------------------------------------------------------------


def _measured_shrink(x: torch.Tensor, lr: float, batch_size: int, order: torch.Tensor) -> torch.Tensor:
    """The oracle: one epoch of descent on y = w* x from a start away from w*, in float64; |w1 - w*| / |w0 - w*|."""
    x = x.double()
    w_star, w0 = torch.tensor(-1.25, dtype=torch.float64), torch.tensor(0.75, dtype=torch.float64)
    w1 = _autograd_epoch(w0, _batches(x[order], w_star * x[order], batch_size), lr)
    return (w1 - w_star).abs() / (w0 - w_star).abs()


def _factor_product(x_batches: list[torch.Tensor], lr: float, step_factor: Callable[..., torch.Tensor]) -> torch.Tensor:
    product = torch.ones((), dtype=torch.float64)
    for x_b in x_batches:
        product = product * step_factor(x_b.double(), lr)
    return product


def _shrink_mistakes(case: Case) -> dict[str, torch.Tensor]:
    x, lr, size, order = (case[k] for k in ("x", "lr", "batch_size", "order"))
    batches = list(x[order].split(size))

    def right(x_b, lr):
        return (1 - 2 * lr * (x_b ** 2).mean()).abs()

    return ({
        "the factor 2 is missing: the gradient of (w x - y) ** 2 is 2 x (w x - y), so a step's factor is "
        "1 - 2 * lr * mean_b(x ** 2).": _factor_product(batches, lr, lambda x_b, lr: (1 - lr * (x_b ** 2).mean()).abs()),
        "you used mean_b(x) ** 2; the step's factor has the mean of the squares, mean_b(x ** 2).":
            _factor_product(batches, lr, lambda x_b, lr: (1 - 2 * lr * x_b.mean() ** 2).abs()),
        "the result is negative: a step that overshoots w* has a negative factor, and the error's size "
        "|w - w*| shrinks by the absolute value of the product.":
            _factor_product(batches, lr, lambda x_b, lr: 1 - 2 * lr * (x_b ** 2).mean()),
        "the factors were added; an epoch applies one update after another, so their factors multiply.":
            sum(right(x_b.double(), lr) for x_b in batches),
        "the samples were taken in their stored order: which samples share a batch depends on `order` "
        "(x[order]).": _factor_product(list(x.split(size)), lr, right),
        "the short last batch was skipped: its update also shrinks the error.":
            _factor_product([b for b in batches if len(b) == size], lr, right),
        "one factor per sample, as if every update used one sample (SGD): one update per BATCH, with the "
        "batch's mean_b(x ** 2).": _factor_product(list(x[order].split(1)), lr, right),
        "one factor for all N samples, as if the epoch were one batch-GD update: one factor per batch.":
            _factor_product([x], lr, right),
    })


def shrink_cases() -> list[Case]:
    g = torch.Generator().manual_seed(3)
    lesson = torch.tensor([1.0, 2.0, 3.0], dtype=torch.float64)
    notes_order = torch.tensor([0, 1, 2])
    cases = [
        Case("the lesson's batch GD (lr 0.1, batch 3)", x=lesson, lr=0.1, batch_size=3, order=notes_order),
        Case("the lesson's SGD (lr 0.01, batch 1)", x=lesson, lr=0.01, batch_size=1, order=notes_order),
        Case("the lesson's mini-batch GD (lr 0.01, batch 2)", x=lesson, lr=0.01, batch_size=2, order=notes_order),
        Case("the lesson's mini-batches shuffled to {3, 1}, {2}", x=lesson, lr=0.01, batch_size=2,
             order=torch.tensor([2, 0, 1])),
        Case("SGD with lr 0.1: the step on x = 3 overshoots w*", x=lesson, lr=0.1, batch_size=1, order=notes_order),
        Case("batch GD with lr 0.3: diverges (factor above 1)", x=lesson, lr=0.3, batch_size=3, order=notes_order),
        Case("a single sample", x=torch.tensor([2.0], dtype=torch.float64), lr=0.05, batch_size=1, order=torch.tensor([0])),
        Case("batch size larger than N", x=torch.tensor([0.5, -1.0, 2.0, 1.5], dtype=torch.float64), lr=0.1, batch_size=6,
             order=torch.tensor([3, 1, 0, 2])),
        Case("float32 inputs", x=torch.tensor([1.0, -2.0, 0.5, 3.0, 1.5]), lr=0.02, batch_size=2,
             order=torch.tensor([4, 2, 0, 3, 1])),
    ]
    for n in (5, 8, 11):
        for size in (1, 2, 3, n):
            x = torch.randn(n, generator=g, dtype=torch.float64) * 1.5
            lr = float(torch.empty(()).uniform_(0.02, 0.6, generator=g))  # large enough for some steps to overshoot
            cases.append(Case(f"random x: {n} samples, batches of {size}, lr {lr:.3f}, shuffled", x=x, lr=lr,
                              batch_size=size, order=torch.randperm(n, generator=g)))
    return cases


def _as_float64_scalar(got, case: Case):
    """The learner may return a Python float or a 0-d tensor; compare both as a float64 0-d tensor."""
    if isinstance(got, numbers.Real) and not isinstance(got, bool):
        return torch.tensor(float(got), dtype=torch.float64)
    expect(isinstance(got, torch.Tensor), f"your epoch_shrink_factor returned {describe_value(got)}; return a Python "
                                          f"float or a 0-d tensor.", case)
    return got.detach().double() if got.dim() == 0 else got


def check_epoch_shrink_factor(learner) -> str:
    cases = shrink_cases()
    for case in cases:
        expected = _measured_shrink(case["x"], case["lr"], case["batch_size"], case["order"])
        got = _as_float64_scalar(call_learner(learner.epoch_shrink_factor, case), case)
        exact = case["x"].dtype == torch.float64
        expect_close(got, expected, case, atol=1e-12 if exact else 1e-6, rtol=1e-9 if exact else 1e-5,
                     mistakes=_shrink_mistakes(case), what="your epoch_shrink_factor", check_dtype=False)
    return f"{len(cases)} factors matched one measured epoch of descent (shrinking, overshooting and diverging)."


# ---- mini-batch training from a specification (build) -------------------------------------------


def _epoch_orders(n: int, epochs: int, seed: int) -> list[torch.Tensor]:
    """The orders the specification draws: one torch.randperm per epoch from one generator seeded with `seed`."""
    generator = torch.Generator().manual_seed(seed)
    return [torch.randperm(n, generator=generator) for _ in range(epochs)]


def _autograd_training(w0: torch.Tensor, x: torch.Tensor, y: torch.Tensor, lr: float, batch_size: int,
                       orders: list[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """The oracle: the specification with autograd's gradient of each batch's mean squared error."""
    w = w0.detach()
    weights, losses = [w], []
    for order in orders:
        squared_errors = torch.zeros((), dtype=x.dtype)
        for batch in order.split(batch_size):
            x_b, y_b = x[batch], y[batch]
            leaf = w.clone().requires_grad_(True)
            errors = leaf * x_b - y_b
            (gradient,) = torch.autograd.grad((errors ** 2).mean(), leaf)
            squared_errors = squared_errors + (errors.detach() ** 2).sum()
            w = w - lr * gradient
        weights.append(w)
        losses.append(squared_errors / len(x))
    return torch.stack(weights), torch.stack(losses)


def _mistaken_training(w0, x, y, lr, batch_size, orders, *, y_orders=None, gradient="mean", when="per batch",
                       loss="per sample", loss_at="before", drop_last=False) -> tuple[torch.Tensor, torch.Tensor]:
    """The specification with one knob turned, to reproduce what a known wrong loop returns."""
    w = w0
    weights, losses = [w0], []
    for epoch, order in enumerate(orders):
        y_order = order if y_orders is None else y_orders[epoch]
        batches = list(zip(order.split(batch_size), y_order.split(batch_size)))
        if drop_last:
            batches = [b for b in batches if len(b[0]) == batch_size]
        start, pending, batch_losses, squared_errors = w, torch.zeros((), dtype=x.dtype), [], torch.zeros((), dtype=x.dtype)
        for x_index, y_index in batches:
            x_b, y_b = x[x_index], y[y_index]
            errors = w * x_b - y_b
            step = {"mean": (2 * x_b * errors).mean(), "sum": (2 * x_b * errors).sum(),
                    "by batch_size": (2 * x_b * errors).sum() / batch_size}[gradient]
            if when == "per batch":
                w = w - lr * step
            else:
                pending = pending + step
            after = w * x_b - y_b
            used = errors if loss_at == "before" else after
            squared_errors = squared_errors + (used ** 2).sum()
            batch_losses.append((used ** 2).mean())
        if when == "summed at the end":
            w = w - lr * pending
        elif when == "averaged at the end":
            w = w - lr * pending / len(batches)
        elif when == "full gradient at the end":
            w = w - lr * (2 * x * (start * x - y)).mean()
        weights.append(w)
        if loss == "per sample":
            losses.append(squared_errors / len(x))
        elif loss == "mean of batch means":
            losses.append(torch.stack(batch_losses).mean())
        else:  # "at the end": the loss of all samples at the epoch's last weight
            losses.append(((w * x - y) ** 2).mean())
    return torch.stack(weights), torch.stack(losses)


def _training_mistakes(case: Case, seed: int, global_seed: int) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    w0, x, y, lr, size, epochs = (case[k] for k in ("w0", "x", "y", "lr", "batch_size", "epochs"))
    n = len(x)
    orders = _epoch_orders(n, epochs, seed)
    two = _epoch_orders(n, 2 * epochs, seed)  # two draws per epoch: x's order, then y's

    def run(orders=orders, **knobs):
        return _mistaken_training(w0, x, y, lr, size, orders, **knobs)

    found = {
        "every epoch used the same order: draw a new torch.randperm(N, generator=generator) at the start of EACH "
        "epoch from the generator you were given (do not re-create or re-seed a generator, and do not shuffle once "
        "before the loop).": run([orders[0]] * epochs),
        "the order came from torch's global random generator: pass generator=generator to torch.randperm, so the "
        "caller's seeded generator decides the shuffle.": run(_epoch_orders(n, epochs, global_seed)),
        "the samples were not shuffled: every epoch draws its order with torch.randperm(N, generator=generator).":
            run([torch.arange(n)] * epochs),
        "x and y were shuffled with two different permutations, so samples lost their labels: draw ONE order per "
        "epoch and index both x and y with it.": run(two[0::2], y_orders=two[1::2]),
        "the weight was updated once per epoch, not after every batch: each batch's update must happen before the "
        "next batch is used.": run(when="summed at the end"),
        "the weight was updated once per epoch with the average of the batch gradients: mini-batch descent updates "
        "after every batch.": run(when="averaged at the end"),
        "each epoch made one step along the gradient of all N samples (batch GD): one update per batch of "
        "batch_size samples.": run(when="full gradient at the end"),
        "the batch gradient is a sum over the batch, not its mean.": run(gradient="sum"),
        "the batch gradient was divided by batch_size, but the short last batch has fewer samples: take the mean "
        "over the batch's own samples.": run(gradient="by batch_size"),
        "the short last batch was dropped: when batch_size does not divide N, the leftover samples form one more, "
        "shorter batch.": run(drop_last=True),
        "the epoch's loss is the mean of the batch losses, so a short last batch counts as much as a full one: "
        "average over the N samples (sum the squared errors, divide by N).": run(loss="mean of batch means"),
        "the losses were taken AFTER each batch's update: a sample's error counts at the weight before its "
        "batch's update.": run(loss_at="after"),
        "the losses are the loss of all samples at the end of each epoch; the task's loss is the running one, "
        "each sample's error at the weight before its batch's update.": run(loss="at the end"),
    }
    weights, losses = run()
    found["the weights you returned start after the first epoch: weights[0] must be w0 (epochs + 1 entries)."] = (
        weights[1:], losses)
    return found


def _training_case(description: str, w0: float, xs, ys, lr: float, batch_size: int, epochs: int, seed: int,
                   dtype: torch.dtype = torch.float64) -> tuple[Case, int]:
    case = Case(description, w0=torch.tensor(w0, dtype=dtype), x=torch.as_tensor(xs, dtype=dtype),
                y=torch.as_tensor(ys, dtype=dtype), lr=lr, batch_size=batch_size, epochs=epochs,
                generator=torch.Generator().manual_seed(seed))
    return case, seed


def training_cases() -> list[tuple[Case, int]]:
    g = torch.Generator().manual_seed(4)
    lesson_x, lesson_y = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]
    cases = [
        _training_case("the lesson's data, mini-batches of 2, lr 0.01, 3 epochs, seed 0", 1.0, lesson_x, lesson_y,
                       0.01, 2, 3, 0),
        _training_case("samples that disagree, y = [2, 4, 7], batches of 2, lr 0.05, 4 epochs, seed 1", 1.0,
                       lesson_x, [2.0, 4.0, 7.0], 0.05, 2, 4, 1),
        _training_case("the lesson's SGD: batches of 1, lr 0.01, 2 epochs, seed 2", 1.0, lesson_x, lesson_y, 0.01, 1,
                       2, 2),
        _training_case("a single sample, batch size 4, 2 epochs", 0.5, [3.0], [-1.0], 0.02, 4, 2, 3),
        _training_case("one epoch only: 7 samples, batches of 3", 0.2, torch.randn(7, generator=g, dtype=torch.float64),
                       torch.randn(7, generator=g, dtype=torch.float64), 0.05, 3, 1, 4),
        _training_case("float32 inputs: 9 samples, batches of 4, 3 epochs", 0.3, torch.randn(9, generator=g),
                       torch.randn(9, generator=g), 0.05, 4, 3, 5, dtype=torch.float32),
    ]
    for n in (5, 8, 11):
        for size in sorted({1, 2, 3, n, n + 2}):
            seed = int(torch.randint(0, 2 ** 31, (), generator=g))
            cases.append(_training_case(
                f"random data: {n} samples, batches of {size}, 3 epochs, seed {seed}",
                float(torch.randn((), generator=g, dtype=torch.float64)), torch.randn(n, generator=g, dtype=torch.float64),
                2 * torch.randn(n, generator=g, dtype=torch.float64), float(torch.empty(()).uniform_(0.01, 0.1, generator=g)),
                size, 3, seed))
    return cases


def check_train_minibatch(learner) -> str:
    cases = training_cases()
    for number, (case, seed) in enumerate(cases):
        x, y, size = case["x"], case["y"], case["batch_size"]
        expected_weights, expected_losses = _autograd_training(case["w0"], x, y, case["lr"], size,
                                                               _epoch_orders(len(x), case["epochs"], seed))
        global_seed = 1000 + number  # torch's global generator: seeded apart from the case's, so using it shows
        mistakes = _training_mistakes(case, seed, global_seed)
        saved = torch.get_rng_state()
        torch.manual_seed(global_seed)
        try:
            got = call_learner(learner.train_minibatch, case)
        finally:
            torch.set_rng_state(saved)
        if not (isinstance(got, (tuple, list)) and len(got) == 2):
            expect(False, f"your train_minibatch returned {describe_value(got)}; return a pair (weights, losses) "
                          f"of tensors.", case)
        exact = x.dtype == torch.float64
        tolerance = {"atol": 1e-12, "rtol": 1e-9} if exact else {"atol": 1e-6, "rtol": 1e-5}
        weights, losses = got
        expect_close(weights, expected_weights, case, what="the weights you returned", **tolerance,
                     mistakes={message: wrong[0] for message, wrong in mistakes.items()})
        expect_close(losses, expected_losses, case, what="the losses you returned", **tolerance,
                     mistakes={message: wrong[1] for message, wrong in mistakes.items()})
        for name, value in (("weights", weights), ("losses", losses)):
            expect(not value.requires_grad, f"the {name} you returned require grad; return plain tensors.", case)
        expect_no_alias(got, case, "the weights or losses you returned")
    return (f"{len(cases)} training runs matched the specification with autograd's gradients (seeded shuffles, batch "
            f"sizes 1 to N + 2, 1 to 4 epochs, float64 and float32).")
