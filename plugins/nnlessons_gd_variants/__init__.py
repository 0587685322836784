r"""Batch, stochastic and mini-batch gradient descent: one loop, three batch sizes.

## The idea

Gradient descent improves a weight by stepping against the gradient of the loss.
The three "kinds" of gradient descent differ in one thing only: **how many
samples are averaged into the gradient of each step**.

| variant | samples per update | updates per epoch (N samples) |
| --- | --- | --- |
| batch GD | all N | 1 |
| stochastic GD (SGD) | 1 | N |
| mini-batch GD | B | ceil(N / B) |

An *epoch* is one pass over the data. More updates per epoch means more, cheaper,
rougher steps; fewer updates means fewer, costlier, exact ones. The lesson runs
all three with the same function (`descend`), changing only the batch size.

## The model and its gradient

Three samples, `x = [1, 2, 3]`, `y = [2, 4, 6]`, and the model `y_hat = w * x`
with one weight that starts at `w = 1`. The right answer is `w = 2`.

The loss on a batch `b` is the mean squared error:

```math
L_b(w) = \text{mean}_{i \in b} (w x_i - y_i)^2
```

Differentiate one term with the chain rule: the outer square gives
`2 (w x_i - y_i)`, the inner `w x_i - y_i` gives `x_i`. So

```math
\begin{aligned}
\partial L_b / \partial w &= \text{mean}_{i \in b} 2 x_i (x_i w - y_i) \\
w &\leftarrow w - \eta \cdot \partial L_b / \partial w \qquad \eta = \text{lr}
\end{aligned}
```

Step 1 of the run checks this formula against autograd on every contiguous batch
and several values of `w` (the max abs difference is printed; it is at float
round-off, about 1e-15).

## How fast each variant gets to 2

Every sample here agrees on `w = 2` (`y_i = 2 x_i`), so the gradient is
`2 mean_b(x^2) (w - 2)`, and one update does

```math
(w_{new} - 2) = (1 - 2 \eta \cdot \text{mean}_b(x^2)) \cdot (w - 2)
```

An epoch multiplies the error `|w - 2|` by the product of these factors over its
batches. The order of the batches does not matter, only which samples share a
batch, so `--shuffle` changes nothing for batch GD and SGD but does change the
mini-batch factor (a batch {3, 1} instead of {1, 2}). With the notes' order:

```
batch,      lr 0.1 : |1 - 0.2 * 14/3|                          = 0.0667
SGD,        lr 0.01: |1 - 0.02*1| |1 - 0.02*4| |1 - 0.02*9|    = 0.739
mini-batch, lr 0.01: |1 - 0.02 * 2.5| |1 - 0.02 * 9|           = 0.779   (batches {1,2} and {3})
```

A factor of 1 or more means no convergence: batch GD here needs
`lr < 1 / mean(x^2) = 3/14 = 0.214`. Step 3 prints the predicted factors next
to the ones measured in the first epoch.

These defaults are the notes': batch GD gets a learning rate ten times the
others'. Give batch GD the same 0.01 and its factor is
`|1 - 0.02 * 14/3| = 0.907` per epoch, the largest of the three. So step 3 also
runs all three at one learning rate (`--equal-lr`, default 0.01) and prints the
epochs each needs in both comparisons.

## What to look at in the output

- **The summary table**: updates per epoch (1, 3, 2), total updates (100, 300,
  200), and the final `w` of every variant, within 0.01 of 2 (in fact within
  1e-10). Batch GD with its larger learning rate is within 0.01 after 2 updates;
  SGD needs 47 updates (15.7 epochs), mini-batch 38 updates (19 epochs).
- **Step 3, both comparisons**: at lr 0.01 for all three, batch GD needs 48
  epochs (48 updates), SGD still 15.7 (47 updates) and mini-batch 19 (38
  updates). Batch GD goes from the fewest epochs to the most: per update the
  three are close, but batch GD makes one update per epoch where SGD makes three.
  The run names the winner of each comparison from its own numbers.
- **`loss_curves.png`**: the loss on all samples after every update, against
  update step (left) and epoch (right), on a log scale, in two rows; the legend
  and the caption give each curve's learning rate, read from the run's options.
  The top row uses each variant's own rate, by default the notes' (batch GD
  `--batch-lr 0.1`, the others 0.01), kept so that you can recognise the notes'
  plot: there batch GD's rate is ten times the others', so the top row does not
  compare like with like, and the caption says so with the run's ratio. The
  bottom row runs all three at one rate (`--equal-lr`), like with like. Straight
  lines on a log axis mean a constant shrink factor, as derived above. Per
  update, mini-batch beats SGD; per epoch, SGD beats mini-batch: which is
  "faster" depends on what you count.
- **Step 4 and `sgd_per_sample_loss.png`**: SGD's loss *looks* noisy when you
  record the loss of the sample just used, as the notes do: it went up at 200 of
  the 300 updates. The loss on all three samples never went up once. The
  zig-zag is sample 3 (error `9 (w-2)^2`) following sample 1 (error `(w-2)^2`),
  not a worse `w`.
- **Step 5 and `early_return_bug.png`**: the notes' batch code against the
  correct one (see below).

## Pitfalls

- **`return` inside the loop.** A loop that sums over samples must return
  *after* the loop. Returned inside, the "mean" is the first sample divided by N.
- **A bug that clean data hides.** When every sample agrees on the answer, even
  a gradient from one sample leads there. Test training code on data whose
  samples disagree (step 5 uses `y = [2, 4, 7]`).
- **Per-batch loss is not progress.** To compare variants, measure the loss on
  the same data (all samples, or a validation set) after each update.
- **Same learning rate, different variants.** A mean over a batch keeps the
  step size independent of the batch size, but a single large-`x` sample can
  still make SGD unstable: the step on `x = 3` multiplies the error by
  `1 - 18 lr`, so it overshoots 2 (the sign flips) once `lr > 1/18`, and from
  `lr >= 1/9` on it no longer shrinks the error at all.
- **The last batch can be short.** With 3 samples and batches of 2, each epoch
  has a batch of 2 and a batch of 1. Its gradient is the mean over its own
  samples (not a sum divided by the batch size), and an epoch's loss gathered
  from its batches is a mean over samples: the batches' squared errors summed
  and divided by N, not the mean of the batch means, which counts the batch of 1
  as much as the batch of 2.
- **A new order every epoch, from one generator.** Shuffling draws a fresh
  permutation at the start of each epoch from one seeded `torch.Generator`; a
  generator re-created or re-seeded every epoch gives the same order every
  time, and one permutation per tensor (x and y shuffled apart) separates the
  samples from their labels.

## Where the notes are wrong

- **The batch code returns inside its loop.** In the notes' `cost` and
  `gradient` for batch GD, `return` is indented under the `for`, so both use only
  the first sample: the gradient is `2 x_0 (x_0 w - y_0) / 3` and the printed
  loss is `(w x_0 - y_0)^2 / 3`. At `w = 1` it reports 0.333 when the true loss
  is 4.667. On the notes' data it still creeps to 2 (1.99899 after 100 epochs,
  shrink factor 0.933 per epoch instead of 0.067), because sample 1 alone also
  says `w = 2`. With `y = [2, 4, 7]` the correct loop reaches the least-squares
  answer `w* = sum(x y) / sum(x^2) = 31/14 = 2.2143`; the buggy one still goes
  to `y_0 / x_0 = 2`, ignoring the other samples. The lesson runs both.
- **"Batch GD converges slowly."** The notes' own plot cannot show it either
  way: it gives batch GD a learning rate of 0.1 and the others 0.01. At those
  rates batch GD needs the fewest epochs here (2; error x 0.067 per epoch), for
  the larger rate alone. At the same 0.01 it needs the most (48 epochs against
  15.7 for SGD and 19 for mini-batch), because it makes one update per epoch.
  On big data batch GD is slow for both reasons: each update costs a pass over
  all N samples, and an epoch buys a single update.
- **"SGD's loss fluctuates on its way to 0."** On this data it does not: the
  loss on all samples falls at every single update. The fluctuation in the
  notes' plot comes from recording each update's loss on a different sample.
  (On noisy data, where samples disagree, SGD does jitter around the optimum
  with a constant learning rate.)
- The notes' plots put SGD's 300 losses against their epoch number, three
  points stacked on each epoch; plot against update step or fractional epoch.
"""

