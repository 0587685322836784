r"""A network trained by hand: four tensors, `backward()`, and updates you write yourself.

## The idea

Before `nn.Linear` and `torch.optim`, a network is just tensors that
`require_grad`. You compute the prediction with matrix products, compute the
loss, call `loss.backward()` so autograd fills every tensor's `.grad`, move each
tensor a little against its gradient, and clear the gradients for the next round.
This lesson does exactly that to predict a day's temperature, checks the
gradients three ways, and then does the same job the short way.

## The data

One row per day with the course notes' columns: `year`, `month`, `day`,
`week` (weekday name), `temp_2` and `temp_1` (the temperature two days and one
day before), `average` (the long-run average for that date), `actual` (the
label) and `friend` (a friend's guess). The weekday is one-hot encoded into 7
columns, `actual` is removed, which leaves **14 features**; each feature is
standardised to mean 0 and standard deviation 1.

By default the days are generated (°F, `t` = day of year), deterministically
from the seed:

```math
\begin{aligned}
\text{average}(t) &= 62 - 15 \cos(2 \pi (t - 15) / 365.25) && \text{coldest mid-January} \\
a(t)              &= 0.75 a(t-1) + e(t), \quad e(t) \sim \text{Normal}(0, 4^2) && \text{weather persists for days} \\
\text{actual}(t)  &= \text{round}(\text{average}(t) + a(t)) \\
\text{temp}_1(t)  &= \text{actual}(t-1), \quad \text{temp}_2(t) = \text{actual}(t-2) \\
\text{friend}(t)  &= \text{round}(\text{average}(t) + u(t)), \quad u(t) \sim \text{Uniform}(-20, 20)
\end{aligned}
```

348 days from 1 January 2016 (`--days`). The shock `e(t)` cannot be predicted
from anything in the row, so **no model can expect an error below about
16 °F² (4²) on unseen days**; the comparison table shows the generator's own
rule, `average(t) + 0.75 (temp_1 - average(t-1))`, as that floor. With
`--csv PATH` the lesson reads your file instead (those nine columns; other
columns are ignored; weekday names such as Mon, Tues or Thursday).

A random 20 % of the days (`--holdout`) are kept out of training, and the
standardisation statistics come from the training days only.

## The network and the update

```
hidden      = relu(x.mm(weights) + biases)        (N, 14) x (14, 128) -> (N, 128)
predictions = hidden.mm(weights2) + biases2       (N, 128) x (128, 1) -> (N, 1)
loss        = mean((predictions - y)^2)           y has shape (N, 1) too
```

`weights` is 14x128, `biases` 128, `weights2` 128x1, `biases2` 1: 2,049 numbers,
all drawn from `torch.randn` as in the notes. Each of the 1,000 iterations uses
all training days (full batch):

```
loss.backward()                      # adds dL/dt into t.grad for all four tensors
with torch.no_grad():                # the update itself must not be recorded
    t -= lr * t.grad                 # lr = 0.001, as in the notes
    t.grad.zero_()                   # or the next backward() adds on top
```

Step 2 also tries the update *outside* `torch.no_grad()` and prints autograd's
refusal: a leaf tensor that requires grad cannot be changed in place while
autograd is watching.

## Why the gradients are zeroed

`backward()` **adds** into `.grad`. Step 3 takes the same two steps from the
same start twice. With zeroing, `.grad` at step 2 is step 2's gradient; without
it, `.grad` holds step 1's gradient plus step 2's (the table shows the largest
entry of each tensor, and the max |difference| from the sum, which is 0). Train
like that for 1,000 iterations and every update replays the whole history of
gradients: the loss jumps around and stays far above the zeroed run (the second
table and the orange curve in `loss_curves.png`). Try `--lr 0.002`: the zeroed
run still trains (to a lower loss), while the never-zeroed one overflows within
about 40 iterations and the loop stops.

## Backpropagation by hand and the gradient check

With `z = x w + b`, `h = relu(z)`, `p = h w2 + b2` and `L = mean((p - y)^2)`
over `B` rows, the chain rule gives, from the output back:

```math
\begin{aligned}
\partial L/\partial p   &= 2 (p - y) / B                            && (B, 1) \\
\partial L/\partial w_2 &= h^T \cdot \partial L/\partial p          && (128, 1) \\
\partial L/\partial b_2 &= \sum_{\text{rows}} \partial L/\partial p && (1,) \\
\partial L/\partial h   &= \partial L/\partial p \cdot w_2^T        && (B, 128) \\
\partial L/\partial z   &= \partial L/\partial h \odot (z > 0)      && \text{relu lets the gradient through only where } z > 0 \\
\partial L/\partial w   &= x^T \cdot \partial L/\partial z          && (14, 128) \\
\partial L/\partial b   &= \sum_{\text{rows}} \partial L/\partial z && (128,)
\end{aligned}
```

Step 4 computes these on 8 training days in float64 and compares them with
autograd and with central finite differences,
`(L(t + eps) - L(t - eps)) / (2 eps)` for every one of the 2,049 entries
(`eps = 1e-5`). The formulas match autograd to round-off and finite differences
to about 1e-7, against gradients in the hundreds (`grad_check_max_abs_diff` in
run.json). Row 0 of `weights` always gets a zero gradient: it multiplies the
`year` feature, which is the same every day and so is 0 after standardising.

## The short way

The same 14 -> 128 -> 1 network as `nn.Sequential(nn.Linear, nn.ReLU, nn.Linear)`,
`nn.MSELoss`, `torch.optim.Adam`, and shuffled mini-batches of 16 days: the
loop is `zero_grad`, `backward`, `step`. (The code behind the notes puts a
sigmoid in this version; ReLU is kept here so both networks are the same
function.) The notes use Adam's default
`lr = 0.001` for 1,000 epochs. The label is in °F around 62 and is not
standardised, and Adam moves each weight by roughly `lr` per step, so at 0.001
the network needs many epochs just to reach the right level: after 30 epochs its
held-out error is still several times that of `lr = 0.003` (the tests check
this). This lesson uses `lr = 0.003` (`--adam-lr`) for 100 epochs, a tenth of
the notes' epochs; the held-out error has flattened by then (see its table).

## What to look at in the output

- **The by-hand table**: the training loss falls from about 4,900 (random
  weights) to under 10, while the held-out loss stops near 27, no better
  than just forecasting the `average` column. A training MSE below the noise
  floor of ~16 means the network memorised noise of the training days:
  2,049 standard-normal weights, 278 days, nothing to stop it.
- **The comparison table**: the `average` column alone, the generator's rule
  (the floor), the hand-trained network, and Adam, on training and held-out
  days. At the defaults Adam ends closest to the floor on held-out days.
- **`predictions.png`**: actual temperature over the dates with both networks'
  predictions; held-out days are circled.
- **`loss_curves.png`**: left, the hand-written loop with and without zeroing
  (and the held-out loss of the zeroed run); right, Adam per epoch.

## Pitfalls

- **Forgetting `zero_grad`**: gradients accumulate; training goes wrong without
  any error message.
- **Labels of shape (N,) against predictions of shape (N, 1)**:
  `predictions - y` broadcasts to (N, N), every day's prediction against every
  day's label, and the "loss" is silently wrong (step 7: about 248 instead of
  8.6). Keep the labels (N, 1), or compare `predictions.squeeze(1)`.
- **Judging by the training loss**: hold days out, and fit the standardisation
  on the training days only.
- **Constant columns**: a feature with standard deviation 0 (`year`) turns into
  NaN if you divide by its std; divide by 1 instead (as scikit-learn does).
- **Starting far away**: standard-normal weights and an unscaled label give a
  first loss in the thousands; a too-large `lr` then diverges at once.

## Where the notes are wrong

- **"for循环batchsize(1000)次"**: 1,000 is the number of iterations, not a
  batch size. Every iteration uses all the rows; the batch size there is the
  whole data set.
- **"input_size: the total number of samples"**: `input_size` is the number of
  input features (14), the width of the first layer. The number of samples
  never appears in a layer's shape.
- **"384 rows"**: the notes say the features have 384 rows and 14 columns; the
  temperature file that tutorial loads has 348 rows (the 14 is right).
- **`predictins = hiddenmm(weights2) + biases2`**: two typos; it is
  `predictions = hidden.mm(weights2) + biases2`.
- **Updating through `.data`**: `weights.data.add_(-lr * weights.grad.data)`
  works, but `.data` hides the change from autograd, which then cannot warn you
  when a tensor it still needs was overwritten. Write the update under
  `torch.no_grad()`, as this lesson does.
- **`losses.append(loss.data.numpy())`** fails as soon as the loss lives on a
  GPU (`.numpy()` needs a CPU tensor); `loss.item()` works on any device.
- **The label shape**: the code the notes follow makes the labels with
  `np.array(features['actual'])`, a 1-D array of 348 values, while the
  predictions are (348, 1); their `torch.mean((predictions - y) ** 2)` then
  broadcasts to (348, 348) exactly as in the pitfall above, and the loss it
  prints is not the mean squared error.
- **No held-out data**: the notes only look at the training loss, which
  hides that the hand-trained network here is no better than the `average`
  column on days it has not seen.
"""

