r"""Train a convolutional network on MNIST: LeNet-5 and a small modern CNN, train() against eval(), learned filters.

## The idea

`mnist-mlp` flattens a digit into 784 numbers and gives every hidden unit its own weight for
every pixel: nothing in the network knows that two pixels are neighbours, and a stroke learned
in one place has to be learned again one pixel to the left. A convolution keeps the picture.
A small filter (5 x 5 in LeNet, 3 x 3 in the modern network) slides over the image and computes
the same weighted sum at every position. Two consequences, the two reasons the notes give for
CNNs:

- **local connectivity**: each output looks at a small patch of the input;
- **weight sharing**: the same few weights are used at every position, so a filter that
  responds to a stroke responds to it wherever it is, and a layer needs far fewer weights.

Max pooling then keeps the largest value of each 2 x 2 block: the maps get four times smaller
and a feature may move by a pixel without changing the result much. Stacking
convolution, ReLU and pooling two or three times turns 28 x 28 pixels into a few hundred
numbers that say which strokes are where, and a Linear layer reads the digit from those.

The lesson trains two such networks on the same digits:

- **LeNet-5** (LeCun, Bottou, Bengio and Haffner, 1998), the network note 003 draws, in its
  **modern variant**: ReLU instead of the scaled tanh, max pooling instead of trained average
  subsampling, every second-layer filter reading all six first-layer maps, and a Linear layer
  with cross-entropy instead of the original's Gaussian (RBF) output units. Step 1 prints what
  the original had. 61,706 parameters.
- **A small modern CNN**: three blocks of 3 x 3 convolution, BatchNorm and ReLU, each followed by
  max pooling (28 -> 14 -> 7 -> 3), then Dropout and one Linear layer; trained on digits shifted
  at random by up to 2 pixels (light augmentation). 29,178 parameters, less than half of LeNet's.

## The steps

The first two steps need no data: they run on four digits the lesson draws itself
(`nnlessons.drawn_digit`), so they print and plot the same on a machine without MNIST, where
the run then stops with exit code 2 and the data layer's message naming the missing files.

1. both networks before any data: their layer tables on a batch `(4, 1, 28, 28)`, LeNet's
   shapes set against note 003's, what the original LeNet-5 had, the parameters by formula, and
   what the first convolution is given: the standardised background, an unbatched image, and
   PyTorch's own error for a batch that lacks its channel;
2. `train()` against `eval()`: BatchNorm and Dropout on the drawn digits, every formula below
   computed by hand and compared with PyTorch;
3. MNIST from the cache: training, validation and test digits, moved to the device once;
4. training both networks, one progress bar each, the validation accuracy after every epoch, then
   both networks on their own training digits against the validation digits (the gap);
5. the test digits, measured once: test accuracy, the confusion matrix, the pairs of digits mixed
   up most often (counted in this run, ties marked) and a grid of the misclassified digits;
6. how far training moved every convolution, with each layer's receptive field, and the first
   layer's filters and feature maps of one real test digit, untrained and trained;
7. the trained CNN tested in `train()` and in `eval()` mode;
8. `mnist-mlp`'s and `lstm-mnist`'s networks trained on the same digits with their own
   lessons' default recipes: parameters, recipe, test accuracy and seconds per epoch of all four
   (`--no-compare` skips the two extra trainings). The recipes differ (epochs, schedule, shifts),
   so the table compares each network with its recipe, not architectures alone;
9. the summary: every claim with the number that backs it.

## Three splits: what each is for

The `generalization` lesson measures why a choice must not look at the digits it is reported on;
this lesson follows its rule:

- **train** (`--train-images`, 10,000): a seeded random part of MNIST's training file, the only
  digits a gradient sees;
- **validation** (`--val-images`, 2,000): another part of the same permutation, no image in both.
  The run measures it after every epoch, and the recipe (epochs, learning rate, schedule) was
  chosen on validation digits (see the defaults below);
- **test** (`--test-images`, 10,000): MNIST's test file, measured once, after training (step 5),
  for the weights training ended with. Nothing is chosen on it.

## The maths

A convolution layer with weights `W` of shape `(C_out, C_in, k, k)`, bias `b`, padding `p`:

```math
\begin{aligned}
y_{o,i,j} &= b_o + \sum_{c=1}^{C_{in}} \sum_{u=0}^{k-1} \sum_{v=0}^{k-1} W_{o,c,u,v}\; x_{c,\; i+u-p,\; j+v-p} \\
n_{out} &= \left\lfloor (n_{in} + 2p - k) / s \right\rfloor + 1 && \text{stride } s \\
\text{parameters} &= C_{out}\,(C_{in}\,k^2 + 1)
\end{aligned}
```

LeNet's first layer has `padding=2`: it sees the 28 x 28 digit as the original's 32 x 32 input,
so the shapes are LeNet's (the original drew the digit on a 32 x 32 background instead). The
padding adds zeros to the **standardised** digit, where a blank pixel is `(0 - 0.1307) / 0.3081`,
not 0: the frame is brighter than the paper. Step 1 computes the value; the networks learn with
the frame, and padding before standardising (`F.pad` of the raw pixels) would give background.
The shapes: `(32 - 5) + 1 = 28`, pooled to 14, `(14 - 5) + 1 = 10`, pooled to 5.
After the second pooling there are **16 maps of 5 x 5** (16@5x5), 400 numbers for the first
Linear layer. The small CNN keeps the size with `padding=1` and halves it by pooling: 28, 14, 7,
then `floor(7 / 2) = 3` (pooling drops the last row and column), so 64 maps of 3 x 3 = 576.

BatchNorm normalises each channel with statistics taken over the batch and every position
(`n = B * H * W` numbers per channel), then scales and shifts with two trained vectors:

```math
\begin{aligned}
\hat{x} &= (x - \mu_B) / \sqrt{\sigma_B^2 + \epsilon}, \qquad y = \gamma\,\hat{x} + \beta
  && \mu_B, \sigma_B^2 \text{: the batch's mean and biased variance (divided by } n\text{)} \\
\text{running\_mean} &\leftarrow (1 - m)\,\text{running\_mean} + m\,\mu_B && m = 0.1 \\
\text{running\_var} &\leftarrow (1 - m)\,\text{running\_var} + m\,\sigma_B^2\, n / (n - 1) && \text{the unbiased variance}
\end{aligned}
```

In `train()` mode BatchNorm normalises with the batch's `mu_B` and `sigma_B^2` and updates the
running statistics; in `eval()` mode it normalises with `running_mean` and `running_var` and
changes nothing. Dropout with probability `p`, element by element:

```math
\text{train(): } y_i = m_i\, x_i / (1 - p),\quad m_i \sim \text{Bernoulli}(1 - p),\quad \mathbb{E}[y_i] = x_i
\qquad\qquad \text{eval(): } y_i = x_i
```

Scaling the kept values by `1 / (1 - p)` during training keeps every value's expectation, so
evaluation needs no correction and simply passes the input through.

Both networks train with Adam and a **one-cycle** learning rate: over the first 30 % of the
steps it climbs from `lr / 25` to `lr` (`--lr`, 0.003), then it anneals along a cosine to
almost 0 (`torch.optim.lr_scheduler.OneCycleLR`). The large middle steps cover ground, the
small last ones settle the weights. `OneCycleLR` also cycles Adam's `beta1` the other way (its
`cycle_momentum=True` default): down from 0.95 to 0.85 while the learning rate climbs, back up to
0.95 as it anneals; step 4 prints both ranges from the schedule itself. The small CNN's training digits are each moved by a random
shift of up to `--shift` pixels (2) in x and y, a new shift every epoch, the uncovered border
filled with background: the network never sees the same picture twice and has to recognise the
strokes wherever they are. The test digits are never shifted.

## Why BatchNorm makes train() and eval() matter

With BatchNorm, a digit's output in `train()` mode depends on the other digits of its batch
(their statistics normalise it); in `eval()` mode it depends on the digit alone. Step 2 computes
each formula above on the drawn digits and compares it with PyTorch: the train-mode output with
the batch statistics, the running statistics after one step, the eval-mode output with the
running statistics, and, after 300 passes over the same batch, running statistics equal to the
batch's mean and unbiased variance. Step 7 runs the trained CNN on test digits in both modes and
prints the largest difference between a digit's logits computed alone and in a batch: in
`eval()` mode it is float rounding, in `train()` mode the answer changes with the batch (and
with dropout's random draw). Forgetting `model.eval()` before testing gives the `train()` column.

The convolutions before BatchNorm have no bias (`bias=False`): BatchNorm subtracts each channel's
mean right after them, which removes any constant the convolution adds, and its `beta` is the
shift that remains.

## Defaults, and how fast they are

The default recipes were chosen on validation digits with the repository's `benchmarks/mnist.py`,
which splits the official MNIST test set into 8,000 training and 2,000 test digits and cuts the
8,000 once more into 6,400 to train and 1,600 to validate. Every recipe of a small grid (5, 6 or 8
epochs, peak learning rate 0.003 or 0.006, batches of 64 or 128, one-cycle against a constant
rate) trains on the 6,400 and is measured on the 1,600; the best validation accuracy is kept, and
only then is the chosen recipe trained on all 8,000 and tested once on the 2,000. With seed 0 the small CNN's best was 8 epochs, batches of 128, one-cycle up
to 0.006: 99.00 % of the 1,600 validation digits, one digit ahead of three recipes at 98.94 %
(differences that small are noise, not a ranking), in 12.5 s of CPU time for 6,400 digits on one
thread; the same recipe in the channels-first layout took about 1.6 times the CPU time. These are
the lesson's defaults (`--epochs 8 --batch-size 128 --lr 0.006`), and LeNet-5 trains with the same
options; LeNet's own best in the grid was 8 epochs, batches of 64, one-cycle to 0.006 (98.75 %).
Trained on all 8,000 and tested once on the 2,000, the small CNN ended at 98.70, 98.65 and 98.90 %
(seeds 0, 1, 2) after 14.8 to 15.8 s of CPU time on one thread (as little wall-clock time on an
idle core; more on a busy machine), and LeNet-5 with its own best recipe at 98.20 % after 6.6 s:
below the validation accuracy that chose them.

By default the lesson uses a seeded random 10,000 of the 60,000 training images, 2,000 more for
validation and all 10,000 test images (`--train-images`, `--val-images`, `--test-images`);
`--quick` uses 300, 100 and 200 for 2 epochs. The loop does each piece of work once: the pixels
are standardised once per run, not once per step, the shifts of an epoch are drawn in one call,
and both networks run in the channels-last memory layout, which PyTorch's CPU convolutions and
BatchNorm run faster in (the benchmark's grid measures the default both ways).

The lesson runs on **one CPU thread** (`--threads N` chooses another count). These layers are
small; two threads could be faster on an idle machine, but beside any other busy program they
wait for each other. `benchmarks/threads.py` ran this lesson's defaults (then with 8 epochs) on
8,000 real training digits on a 2-core machine shared with other work: 96 s on one thread and
510 s on two (64 and 385 s of CPU time), and beside one more busy core 217 s against 1,028 s. With a GPU
(`--device cuda`) the CPU threads hardly matter.

## What to look at in the output

- **Step 1**: the layer tables (watch the shapes shrink and the channels grow), the row of
  note 003's shapes where it says 6@5x5 and PyTorch gives 16@5x5, and `lenet_shapes.png`: the
  drawn 7 through the untrained LeNet, stage by stage.
- **Step 2**: the differences between PyTorch and the formulas (around 1e-7: float rounding), the
  large difference between the train- and eval-mode outputs after one pass, and the share of
  values Dropout set to 0 next to `p`.
- **Step 4**: both networks' loss and validation accuracy per epoch and `training.png`; then the
  table of each trained network on its own training digits and on the validation digits. A
  training loss far below the validation loss is the over-fitting `generalization` measures: the
  run prints which network has the larger gap. `augmented_digits.png` shows a few training
  digits and their shifted copies.
- **Step 5**: `confusion_matrix.png` (the diagonal is right, the red cells are mistakes), the
  table of the pairs mixed up most often in this run, and `misclassified_digits.png` with the
  model's probability for its wrong answer: could you read those digits yourself? With a few
  hundred mistakes or fewer, many pairs share a count of 2 or 3: the table marks such ties, whose
  order is only the tie-break and says nothing about which pair is harder.
- **Step 6**: the table of how far training moved each convolution,
  `||W_trained - W_start|| / ||W_start||`, next to the layer's receptive field (the square of input
  pixels one unit can see: a first-layer unit of the small CNN sees 3 x 3 pixels, a piece of a
  stroke, its third convolution 18 x 18, most of a digit; the run computes them from the kernels
  and strides). `first_layer_lenet.png` and `first_layer_cnn.png` draw the first layer's filters
  and feature maps, untrained and trained, on a zero-centred scale with colorbars. Random filters
  already have positive and negative sides, and the run prints how little the first layer moved:
  the two rows can look nearly alike. The evidence that the network learned is its accuracy and
  the deeper layers' change, not the look of the first filters.
- **Step 7**: the two modes' accuracy and the alone-versus-batch differences.
- **Step 8**: the four networks side by side, and `comparison.png`: accuracy against size, each
  point labelled with its recipe. The recipes differ, so the figure is not architecture against
  architecture.
- **Summary**: every claim with its number.

## Pitfalls

- Testing without `model.eval()`: BatchNorm normalises with the test batch's own statistics
  and Dropout keeps dropping. With large mixed batches the accuracy may hardly move; one digit
  at a time (step 7), or a batch of only one kind of digit, it can be far off.
- `Conv2d` wants `(B, C, H, W)`: MNIST tensors are `(N, 28, 28)` and need `unsqueeze(1)` for the
  channel. Since PyTorch 1.11 a convolution also accepts an unbatched `(C, H, W)` input, so a batch
  `(64, 28, 28)` fed to `Conv2d(1, ...)` is read as one image with 64 channels and fails (step 1
  runs it and prints PyTorch's message); fed to a layer with 64 input channels it would silently run.
- A convolution bias right before BatchNorm is wasted (see above).
- Dropout's `p` is the probability to **drop**; some older APIs take the probability to keep.
- `F.dropout(x, p)` defaults to `training=True`: inside a module use `nn.Dropout` (it follows
  `train()` and `eval()`) or pass `training=self.training`.
- Augment the training digits only; the test digits show how well the network does on real ones.
- Choosing epochs or a learning rate by the test accuracy makes the test accuracy optimistic:
  choose on validation digits, and look at the test digits once (`generalization` measures the cost).
- Training BatchNorm on batches of one image gives statistics of that one image: keep batches
  large enough to be a fair sample (64 here).

## Where the notes are wrong

- Note 003 writes LeNet's shapes as 32 -> 6@28x28 -> 6@14x14 -> 16@10x10 -> **6@5x5**. Pooling
  keeps every channel: after the second pooling there are **16@5x5**, 400 numbers (step 1 prints
  both, and the claim is checked).
- Note 003's structure ends with "full connection -> full connection -> Gaussian connection": the
  Gaussian (RBF) output units belong to the 1998 network; a modern LeNet ends with a Linear layer
  and cross-entropy, as here.
- Note 003 draws the feature maps of `Conv2d(1, 32, 5)` on a digit as if they showed what a CNN
  sees, but its layer is freshly made: the filters are random, and the maps are the digit mixed at
  random. Its input is also a JPEG read with `plt.imread` (pixels 0..255, three colour channels)
  reshaped with `reshape([-1, 1, 28, 28])`, which turns the colour channels into extra "images".
  Step 6 shows the same kind of pictures for a real test digit scaled like the training data,
  before and after training, and measures how little the first layer's filters change.
- Note 003 says a plain (BP) network "cannot move, cannot deform" to follow a shifted digit. An MLP
  can learn shifted digits (`mnist-mlp` reads MNIST well), but it must learn each position
  separately; a convolution shares one filter across positions. Nor is a CNN fully
  shift-invariant: pooling only tolerates small moves, which is why training on shifted digits
  still helps.

## Exercises

`nnlessons practice cnn-mnist`: BatchNorm2d by hand in both modes, with its running statistics;
dropout with its `1 / (1 - p)` scaling; the small CNN built from its layer table, which gives only
each layer's output shape and parameter count (the kernel sizes, the padding, the missing biases
and the pooling window follow from them and the formulas above); the confusion matrix and the
most-confused pairs. Each is checked against PyTorch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nnlessons import LessonInfo, Option, hookimpl
from nnlessons.mnist import data_dir_option, download_option
from nnlessons_cnn_mnist.recipes import DEFAULT_BATCH_SIZE, DEFAULT_DROPOUT, DEFAULT_EPOCHS, DEFAULT_LR, DEFAULT_SHIFT

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext


@hookimpl
def nnlessons_lesson_info() -> LessonInfo:
    return LessonInfo(
        id="cnn-mnist",
        title="Train a CNN on MNIST",
        summary="LeNet-5 and a small modern CNN (3x3 convs, BatchNorm, Dropout, shifts), recipes chosen on validation and "
                "the test digits measured once; train() vs eval(), filters before and after, the MLP and the LSTM.",
        concepts=("CNN", "LeNet-5", "BatchNorm", "Dropout", "train() vs eval()", "data augmentation",
                  "one-cycle learning rate", "confusion matrix", "learned filters"),
        cpu_seconds=90,
        needs_download=True,
        options=(
            data_dir_option(),
            download_option(),
            Option("train_images", int, 10_000, "Training images (a seeded random part of the 60,000).",
                   min=10, max=60_000, quick=300),
            Option("val_images", int, 2_000, "Validation images, drawn from the training file with the training images "
                   "and disjoint from them.", min=1, max=30_000, quick=100),
            Option("test_images", int, 10_000, "Test images (the first N of the 10,000), measured once after training.",
                   min=10, max=10_000, quick=200),
            Option("epochs", int, DEFAULT_EPOCHS, "Passes over the training images, for both CNNs.", min=1, max=100, quick=2),
            Option("batch_size", int, DEFAULT_BATCH_SIZE, "Images per training step.", min=1, max=1024),
            Option("lr", float, DEFAULT_LR, "Adam's peak learning rate (one-cycle schedule).", min=1e-6, max=1.0),
            Option("dropout", float, DEFAULT_DROPOUT, "Dropout probability before the small CNN's last layer.",
                   min=0.0, max=1.0, max_open=True),
            Option("shift", int, DEFAULT_SHIFT, "Augmentation: move each training digit by up to this many pixels "
                   "(0 = off).", min=0, max=6),
            Option("compare", bool, True, "Also train mnist-mlp's and lstm-mnist's default models on the same digits."),
        ),
        order=85,
        cpu_threads=1,
    )


@hookimpl
def nnlessons_run(ctx: RunContext) -> dict[str, Any]:
    from nnlessons_cnn_mnist.lesson import run  # torch and matplotlib load only now

    return run(ctx)


@hookimpl
def nnlessons_exercises():
    from nnlessons_cnn_mnist.exercises import EXERCISES

    return EXERCISES
