r"""SGD, Momentum, AdaGrad, RMSprop and Adam race on one problem, from one start, on the same batches.

## The idea

Every optimizer gets the same thing each step, the gradient `g = dL/dw` of the
mini-batch loss for every weight `w`, and turns it into a step. Plain SGD steps
straight down the gradient. The others keep running statistics of past gradients
and use them to choose a better step: Momentum averages the *direction*, AdaGrad
and RMSprop scale each weight's step by the *size* of its recent gradients, and
Adam does both.

A comparison is only fair if the update rule is the *only* difference. So this
lesson builds one network, deep-copies it once per optimizer (it prints the largest
difference between the copies: 0), and in each step feeds the *same* mini-batch to
every optimizer before moving on to the next batch.

## The set-up (from the course notes)

```
data      x: 1000 points evenly spaced in [-1, 1]
          y = x^2 + 0.1 * e,   e ~ N(0, 1)
net       1 -> 20 -> 1, ReLU in between
loss      MSE
training  lr 0.01 for everyone, batch 32, 12 epochs
          1000 / 32 = 31 full batches + one of 8 -> 32 steps per epoch, 384 steps
```

## The update rules

`w` is one weight, `g` its gradient this step, `t` the step number (1, 2, ...).
Every state variable (`v`, `G`, `E`, `m`) starts at 0. These are the forms PyTorch
implements; step 3 of the run re-implements each one by hand and checks it against
`torch.optim` on the same batches (the largest difference is about 1e-7, float32
rounding, while the weights move by 0.06 to 0.33 in those 25 steps).

**SGD**

```math
w \leftarrow w - \eta \cdot g \qquad \eta = \text{lr}
```

**Momentum** (`mu = 0.8`)

```math
\begin{aligned}
v &\leftarrow \mu \cdot v + g \\
w &\leftarrow w - \eta \cdot v
\end{aligned}
```

**AdaGrad** (`eps = 1e-10`)

```math
\begin{aligned}
G &\leftarrow G + g^2  && \text{(a sum: it only grows)} \\
w &\leftarrow w - \eta \cdot g / (\sqrt{G} + \varepsilon)
\end{aligned}
```

**RMSprop** (`alpha = 0.9`, PyTorch default 0.99; `eps = 1e-8`)

```math
\begin{aligned}
E &\leftarrow \alpha \cdot E + (1 - \alpha) \cdot g^2 \\
w &\leftarrow w - \eta \cdot g / (\sqrt{E} + \varepsilon)
\end{aligned}
```

**Adam** (`beta1 = 0.9`; `beta2 = 0.99`, PyTorch default 0.999; `eps = 1e-8`)

```math
\begin{aligned}
m       &\leftarrow \beta_1 \cdot m + (1 - \beta_1) \cdot g \\
v       &\leftarrow \beta_2 \cdot v + (1 - \beta_2) \cdot g^2 \\
\hat{m} &= m / (1 - \beta_1^t)  && \text{bias correction: m and v start at 0} \\
\hat{v} &= v / (1 - \beta_2^t) \\
w       &\leftarrow w - \eta \cdot \hat{m} / (\sqrt{\hat{v}} + \varepsilon)
\end{aligned}
```

How to read them:

- **Momentum.** If `g` stayed the same, `v` would grow to `g / (1 - mu)`, so the
  step becomes `lr / (1 - mu) = 5 * lr` along directions where the gradient keeps its
  sign, while gradients that flip sign from batch to batch cancel out in `v`.
- **AdaGrad** divides by the root of the *sum* of all squared gradients so far:
  weights with big gradients get small steps and rare, small-gradient weights get
  large ones. Because `G` never shrinks, each weight's effective learning rate
  `lr / sqrt(G)` only goes down.
- **RMSprop** replaces AdaGrad's sum with a leaky average over roughly the last
  `1 / (1 - alpha) = 10` steps, so the effective learning rate stops shrinking. While
  a gradient keeps about the same size, `g / sqrt(E)` is about +-1 whatever that size
  is: each weight moves by about `lr` per step.
- **Adam** is RMSprop's denominator plus a momentum-like average `m` on top.
  Because `m` and `v` start at 0, they are too small during the first steps (after
  one step `m = 0.1 * g`), and `v`, which forgets more slowly, stays too small for
  longer. The bias correction divides both biases out; without it the step would be
  `(1 - beta1^t) / sqrt(1 - beta2^t)` times the corrected one: about 2 around step 10
  with these betas, far more with PyTorch's default `beta2 = 0.999`.

## An optimizer of your own

`torch.optim.Optimizer` does the bookkeeping every optimizer shares, so a new
one only writes its update. A subclass calls `super().__init__(params, defaults)`
with a dict of its hyper-parameters; the base class then keeps

- `self.param_groups`: a list of dicts, one per *parameter group*, each with its
  `"params"` and its hyper-parameters. `Adam([{"params": body}, {"params": head,
  "lr": 1e-4}], lr=1e-3)` gives the head its own learning rate; a group takes the
  default for every hyper-parameter it does not set. A scheduler changes
  `group["lr"]` between steps, so `step()` reads the group at every step, never a
  copy kept from `__init__`.
- `self.state`: a dict per parameter, `self.state[p]`, empty until the
  parameter's first update. Everything the rule carries from step to step (`v`,
  `G`, `E`, `m`, and Adam's step count `t`) belongs there: `state_dict()` saves
  exactly `self.state` and `self.param_groups`, and `load_state_dict()` restores
  them, so an optimizer loaded from a checkpoint goes on where the saved one
  stopped. A counter kept as `self.t` is lost, and one shared counter is wrong:
  `t` is the number of updates *this* parameter has had.
- `zero_grad()`, inherited: it sets every `p.grad` to None.

`step()` then loops over the groups and their parameters. A parameter whose
`.grad` is None (frozen, or not used in this forward pass) is skipped: it does not
move and its state is not touched; with Adam, treating it as a zero gradient would
still move it, because `m` keeps its momentum. The update runs under
`torch.no_grad()` (as a decorator, `@torch.no_grad()`): it changes leaf tensors
in place (`p.sub_(...)`), which autograd refuses to record, and it must not build
a graph. It leaves `p.grad` alone and works on new tensors (`g = p.grad +
weight_decay * p`): the gradient belongs to the training loop. With a *closure*,
`step(closure)` first calls it (with autograd on) to recompute the loss and
returns that loss.

State is the optimizer's own. `state["v"] = g` stores the gradient tensor itself:
in a training loop `g` is `p.grad`, which the next `backward()` adds to in place,
so the "velocity" changes behind the optimizer's back; build a new tensor
(`momentum * v + g`) or copy (`g.clone()`). Create state like the parameter,
`torch.zeros_like(p)`: `torch.zeros(p.shape)` is float32 even for a float64
parameter, and a float32 running sum rounds at every step.

**Weight decay.** `torch.optim.Adam(weight_decay=wd)` is L2 regularisation: it adds
`wd * p` to the gradient before the averages, so the decay is divided by
`sqrt(v_hat)` like the gradient. `AdamW` decouples it instead, shrinking the weight
by `lr * wd * p` outside the averages; the two differ from the first step on.

## The noise floor

Even the true curve `x^2` has a mean squared error on this data: the variance of
the noise, about `0.1^2 = 0.01`. The lesson computes it (0.0106 with seed 0) and draws
it as a dashed line. A loss near the floor means the fit is done; going below it
would mean fitting the noise.

## What to look at in the output

1. **Rule check**: each hand-written rule matches `torch.optim`, `same? True`.
2. **Results table**: final and best loss *on all 1000 points* after each step
   (not the noisy loss of one mini-batch), and the first step at which each
   optimizer's loss is at most `--threshold` (0.02, about twice the floor). In a
   default run with seed 0, RMSprop and Adam get there in 50-60 steps (under two
   epochs), Momentum after about 300, SGD and AdaGrad not within 12 epochs.
   Plain SGD is not broken, only slow at lr 0.01: with `--optimizers sgd --lr 0.1`
   it gets there after about 150 steps.
3. **Repeats table**: the whole race again with new initial weights and batch
   order. It shows how much of a ranking is luck; use `--repeats 10` for more.
4. **loss_curves.png**: left, each optimizer's mini-batch loss (faint) and its moving
   average; right, the loss on all the data after every step. RMSprop's curve has
   spikes near the floor: it keeps taking steps of about `lr` even when the
   gradient is tiny, so it jitters around the minimum. Adam's momentum averages
   the noisy directions away and it settles.
5. **fits.png**: what each net learned. A ReLU net is piecewise linear; the slow
   optimizers still have a shallow V instead of a parabola.

## Pitfalls

- **Different starting weights.** Creating one net per optimizer with `Net()`
  gives each its own random weights; then you compare initialisations, not
  optimizers. Create one and `copy.deepcopy` it.
- **One race, one seed.** Small differences between good optimizers change
  from seed to seed. Repeat before you rank.
- **The same lr does not mean the same speed.** SGD moves a weight by `lr * g`,
  RMSprop and Adam by about `lr`. Learning rates are tuned per optimizer.
- **Judging by the last mini-batch loss.** It is one noisy sample of 32 points.
  Smooth it, or measure on all the data.
- **Momentum in other books** is written `u <- mu * u - lr * g; w <- w + u`. With a
  fixed learning rate it gives the same weights as PyTorch's form (`u = -lr * v`;
  the rule check includes it as "textbook form"); the two differ once the learning
  rate changes during training.
- **Forgetting `optimizer.zero_grad()`**: gradients then add up over steps.
- **RMSprop without `(1 - alpha)`.** `E <- alpha * E + g^2` is not an average: it grows
  to about `g^2 / (1 - alpha)`, ten times `g^2` with `alpha = 0.9`, so every step is
  about three times too small.

## Where the course notes are wrong

- The notes create four nets with four separate `Net()` calls, so every optimizer
  starts from *different* random weights, and call that a comparison. Here all
  start from one set of weights (difference printed: 0).
- AdaGrad is listed among the methods but never run. Here it is.
- The notes call RMSprop an upgraded Momentum and Adam an upgraded RMSprop.
  RMSprop has no momentum at all (PyTorch's `momentum=0` by default): it descends
  from AdaGrad, with a leaky average instead of a growing sum. Adam combines a
  momentum-style average of `g` with RMSprop's average of `g^2` and adds bias
  correction.
- From one plot they conclude that Adam does a little worse than RMSprop, so a
  newer optimizer is not always better. That rests on one run, with different
  starting weights, judged by the loss of the last mini-batch. The general
  lesson is right, the evidence is not: measured on all the data, RMSprop's final
  loss jumps around (best 0.0110 but final 0.0234 with seed 0), and over the
  repeats Adam ends lower than RMSprop in most races (2 of 3 with seed 0).
- Their `DataLoader(..., num_workers=2)` starts two worker processes just to hand
  out slices of a tensor that is already in memory (the dataset-dataloader lesson
  measures what workers cost). This lesson indexes the tensors directly.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from nnlessons import LessonInfo, Option, hookimpl
from nnlessons.memory_budget import FLOAT32_BYTES, INT64_BYTES, check_fits, largest_fitting
from nnlessons_optimizers.names import parse_names

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext

#: Bytes one optimizer's step adds to the run: its two loss histories and their points in the plot
#: (about 200 measured; twice that to be safe).
STEP_RECORD_BYTES = 400


@hookimpl
def nnlessons_lesson_info() -> LessonInfo:
    return LessonInfo(
        id="optimizers",
        title="Optimizers compared",
        summary="Five optimizers train copies of one net on the same batches; loss curves, fits and a ranking over repeats.",
        concepts=("SGD", "momentum", "AdaGrad", "RMSprop", "Adam", "fair comparison"),
        cpu_seconds=15,
        cpu_threads=1,  # tiny nets: a second thread only adds overhead
        options=(
            Option("optimizers", str, "sgd,momentum,adagrad,rmsprop,adam",
                   "Comma-separated optimizers to race: sgd, momentum, adagrad, rmsprop, adam."),
            Option("lr", float, 0.01, "Learning rate, the same for every optimizer.", min=1e-6, max=1.0),
            Option("momentum", float, 0.8, "Momentum coefficient mu of SGD with momentum.", min=0.0, max=0.999),
            Option("rms_alpha", float, 0.9, "RMSprop's decay alpha of the mean squared gradient.", min=0.0, max=0.9999),
            Option("adam_beta1", float, 0.9, "Adam's decay of the gradient mean.", min=0.0, max=0.9999),
            Option("adam_beta2", float, 0.99, "Adam's decay of the squared-gradient mean.", min=0.0, max=0.9999),
            Option("n_points", int, 1000, "Points x evenly spaced in [-1, 1].", min=8, max=10_000),
            Option("noise", float, 0.1, "Standard deviation of the noise added to y = x^2.", min=0.0, max=10.0),
            Option("hidden", int, 20, "Hidden units of the 1 -> hidden -> 1 ReLU net.", min=1, max=4096),
            Option("batch_size", int, 32, "Mini-batch size.", min=1, max=10_000),
            Option("epochs", int, 12, "Passes over the data.", min=1, max=30, quick=3),
            Option("repeats", int, 3, "Races in all (each extra one with new initial weights and batch order).",
                   min=1, max=20, quick=2),
            Option("threshold", float, 0.02, "Loss on all data that counts as 'reached' in the results table.",
                   min=0.0, max=100.0),
            Option("smoothing", float, 0.9, "Weight of the moving average drawn over the mini-batch losses.",
                   min=0.0, max=0.999),
        ),
        order=30,
    )


@hookimpl
def nnlessons_check_params(params: Mapping[str, Any]) -> None:
    """Known names in --optimizers, and a run that fits in memory.

    A --batch-size above --n-points is allowed: like a DataLoader, the one batch then holds every point.
    """
    optimizers = len(parse_names(params["optimizers"]))
    check_fits(peak_memory_bytes(params, optimizers), f"--n-points {params['n_points']} with --batch-size "
               f"{params['batch_size']}, --hidden {params['hidden']} and --epochs {params['epochs']}",
               what_fits(params, optimizers))


def peak_memory_bytes(params: Mapping[str, Any], optimizers: int) -> float:
    """Bytes of the run's largest tensors and records at once.

    Activations: a training step's graph holds about 3 (batch x hidden) float32 arrays, the loss on all
    points 2 (points x hidden); one at a time. The batch orders are one int64 per point per epoch, and
    every step leaves `STEP_RECORD_BYTES` per optimizer. The nets and their optimizer state are under a
    megabyte even at --hidden 4096.
    """
    n, epochs = params["n_points"], params["epochs"]
    batch = min(params["batch_size"], n)
    activations = FLOAT32_BYTES * params["hidden"] * max(3 * batch, 2 * n)
    steps = epochs * -(-n // batch)
    return activations + INT64_BYTES * epochs * n + STEP_RECORD_BYTES * optimizers * steps


def what_fits(params: Mapping[str, Any], optimizers: int) -> str:
    """The most --epochs that fit with the other values kept (the per-step records grow with them)."""
    epochs = largest_fitting(lambda e: peak_memory_bytes({**params, "epochs": e}, optimizers), 1, params["epochs"])
    if epochs is None:
        return "use fewer --n-points or --hidden units"
    return f"with the other values kept, --epochs {epochs} or less fits, or a larger --batch-size"


@hookimpl
def nnlessons_run(ctx: RunContext) -> dict[str, Any]:
    from nnlessons_optimizers.lesson import run  # torch is imported only when the lesson runs

    return run(ctx)


@hookimpl
def nnlessons_exercises():
    from nnlessons_optimizers.exercises import EXERCISES

    return EXERCISES