from pathlib import Path

from nnlessons import LessonInfo, Option, hookimpl
from nnlessons.csv_input import given_path


@hookimpl
def nnlessons_lesson_info() -> LessonInfo:
    return LessonInfo(
        id="manual-grad",
        title="A network trained by hand",
        summary="Predict daily temperatures with four hand-made tensors and hand-written updates, check the gradients, then do it the short way.",
        concepts=("autograd", "backward()", "zeroing gradients", "gradient check", "backpropagation", "Adam", "standardisation"),
        cpu_seconds=15,
        options=(
            Option("csv", Path, None, "CSV with columns year, month, day, week, temp_2, temp_1, average, actual, friend "
                   "(empty or left out: generated data)."),
            Option("days", int, 348, "Days of generated data (ignored with --csv).", min=30, max=3650),
            Option("holdout", float, 0.2, "Fraction of days held out to test on.", min=0.05, max=0.5),
            Option("hidden", int, 128, "Hidden units of both networks.", min=1, max=1024),
            Option("iterations", int, 1000, "Full-batch iterations of the hand-written loop.", min=1, max=10_000, quick=100),
            Option("lr", float, 0.001, "Learning rate of the hand-written loop.", min=1e-6, max=1.0),
            Option("adam_epochs", int, 100, "Epochs of the nn.Sequential + Adam run.", min=1, max=300, quick=10),
            Option("adam_lr", float, 0.003, "Learning rate of Adam (the notes use 0.001; see the lesson).", min=1e-6, max=1.0),
            Option("batch_size", int, 16, "Mini-batch size of the Adam run.", min=1, max=4096),
        ),
        order=20,
        cpu_threads=1,  # 278 x 14 x 128 matrices: a second thread costs more than it saves
    )


@hookimpl
def nnlessons_check_params(params):
    """A bad --csv is refused here, before the run makes its folder (the run reads the file again)."""
    path = given_path(params["csv"])
    if path is not None:
        from nnlessons_manual_grad.weather_csv import read_weather_rows  # no torch, no pandas

        read_weather_rows(path)


@hookimpl
def nnlessons_run(ctx):
    from nnlessons_manual_grad.lesson import run

    return run(ctx)


@hookimpl
def nnlessons_exercises():
    from nnlessons_manual_grad.exercises import EXERCISES

    return EXERCISES
