r"""Softmax and cross-entropy: two clusters, a 2 -> 10 -> 2 net, and every identity checked.

## The idea

A classifier does not output a class. It outputs one raw score per class, a
*logit* `z_k`, and training pushes the score of the true class up relative to the
others. Softmax turns the scores into probabilities, cross-entropy scores how much
probability went to the true class, and the predicted class is the one with the
largest score.

This lesson trains the course notes' example, two Gaussian clusters of 100 points
around `(2, 2)` (class 0) and `(-2, -2)` (class 1) with standard deviation 1, with
a `2 -> 10 -> 2` ReLU net, `CrossEntropyLoss` and full-batch SGD (lr 0.02, 100
steps). Along the way it computes softmax and the losses by hand and checks each
against PyTorch, printing the largest difference.

## The maths

Softmax of the logits `z = (z_1, ..., z_K)` of one sample:

```math
\begin{aligned}
\text{softmax}(z)_k   &= \exp(z_k) / \sum_j \exp(z_j)  && \text{each row sums to 1} \\
\text{softmax}(z + c) &= \text{softmax}(z)             && \text{for any constant } c \\
\text{softmax}(z)_k   &= \exp(z_k - c) / \sum_j \exp(z_j - c), \quad c = \max_j z_j && \text{stable form}
\end{aligned}
```

After subtracting the maximum every exponent is at most 0, so `exp` never
overflows. In float32, `exp(z)` is `inf` once `z > 88.72`, and `inf / inf` is `nan`.

Cross-entropy of one sample with true class `y`, averaged over the batch:

```math
\begin{aligned}
\log(\text{softmax}(z)_k) &= (z_k - c) - \log\left(\sum_j \exp(z_j - c)\right) \\
\text{loss} &= -\log(\text{softmax}(z)_y) = \log\left(\sum_j \exp(z_j)\right) - z_y \\[1ex]
\text{CrossEntropyLoss}(z, y) &= \text{NLLLoss}(\text{LogSoftmax}(z), y)
\end{aligned}
```

`NLLLoss` only picks `-input[y]` and averages; the log-softmax does the work. So
`CrossEntropyLoss` wants *raw logits*: putting a softmax in the model first applies
it twice.

With two classes, softmax is a sigmoid of the difference of the logits:

```math
\begin{aligned}
\text{softmax}((z_0, z_1))_1 &= \exp(z_1) / (\exp(z_0) + \exp(z_1)) \\
                             &= 1 / (1 + \exp(-(z_1 - z_0))) \\
                             &= \text{sigmoid}(z_1 - z_0)
\end{aligned}
```

so one output `d = z1 - z0` trained with binary cross-entropy is the same model and
the same loss as two outputs with `CrossEntropyLoss`:

```math
\text{BCE}(p, y) = -(y \log(p) + (1 - y) \log(1 - p)), \qquad p = \text{sigmoid}(d)
```

`BCELoss` wants `p`, and `p = sigmoid(d)` rounds to exactly 1.0 for `d > 17` in
float32, where `log(1 - p)` is `-inf`. Written in the logit the loss never forms `p`:
`-log(sigmoid(d)) = log(1 + exp(-d))` and `-log(1 - sigmoid(d)) = log(1 + exp(d))`, so

```math
\begin{aligned}
\text{BCE}(d, y) &= \log(1 + \exp(d)) - y \cdot d \\
\log(1 + \exp(d)) &= \max(d, 0) + \log(1 + \exp(-|d|)) && \text{the exponent is never above 0}
\end{aligned}
```

which is what `BCEWithLogitsLoss` computes (`torch.log1p` keeps `log(1 + tiny)` exact).

## Training a classifier from scratch

The smallest classifier is *softmax regression*: one linear layer,
`logits = x @ weight.T + bias`, with `weight` of shape `(K, D)` and `bias` of shape
`(K,)` for `K` classes and `D` features, trained on the cross-entropy. Its loss is
convex, so starting from all zeros is fine. One epoch of mini-batch training:

1. draw a new order of the samples (`torch.randperm(N, generator=generator)` with a
   seeded generator: reproducible, and a different order every epoch);
2. cut it into batches (the last one may be shorter);
3. per batch: the logits, the batch's *mean* cross-entropy of the raw logits and the
   class indices, then clear the old gradients (`optimizer.zero_grad()`), `backward()`,
   and one step `w <- w - lr * dL/dw` for `weight` and `bias` (`torch.optim.SGD`).

The epoch's training loss is the mean over all `N` samples, so each batch's mean
counts with its size: averaging the batch means would give a short last batch as
much weight as a full one. Return results with `.detach()`: they are values, not
parts of a graph.

## What to look at in the output

1. **Softmax by hand**: on `(2, 1, 0.1)` the textbook formula, the stable one and
   `torch.softmax` agree. Add 1000 to the logits (`--shift`) and the textbook formula
   gives `nan` while the stable one still matches PyTorch. The shifted and unshifted
   probabilities differ by about 2e-6: not because softmax changed, but because
   float32 numbers near 1000 are only 6e-5 apart, so `0.1 + 1000` is rounded.
2. **Row sums**: on a batch, the sum runs over each row. Summing over the whole
   array (as the notes write it) gives rows that sum to 0.32 and 0.68.
3. **The notes' example** `z = (0.2, 0.1, -0.1)`, true class 0: loss 0.9729, the same
   from `CrossEntropyLoss`, `LogSoftmax + NLLLoss`, the formula by hand, and with
   one-hot float targets.
4. **After training**: with seed 0 the net gets 99% of the training points and 100% of
   200 fresh test points right. The column "ideal rule" is the best possible boundary,
   the line `x1 + x2 = 0`; on average it is right 99.77% of the time
   (`1 - erfc(2) / 2`), so a point or two on the wrong side is the data, not the net.
5. **The identities on the trained net's logits**: every pair equal, largest
   difference about 1e-7 or less; argmax of the logits and of the softmax never disagree.
6. **One confident mistake**: a logit of 20 with label 0. The true loss is 20;
   `BCELoss(sigmoid(20))` reports 100, because `sigmoid(20)` rounds to 1.0 and the
   `log(0)` inside is clamped to -100.
7. **decision_boundary.png**: the background is `P(class 1)`, the black line is where it
   is 0.5, colours are predicted classes, markers the true ones, red rings the mistakes.
   **training_curves.png**: loss and accuracy at each step.

## Pitfalls

- **Softmax before `CrossEntropyLoss`.** The loss applies log-softmax itself; give it
  the logits.
- **Targets.** For class indices use an int64 tensor of shape `(N,)` with values
  `0 .. K-1`, not one-hot; or give float class probabilities of shape `(N, K)`.
  A float tensor of shape `(N,)` is an error.
- **`BCELoss` wants probabilities**, so you need a sigmoid first, and that loses
  precision for confident predictions. Use `BCEWithLogitsLoss` on the raw logit.
- **Softmax over the wrong axis.** For a batch `(N, K)` use `dim=1` (or `-1`);
  without `dim` older code relied on a guess that PyTorch warns about.
- **You do not need softmax to predict.** It keeps the order of the scores, so
  `logits.argmax(dim=1)` gives the same class.
- **Training accuracy is not the whole story.** Check on points the net has not seen.
- **A loss averaged over the wrong things.** `-(one_hot * log_probs).mean()` divides by
  `N * K`, not `N`: the loss and every gradient are `K` times too small. Sum over the
  classes (or pick the true class, `log_probs[torch.arange(N), labels]`), then average
  over the samples; and `log_probs[:, labels]` is an `N x N` block, not one entry per row.
- **Summing the batch's loss.** A sum makes every step `batch_size` times larger than
  with `CrossEntropyLoss`'s mean, so the learning rate no longer means the same.
- **Forgetting `zero_grad()`.** `.grad` adds up over `backward()` calls: without clearing
  it, each step also repeats every earlier batch's gradient.

## Where the course notes are wrong

- Note 001 writes softmax as `np.exp(z) / np.exp(z).sum()`. It overflows for large
  logits (`nan` at a shift of 1000; the stable form does not), and for a batch
  `.sum()` adds up every entry of the array, so the rows do not sum to 1 (0.32 and
  0.68 in the example).
- Note 001 says the target of `CrossEntropyLoss` *must* be a `LongTensor`. Class
  indices must be int64, but float class probabilities of shape `(N, K)` are accepted
  too (since PyTorch 1.10); one-hot floats give exactly the same loss.
- Note 001 labels BCELoss "two-dimensional" and advises it for binary problems.
  BCE takes *one* probability per sample; and two logits with `CrossEntropyLoss` are
  exactly the same loss as one logit with BCE (differences printed: 0 or about
  1e-8), so the choice saves one output unit, nothing more. If you do use BCE, use
  `BCEWithLogitsLoss` (20 vs 100 in the confident-mistake table).
- Note 004 predicts with `torch.max(F.softmax(out), 1)[1]`: the missing `dim`
  triggers a deprecation warning, and the softmax is unnecessary because it does not
  change which score is largest (disagreements: 0).
- Note 004 measures accuracy only on the training points (hard-coding `/ 200.`);
  the lesson also scores fresh points and the ideal boundary.
- Note 004's comment calls the class-1 inputs `shape=(100, 1)`; they are `(100, 2)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from nnlessons import LessonInfo, Option, hookimpl
from nnlessons.csv_input import given_path
from nnlessons.memory_budget import FLOAT32_BYTES, check_fits, largest_fitting

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext


@hookimpl
def nnlessons_lesson_info() -> LessonInfo:
    return LessonInfo(
        id="classification",
        title="Classification: softmax and cross-entropy",
        summary="Two Gaussian clusters, a 2 -> 10 -> 2 net; softmax by hand, CE = LogSoftmax + NLL, BCE vs CE, decision boundary.",
        concepts=("softmax", "log-softmax", "CrossEntropyLoss", "NLLLoss", "BCELoss", "decision boundary", "accuracy"),
        cpu_seconds=5,
        cpu_threads=1,  # tiny nets: a second thread only adds overhead
        options=(
            Option("points_per_class", int, 100, "Points in each of the two clusters (training and test set alike).",
                   min=1, max=100_000),
            Option("centre", float, 2.0, "Clusters are centred at (c, c) for class 0 and (-c, -c) for class 1.",
                   min=0.0, max=1000.0),
            Option("std", float, 1.0, "Standard deviation of each coordinate around its cluster centre.",
                   min=0.001, max=1000.0),
            Option("csv", str, "", "CSV with columns x1, x2, label (0 or 1) to classify instead of the clusters "
                   "(empty or left out: make the clusters)."),
            Option("hidden", int, 10, "Hidden units of the 2 -> hidden -> 2 ReLU net.", min=1, max=4096),
            Option("lr", float, 0.02, "SGD learning rate.", min=1e-6, max=10.0),
            Option("steps", int, 100, "Full-batch SGD steps.", min=1, max=10_000),
            Option("shift", float, 1000.0, "Added to the softmax example's logits to show the naive formula overflow.",
                   min=0.0, max=1e30),
            Option("grid", int, 200, "Grid points per side for the decision-boundary picture.", min=10, max=1000, quick=60),
        ),
        order=40,
    )


@hookimpl
def nnlessons_check_params(params: Mapping[str, Any]) -> None:
    """A bad --csv, or a --hidden too large for the points and the grid, is refused before the run makes its folder."""
    path = given_path(params["csv"])
    points = 2 * params["points_per_class"]
    if path is not None:
        from nnlessons_classification.points_csv import read_points  # no torch

        points = len(read_points(path)[0])
    check_memory(points, params["hidden"], params["grid"])


def peak_memory_bytes(points: int, hidden: int, grid: int) -> float:
    """The largest activations at one time, float32: full-batch training holds about 3 (points x hidden)
    arrays, the decision-boundary picture 2 (grid^2 x hidden). The net itself is under 100 kB."""
    return FLOAT32_BYTES * hidden * max(3 * points, 2 * grid**2)


def check_memory(points: int, hidden: int, grid: int) -> None:
    fitting = largest_fitting(lambda h: peak_memory_bytes(points, h, grid), 1, hidden)
    check_fits(peak_memory_bytes(points, hidden, grid), f"--hidden {hidden} with {points} training points and --grid {grid}",
               f"with these --hidden {fitting} or less fits" if fitting else "use fewer points or a smaller --grid")


@hookimpl
def nnlessons_run(ctx: RunContext) -> dict[str, Any]:
    from nnlessons_classification.lesson import run  # torch is imported only when the lesson runs

    return run(ctx)


@hookimpl
def nnlessons_exercises():
    from nnlessons_classification.exercises import EXERCISES

    return EXERCISES