from nnlessons import LessonInfo, Option, hookimpl


@hookimpl
def nnlessons_lesson_info() -> LessonInfo:
    return LessonInfo(
        id="gd-variants",
        title="Batch, stochastic and mini-batch gradient descent",
        summary="Fit y = w x to three points with three batch sizes and compare their updates, speed and loss curves.",
        concepts=("gradient descent", "SGD", "mini-batch", "learning rate"),
        cpu_seconds=2,
        options=(
            Option("epochs", int, 100, "Passes over the three samples, for every variant.", min=1, max=1_000),
            Option("batch_lr", float, 0.1, "Learning rate of batch GD (diverges at 3/14 = 0.214 or more).", min=1e-6, max=1.0),
            Option("sgd_lr", float, 0.01, "Learning rate of stochastic GD (one sample per update).", min=1e-6, max=1.0),
            Option("minibatch_lr", float, 0.01, "Learning rate of mini-batch GD.", min=1e-6, max=1.0),
            Option("equal_lr", float, 0.01, "One learning rate for all three variants, for the comparison at equal rates.",
                   min=1e-6, max=1.0),
            Option("batch_size", int, 2, "Samples per update in mini-batch GD (3 = batch GD, 1 = SGD).", min=1, max=3),
            Option("w0", float, 1.0, "Starting weight.", min=-100.0, max=100.0),
            Option("shuffle", bool, False, "Shuffle the samples every epoch (the notes use a fixed order)."),
        ),
        order=10,
        cpu_threads=1,  # three-element tensors: extra threads only add overhead
    )


@hookimpl
def nnlessons_run(ctx):
    from nnlessons_gd_variants.lesson import run

    return run(ctx)


@hookimpl
def nnlessons_exercises():
    from nnlessons_gd_variants.exercises import EXERCISES

    return EXERCISES
