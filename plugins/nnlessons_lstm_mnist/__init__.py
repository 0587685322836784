r"""An LSTM reads a handwritten digit one row at a time, and learns to name it.

## The idea

A recurrent network reads a sequence one step at a time and carries a *state* from
step to step. An MNIST digit is 28 rows of 28 pixels, so we can treat it as a
sequence: 28 time steps, each step one row (a vector of 28 numbers). After the
last row, the network's state has seen the whole digit, and a Linear layer turns
it into 10 class scores. This is the **N-to-1** shape of recurrent network: many
inputs, one output.

The model is the notes' model:

```
images (B, 28, 28)  ->  LSTM(input 28, hidden 100, batch_first)  ->  output (B, 28, 100)
output[:, -1, :] (B, 100)  ->  Linear(100, 10)  ->  logits (B, 10)
```

`batch_first=True` means the batch is dimension 0 and time is dimension 1; without
it PyTorch expects `(28, B, 28)`. The LSTM also returns `(h_n, c_n)`, each of
shape `(1, B, 100)`: the hidden and cell state after the last row (the leading 1 is
layers x directions). For one layer in one direction, `output[:, -1, :]` *is*
`h_n[0]`; the lesson computes both and prints their difference (0).

## The LSTM cell and its four gates

A plain RNN squeezes everything into `h_t = tanh(W x_t + U h_(t-1) + b)`, and
back-propagation through time (BPTT) multiplies the gradient by that Jacobian once
per step, so over 28 steps it tends to vanish: the early rows are forgotten. The
LSTM adds a second state, the cell `c_t`, that is updated by *addition*, gated:

```math
\begin{aligned}
z &= W_{ih} x_t + b_{ih} + W_{hh} h_{t-1} + b_{hh} && \text{400 numbers: four gates at once} \\
i &= \sigma(z_{0:100}) && \text{input gate: how much new content to write} \\
f &= \sigma(z_{100:200}) && \text{forget gate: how much of the old memory to keep} \\
g &= \tanh(z_{200:300}) && \text{the candidate content} \\
o &= \sigma(z_{300:400}) && \text{output gate: how much of the memory to show} \\
c_t &= f \odot c_{t-1} + i \odot g \\
h_t &= o \odot \tanh(c_t)
\end{aligned}
```

Here σ is the sigmoid and ⊙ is element-wise multiplication (`*` on tensors).

That is why every LSTM weight has `4 x 100 = 400` rows: `weight_ih_l0` is
`400 x 28` (row pixels to the gates), `weight_hh_l0` is `400 x 100` (previous
hidden state to the gates), and there are two bias vectors of 400 (PyTorch keeps
two, `bias_ih` and `bias_hh`, for compatibility with cuDNN; their sum is what
matters). Total: `4 * (100*28 + 100*100 + 2*100) + (100*10 + 10) = 53,010`
parameters. The lesson writes the equations above as a loop and checks that it
gives the same outputs as `nn.LSTM` (max abs difference around 1e-7).

## Step 1 runs without the data: the model on drawn digits

Shapes, gates and parameters do not depend on what the pixels show, so the lesson starts
with them before it loads MNIST: on a machine without MNIST and without a network, step 1
still runs in full, and only then does the lesson stop and say which files are missing.
Its input is a batch of four digits (0, 1, 3, 7) that the lesson draws itself from pen
strokes (`nnlessons.drawn_digit`): 28 x 28 like MNIST, scaled like the training data, a
tensor `(4, 28, 28)`. On it the lesson prints the shape of every tensor, runs the three
checks (the last step is `h_n`; the gate equations by hand equal `nn.LSTM`; no
`batch_first` runs silently with other numbers), and the parameter table.

Then it looks at how the (still untrained) LSTM reads a digit. `lstm_reads_rows.png` has
one block per drawn digit: the image, whose row `t` is the input of time step `t`; next to
it `h_t`, the 100 hidden units after each step, drawn with the same vertical axis, so row
`t` of the image lines up with the state after reading it; and how far the state moves at
each step, `||h_t - h_(t-1)||`. The weights are random, yet the mechanics show. Over the
blank top rows the state settles quickly. When the strokes arrive it jumps. Along the
straight stem of the 1, where the same row comes again and again, the state settles again
(to 0.004 per step with seed 0), and it jumps back up when the foot of the 1 arrives: `h_t`
depends on the rows read so far, and a row just like the last one changes it little. A
table gives, per digit, the biggest move and the smallest move on a row with ink. Training
(step 4) is what makes these states useful: different for different digits by the last row.

## The data, and why there is no DataLoader here

MNIST comes from the core data layer (`nnlessons.mnist`): torchvision's files,
cached in `~/.cache/nnlessons/data` (change it with `--data-dir` or
`NNLESSONS_DATA_DIR`), downloaded once with their checksums verified. Without
internet, put the four files in `<data dir>/MNIST/raw/` yourself and add
`--no-download`; the error message says which files and where to get them.

The images become one float tensor `(N, 28, 28)` and the labels one `(N,)`
tensor, moved to the device **once**. A training batch is `images[index]`, where
`index` is a slice of a seeded `torch.randperm(N)`: one indexing operation on the
device. A `DataLoader` over a per-sample `Dataset` would call Python once per
image, stack the images on the CPU and copy every batch to the device again; for
a dataset that fits in memory that is pure overhead (the `dataset-dataloader`
lesson measures it).

## Three splits: what each one is for

One seeded permutation of MNIST's 60,000 training images is cut into two parts
that share no image (the run prints their overlap, 0):

- **train** (`--limit-train`, 10,000): the only digits a gradient ever sees;
- **validation** (`--limit-val`, 2,000): measured after every epoch. The accuracy
  per epoch in the training table and in `loss_curve.png` is this one: read how
  many epochs help, or compare recipes (`--optimizer`, `--lr`, ...), on it.

The **test** digits (`--limit-test`, all 10,000 of the test file) are measured
once, after training, in step 5: nothing is chosen or compared on them, so their
accuracy is an honest estimate for digits the network has never seen.

By default the lesson trains for 6 epochs: well under a minute on a laptop CPU.
`--quick` uses 300 training, 100 validation and 200 test images. A limit above
what the data holds uses all of it (training and validation share the training
file in the proportion asked); one line says so, and `run.json` and the re-run
command record the numbers used.

## Why the notes' recipe learns so slowly, and what the default does instead

The notes train with plain SGD, learning rate 0.01, batches of 32, for 20 epochs.
SGD moves each weight by `lr * gradient`. At the start an LSTM's gradients are
small (about 0.03 to 0.09 per weight tensor here: the gates squash their inputs and
the signal has to come back through up to 28 steps), so with lr 0.01 the first step
moves all 53,010 weights together by about 0.0015. Step 3 of the output measures
that, and then runs the notes' recipe for 150 steps from the same weights: its loss
stays at `ln 10 = 2.30`, the loss of a model that still guesses, while the default
recipe is down to about 0.35 after the same 150 steps. On 8,000 training images the
notes' recipe is still barely above chance (10 to 14 % test accuracy) after 30
seconds, about ten epochs; it does get going eventually, which is why the notes
needed 20 epochs of 60,000 images.

Adam divides each weight's gradient by a running estimate of that gradient's own
size, so every weight moves by about `lr` per step whatever the gradient's scale:
its first step is hundreds of times larger. The default recipe:

- **Adam, lr 0.003**: steps of a useful size from the first batch.
- **Batches of 64**: half as many optimizer steps per epoch as 32, each a little
  less noisy, and on a CPU a batch of 64 costs much less than two batches of 32.
- **Gradient clipping at norm 1** (`clip_grad_norm_`): recurrent networks now and
  then produce one huge ("exploding") gradient that throws a fast-learning run off
  course; clipping caps the length of any single step.
- **Standardised pixels** `(x/255 - 0.1307) / 0.3081`: inputs with mean 0 and
  standard deviation 1 instead of mostly-zero values in [0, 1]; in our tuning runs
  on real digits this gave one to four points of test accuracy in the first epochs.
- **One CPU thread** (`--threads N` chooses another count): the LSTM multiplies
  small matrices (64 x 100 by 100 x 400) 28 times per batch. On an otherwise idle
  2-core CPU two threads are a little faster (about 11 ms per step against 14 ms on
  one; `benchmarks/mnist.py` prints both), but beside any other busy program they
  wait for each other: `benchmarks/threads.py` measured the default run on a 2-core
  machine shared with other work at 19 s on one thread and 143 s on two, and beside
  one more busy core at 33 s against 229 s.

With this recipe, on 8,000 real training digits, the test accuracy passes 96 % after
about 5 epochs, roughly 10 to 20 seconds on a 2-core CPU (the repository's
`benchmarks/mnist.py` measures it, next to the notes' recipe given the same time).
The notes' recipe is still available: `--optimizer sgd --lr 0.01 --batch-size 32
--clip 0 --no-normalize --epochs 20`.

## What to look at in the output

1. Before any data: the shape table for a batch of four drawn digits, the three checks
   (the last step of the output equals `h_n`; the gate equations written by hand equal
   `nn.LSTM`; the same weights without `batch_first` run without complaint and give other
   numbers), the parameter count per tensor and the formula that predicts it, and
   `lstm_reads_rows.png` with its table of how far `h_t` moves per row. Without MNIST
   the run stops after this step with exit code 2 and the message naming the files.
2. The data table: shapes, float32 on your device, pixel mean and std.
3. The first-step table: gradient norm per tensor and how far each recipe's first
   step moves it.
4. One progress bar per epoch, then a table per epoch (train loss, validation
   accuracy, seconds), then the race table: the loss of both recipes after the same
   number of steps. `loss_curve.png` shows the loss of every batch and of every
   epoch, the validation accuracy per epoch, and the race.
5. The test digits, measured once: the accuracy per digit and `confusion_matrix.png`: the largest cells off the
   diagonal show which digits get mixed up. Which pairs they are depends on the
   run (the seed, the images, the epochs), so the lesson reads them off this run's
   matrix and names the three largest, with how many test images each took.
   `test_digits.png` shows test digits with both labels, mistakes in red.
   `lstm_output.png`: the 100 hidden units (vertical) over the 28 rows
   (horizontal) for one test digit, in the trained and in the untrained model.
   Trained: over the blank top rows the units hold a steady "nothing yet" pattern;
   when the strokes arrive the pattern changes row by row, and by the last rows many
   units sit near -1 or +1. The last column is all the Linear layer sees. Untrained:
   small values that react only faintly when the strokes arrive.
   Finally the saved `state_dict`, loaded into a fresh model, gives the same logits.

## Pitfalls

- Feed `(B, 28, 28)` with `batch_first=True`, or `(28, B, 28)` without it. Forget
  `batch_first=True` and nothing fails: a `(B, 28, 28)` batch is read as B time steps
  of 28 sequences, and the output even has the same shape `(B, 28, 100)`. Only the
  numbers are wrong, because the network now mixes the images of the batch. Step 1
  of the output computes this (third check).
- Evaluate under `torch.no_grad()` (and `model.eval()`): the notes call the
  network on all 10,000 test images with autograd on, which keeps the graph of
  28 steps x 10,000 images in memory for nothing.
- Raw pixels 0..255 saturate every sigmoid and tanh gate: scale them.

## Where the notes are wrong

- The "draw the LSTM output" example feeds a JPEG read with `plt.imread` straight
  into the LSTM: the pixels are 0..255 (not scaled), an RGB JPEG reshaped with
  `reshape(-1, 28, 28)` becomes three scrambled "images", and the LSTM is
  untrained, so the picture shows random weights, not what the network learned.
  Here the picture uses a real test digit, scaled, through the trained model, with
  the untrained one beside it for comparison.
- The training loop prints "the loss of the last batch" as the epoch's loss: one
  batch of 32 is noise. The table here shows the mean over all batches.
- The test accuracy is computed with autograd on over the whole test set (see
  Pitfalls), and the evaluation code is pasted twice.
- A comment calls `Linear(100, 10)` a hidden layer; it is the output layer.
  Another calls the reshape "the form a convolution layer accepts"; it is for the LSTM.
- The recipe (SGD lr 0.01, batch 32) is so slow to start that it needs many epochs
  of the full 60,000 images; a few epochs of Adam on a sixth of them do better (see
  above, and step 3 of the output).

## Exercises

`nnlessons practice lstm-mnist`: one step of the LSTM cell written out from the equations above
(the weights are stored `(4H, D)`, so the products use their transposes); the parameter count of
an LSTM layer and of the whole classifier; and the row-reading classifier built from its
specification (the layers, their output shapes and parameter counts). Each is checked against
PyTorch on seeded random digits; none needs MNIST.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from nnlessons import LessonInfo, Option, hookimpl
from nnlessons.memory_budget import FLOAT32_BYTES, check_fits, largest_fitting
from nnlessons.mnist import data_dir_option, download_option
from nnlessons_lstm_mnist.recipes import DEFAULT_EPOCHS, DEFAULT_RECIPE

#: Numbers the LSTM keeps per image, row and hidden unit for the backward pass (gates, cell states and their
#: activations; 15.7 measured with torch 2.14 on the CPU).
SAVED_PER_HIDDEN_UNIT = 16
ROWS, HIDDEN = 28, 100  # model.ROWS and model.HIDDEN (model.py imports torch)


@hookimpl
def nnlessons_lesson_info() -> LessonInfo:
    return LessonInfo(
        id="lstm-mnist",
        title="LSTM on MNIST",
        summary="An LSTM reads each digit row by row: shapes, gates, a fast recipe vs the notes' slow one, 96 %+ accuracy.",
        concepts=("LSTM", "gates", "BPTT", "N-to-1 RNN", "Adam vs SGD", "gradient clipping", "on-device batches"),
        cpu_seconds=30,
        needs_download=True,
        options=(
            data_dir_option(),
            download_option(),
            Option("limit_train", int, 10_000, "Training images (a seeded random part of the 60,000, none of them a "
                   "validation image).", min=10, max=60_000, quick=300),
            Option("limit_val", int, 2_000, "Validation images, from the same permutation of the training file: "
                   "measured after every epoch.", min=10, max=30_000, quick=100),
            Option("limit_test", int, 10_000, "Test images (the first N of the 10,000), measured once after training.",
                   min=10, max=10_000, quick=200),
            Option("epochs", int, DEFAULT_EPOCHS, "Passes over the training images.", min=1, max=100, quick=4),
            Option("optimizer", str, DEFAULT_RECIPE.optimizer, "Optimizer (the notes use sgd).", choices=("adam", "sgd")),
            Option("lr", float, DEFAULT_RECIPE.lr, "Learning rate (the notes use 0.01 with sgd).", min=1e-6, max=10.0),
            Option("batch_size", int, DEFAULT_RECIPE.batch_size, "Images per batch (the notes use 32).", min=1, max=10_000),
            Option("clip", float, DEFAULT_RECIPE.clip, "Clip the gradient norm to this value; 0 = no clipping (the notes).",
                   min=0.0, max=1000.0),
            Option("normalize", bool, DEFAULT_RECIPE.normalize,
                   "Standardise pixels with MNIST's mean 0.1307 / std 0.3081 (--no-normalize: x/255 as in the notes)."),
            Option("compare_steps", int, 150, "Batches of the notes' recipe run from the same start, to compare.",
                   min=1, max=500, quick=20),
        ),
        order=90,
        cpu_threads=1,  # steady under load; two threads collapse beside a busy core (benchmarks/threads.py)
    )


@hookimpl
def nnlessons_check_params(params: Mapping[str, Any]) -> None:
    """Refuse a --batch-size whose backward pass, with the images on the device, would not fit in memory.

    More training and validation digits than the training file holds are not refused: the run shares the file
    between them in the proportion asked and records the numbers used.
    """
    batch = largest_fitting(lambda b: peak_memory_bytes({**params, "batch_size": b}), 1, params["batch_size"])
    check_fits(peak_memory_bytes(params), f"--batch-size {params['batch_size']} with --limit-train {params['limit_train']}",
               f"with these --batch-size {batch} or less fits" if batch else "use fewer --limit-train images")


def peak_memory_bytes(params: Mapping[str, Any]) -> float:
    """A training batch's saved activations plus the images as float32, twice (scaled, then standardised)."""
    batch = min(params["batch_size"], params["limit_train"])
    activations = FLOAT32_BYTES * SAVED_PER_HIDDEN_UNIT * HIDDEN * ROWS * batch
    images = 2 * FLOAT32_BYTES * ROWS * ROWS * (params["limit_train"] + params.get("limit_val", 0) + params["limit_test"])
    return activations + images


@hookimpl
def nnlessons_run(ctx: Any) -> dict[str, Any]:
    from nnlessons_lstm_mnist.lesson import run  # torch is imported only when the lesson runs

    return run(ctx)


@hookimpl
def nnlessons_exercises():
    from nnlessons_lstm_mnist.exercises import EXERCISES

    return EXERCISES
