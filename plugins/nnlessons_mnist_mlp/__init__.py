r"""A fully connected network (784 -> 256 -> 10) that reads handwritten digits: the baseline for MNIST.

## The idea

An MNIST image is 28 x 28 grey pixels. Flatten it into a vector of `28 * 28 = 784` numbers and
a plain multi-layer perceptron can classify it: one hidden layer of 256 units with ReLU, then 10
outputs, one score per digit 0..9. No convolutions, no notion that neighbouring pixels belong
together: the network sees 784 unrelated inputs. The test accuracy it reaches, printed once at the
end of the run, is the baseline every later model (a CNN, the LSTM of `lstm-mnist`) has to beat.

The lesson runs in eight steps, each printed under its own heading. The first three need no
data: they run on four digits (0, 1, 3, 7) that the lesson draws itself, so they print and plot
the same on a machine without MNIST or a network, where the run then stops at step 4 with exit
code 2 and a message naming the missing files.

1. the network before any data: how a 28 x 28 image becomes 784 inputs, the layers and their
   parameter count, and what one hidden unit computes;
2. the same network written with `torch.nn.functional` and as an `nn.Module`;
3. why `CrossEntropyLoss` takes logits, not probabilities;
4. load MNIST from the cache (downloaded once, checksums verified by torchvision), as training,
   validation and test digits;
5. the notes' image-folder pipeline: write a few digits as PNG files, one folder per class, and
   read them back with `ImageFolder`, `transforms` and a `DataLoader`;
6. training with Adam and the five-step loop, judged on the validation digits after every epoch;
7. the notes' version (softmax inside the network) from the same start: what the second softmax does
   to the loss, to the gradient, to Adam's steps and to plain SGD's, measured on the validation digits;
8. the test digits, once: the trained network's accuracy, and softmax probabilities of a few of them.

## Three splits: what each one is for

MNIST comes as a training file (60,000 digits) and a test file (10,000). One seeded permutation of
the training file is cut into two parts that share no image (the run prints their overlap, 0):

- **train** (`--train-images`, 55,000): the only digits a gradient ever sees;
- **validation** (`--val-images`, 5,000): measured after every epoch, and the digits every
  comparison in the lesson is made on: how the epochs go (step 6), logits against the notes'
  softmax (step 7). Choose epochs, a learning rate or a width on them, never on the test digits.

The **test** digits (`--test-images`, 10,000, from the test file) are measured once, after
training, in step 8: nothing is chosen or compared on them, so their accuracy is an honest estimate
for digits the network has never seen. The `generalization` lesson measures what looking at the
test digits to choose would cost. When the data holds fewer images than asked, training and
validation share what there is in the proportion asked, and the run says so.

## Before any data: 784 inputs, and a hidden unit is a 28 x 28 template

The shapes and the arithmetic of the network do not depend on what the pixels show, so the lesson
starts with them, on a batch `(4, 28, 28)` of digits drawn from pen strokes by
`nnlessons.drawn_digit` (pixels in [0, 1] like MNIST's bytes / 255, standardised too under
`--normalize`). Drawn, not handwritten: good for shapes and checks, not for accuracy.

`nn.Flatten()` turns each image into one row of 784 numbers: row 0 of the image, then row 1,
and so on, so pixel `(r, c)` lands at position `28 * r + c`. The lesson checks this for every
pixel of the batch, checks that it equals `x.reshape(4, 784)`, and that a batch shaped
`(4, 1, 28, 28)` (with the channel dimension `ImageFolder` gives, step 5) flattens to the same
numbers. `flattened_digit.png` shows the drawn 7 above its 784 numbers in a line, with one
image row boxed in the picture and shaded in the line. In the line, neighbours above and below
in the image are 28 positions apart: nothing tells the network that they were close, and it
would learn just as well if every image's pixels were shuffled the same way.

Then the layer table (shapes and parameters per layer, for the batch of drawn digits) and the
parameter count against the formula below. Each of the 256 hidden units holds one row of `W1`:
784 weights, one per pixel, which can be drawn as a 28 x 28 picture, a *template*. The unit's
value is `sum(template * image) + bias`, then ReLU. The lesson computes that for the first four
units on the drawn 7 and compares it with what `nn.Linear` gives (the same up to float
rounding). `hidden_unit_templates.png` shows the four templates, and below each one
`template * image`, the part each pixel adds; the sum plus the bias is the number in the title.
Untrained, the templates are noise (uniform in `+-1/sqrt(784) = +-0.036`): which units a digit
switches on is chance. Training reshapes the templates until the units that fire say something
about the digit.

## The maths

For a batch of `B` images flattened to `x` of shape `(B, 784)`:

```math
\begin{aligned}
h &= \mathrm{relu}(x W_1^\top + b_1) && W_1: (256, 784),\ b_1: (256),\ h: (B, 256) \\
z &= h W_2^\top + b_2 && W_2: (10, 256),\ b_2: (10),\ z: (B, 10) \text{ the logits} \\
p_k &= \exp(z_k) / \sum_j \exp(z_j) && \text{softmax: probabilities, rows sum to 1} \\
\text{loss} &= \text{mean}_{\text{batch}} (-\log p_y) = \text{mean}_{\text{batch}} (-z_y + \log \sum_j \exp(z_j)) && \text{cross-entropy, } y = \text{true digit}
\end{aligned}
```

In PyTorch: `h = relu(x @ W1.T + b1)` and `z = h @ W2.T + b2`, which is what `nn.Linear` computes.

Parameters: `784*256 + 256 + 256*10 + 10 = 203,530`. The lesson prints the same count from
PyTorch (`--hidden` changes 256; the formula follows).

## Logits for the loss, softmax for people

`nn.CrossEntropyLoss` (and `F.cross_entropy`) computes `-z_y + log(sum_j exp(z_j))` from the raw
scores `z` itself: it contains the log-softmax. Step 3 computes the same loss three ways
(`CrossEntropyLoss`, `NLLLoss` of `log_softmax`, and `-log softmax(z)[y]` by hand), on the
untrained network and the drawn digits, and prints the differences (0 up to float rounding).

So the network must end with the last `Linear`, and the loss gets the logits. If you put a
`Softmax` layer at the end and feed its output to `CrossEntropyLoss`, the loss applies a second
softmax to numbers that are already between 0 and 1. Step 7 measures what that does, from the same
starting weights on the same batches.

**The loss floor.** The best such a loss can ever do, for a perfectly confident correct answer
`p = (1, 0, ..., 0)`, is

```math
-1 + \log(e + 9) = 1.4612\ldots \quad \text{(instead of 0)}
```

so the loss stops saying how well the network fits: the run's lowest batch loss stays above this
floor (computed and checked), and `loss.png` draws it as a dashed line.

**The gradient.** The gradient reaching the weights is squashed by the second softmax's slope,
`p (1 - p)` for one probability. At the start, when all ten probabilities are near 0.1, that is
near `0.1 * (1 - 0.1) = 0.09`, so the gradient is about ten times smaller (the run computes both at
the same starting weights). Where a probability is near 0 or 1 the slope is near 0: for a digit
the network is sure is the *wrong* class, cross-entropy of the logits pushes back with a gradient of
norm about `sqrt(2)`, and the softmax version with almost none (the run computes both, for one
logit vector 0.9996 sure of the wrong digit): a confident mistake is hardly corrected.

**Who notices depends on the optimizer.** Plain SGD steps by `lr * gradient`, so a gradient ten
times smaller is a step ten times smaller. Adam divides each step by a running average of the
gradient's own size, so a gradient scaled down as a whole gives the same step. The run measures
both first steps from the same start, then trains both networks with Adam for one epoch and with
plain SGD (lr 0.1) for 300 steps (one epoch if that is fewer), and prints the validation accuracy
of each pair with a sentence saying which was ahead and by how many points. Read the size of the
damage off your run; the loss floor and the gradients above hold whatever the data.

When you want probabilities, to show them or to threshold them, apply
`torch.softmax(logits, dim=1)` after the model, as step 8 does. Softmax keeps the order of the
scores, so the predicted digit is the same either way (checked on every test image).

## Two ways to write the same network

`torch.nn.functional` holds stateless functions: `F.linear(x, W, b)`, `F.relu`,
`F.cross_entropy`, `F.softmax`. You pass every weight in; nothing is remembered between calls.
An `nn.Module` owns its weights: `nn.Linear(784, 256)` creates and initialises `W1` and `b1`,
registers them so `model.parameters()` finds them for the optimizer, moves them with
`model.to(device)`, saves them in `model.state_dict()`, and switches behaviour with
`model.train()` / `model.eval()` for layers such as dropout.

Step 2 copies the module's four weight tensors into plain tensors, runs both versions on the
same four drawn digits and compares the logits and the gradients of the loss: identical (the max abs
differences are printed; they are 0, or float rounding on other devices). When to use which:

- layers with weights: `nn.Module` (`nn.Linear`, `nn.Conv2d`), so the weights are found, moved
  and saved for you;
- operations without weights (ReLU, softmax, the loss): either; `F.relu(x)` in `forward` is
  as good as an `nn.ReLU()` attribute, which only shows up in printed layer tables;
- weights you manage yourself (tying two layers, trying a weight update by hand, meta-learning):
  the functional form, which takes the weights as arguments.

## The five-step training loop

```
outputs = model(images)            # 1. forward           (64, 28, 28) -> (64, 10)
loss = loss_fn(outputs, labels)    # 2. loss              one number
loss.backward()                    # 3. backward          d loss / d every weight, added into .grad
optimizer.step()                   # 4. step              Adam updates every weight from its .grad
optimizer.zero_grad()              # 5. zero              else the next backward adds to old gradients
```

`backward` *adds* into `.grad`. Zeroing must happen between one `step` and the next `backward`:
at the end of the loop (as here and in the notes' list) or at its start (as many tutorials do)
are the same thing.

## A whole epoch, and the numbers it reports

Around those five steps a training loop has a frame, and most silent bugs live there:

- **Modes.** `model.train()` before the training batches, `model.eval()` before evaluating.
  Dropout drops only in train mode, and batch norm normalises with the batch's statistics (and
  updates its running ones) only in train mode. Evaluation leaves the model in eval mode, so the
  next epoch must switch it back: call `model.train()` at the start of every epoch, not once
  before the loop.
- **No graph in evaluation.** Evaluate inside `with torch.no_grad():`. Without it every
  evaluation batch records a graph that is never used (memory and time), and nothing warns you.
- **Averages per sample.** `CrossEntropyLoss` returns the *mean* over its batch. The epoch's
  loss is the mean over every sample, so add `loss.item() * batch_size` and divide by the
  number of samples; the mean of the batch means weighs a short last batch (2 samples, say) as
  much as a full one. Accuracy likewise: count the right predictions over the whole loader,
  then divide by the number of samples. `.item()` turns the 0-d loss into a Python number and
  lets go of its graph; keeping the tensor in a running sum keeps every batch's graph alive.
- **Predictions of shape (B,).** `logits.argmax(dim=1)` gives one digit per image. With
  `keepdim=True` it is `(B, 1)`, and comparing that with labels `(B,)` broadcasts to a
  `(B, B)` table of every prediction against every label: a wrong count, and no error.
- **The device.** A `DataLoader` yields batches in CPU memory. Move each one with
  `images.to(device)`, `labels.to(device)` before the forward pass; on a GPU, a batch left on
  the CPU stops the run with "Expected all tensors to be on the same device".

The lesson's own loop (step 6) slices batches from tensors already on the device instead of a
`DataLoader` (see below); the frame is the same. The `training-loop` exercise asks for this frame
over `DataLoader`s: `nnlessons practice mnist-mlp`.

## From a folder of PNGs to a batch: ImageFolder

Real image data usually arrives as files. `torchvision.datasets.ImageFolder(root, transform)`
treats each sub-folder of `root` as one class: the class names are the folder names, **sorted**,
and the label is the position in that sorted list. The lesson writes digits from MNIST into
`digits/0/ ... /9/` of a temporary folder of its own (removed when the run ends, so the run
folder holds only plots and `run.json`) and reads them back with

```
transforms.Compose([transforms.Grayscale(num_output_channels=1), transforms.ToTensor()])
DataLoader(dataset, batch_size=64, shuffle=True)
```

Look at the first batch: images `[64, 1, 28, 28]` (batch, channel, height, width), floats in
[0, 1], and 64 labels. `ImageFolder` opens every file as RGB; without `Grayscale(1)` each image
would be `[3, 28, 28]` (printed). `ToTensor` divides the bytes by 255; the lesson reads every PNG
back and checks the pixels equal the MNIST bytes / 255 exactly, and the labels equal the MNIST
labels.

## Why training does not use a DataLoader here

Opening, decoding and converting one PNG per sample is Python work for every image of every
epoch. Indexing a tensor that is already in memory is one operation per batch. MNIST's pixels
take 55 MB as bytes (47 MB for the 60,000 training images, 7.8 MB for the 10,000 test images;
step 4 prints the size of what it loaded), so both splits fit in memory.
The data layer loads each split as one tensor, the lesson moves it to the device **once**
(`images` `(N, 28, 28)` float32 in [0, 1], labels `(N,)`), and each mini-batch is a slice
`images[index]` with `index` taken from a seeded random permutation. No per-sample Python, no copy
to the device per batch. The `dataset-dataloader` lesson measures the difference properly.

The lesson runs on one CPU thread (`--threads N` chooses another count). On an idle 2-core CPU two
threads make a training step of this network faster (about 1.8 ms against 2.8 ms on one), but as
soon as another program keeps a core busy the two threads wait for each other, and a step gets
several times slower. `benchmarks/threads.py` runs the lesson's defaults (on 8,000 real training
digits) both ways: on a 2-core machine shared with other work it measured 21 s on one thread and
61 s on two, and beside one more busy core 24 s against 108 s. One thread gives up a little on an
idle machine and never collapses. With a GPU (`--device cuda`) the CPU threads hardly matter.

`--normalize` additionally standardises pixels with the training mean and standard deviation,
`(x - 0.1307) / 0.3081`. The default keeps [0, 1], the same values the ImageFolder pipeline gives;
compare the two test accuracies yourself.

Step 5 times both routes on the same images in batches of 64: the PNG files through
`ImageFolder` and a `DataLoader`, and `images[index]` on the tensor. A single timing of a few
dozen images mostly measures noise (a thread waking up, another program on the machine), so both
run on one CPU thread, after a warm-up, as the best of 5 timed runs, the tensor route over 50
passes per run. Times still differ from run to run, and a busy machine can distort any of them:
the run prints both, their ratio (kept in `run.json`'s `timings`, not in its metrics), and a
sentence on which route was faster *in that run*, saying so when the two are too close to tell.

## Where the data comes from

MNIST is downloaded by torchvision the first time into `<user cache dir>/nnlessons/data/MNIST/raw`
(on Linux `~/.cache/nnlessons/data`); `--data-dir DIR` or the environment variable
`NNLESSONS_DATA_DIR` points elsewhere. The file being downloaded is named on stderr, and a server
that does not answer for 30 seconds (`NNLESSONS_DOWNLOAD_TIMEOUT` sets another limit) counts as a
failed download. Offline, with `--no-download` or when the download fails,
the run stops with exit code 2 and names the four files it expects, the folder, and where to get
them. A truncated or corrupt file is named, with the advice to delete it.

## What to look at in the output

- **Step 1**, even without MNIST: the flattening table (0 mismatches), `flattened_digit.png`, the
  layer table with 203,530 parameters, and the four hidden units computed as templates, with
  `hidden_unit_templates.png`.
- **Step 2**: both differences are 0: the two spellings are the same computation.
- **Step 4**: how many images each split holds, what each is used for, and how much memory
  their pixels take. Asking for more images than the data holds uses all of them; one line says
  so, and `run.json` and the re-run command record the numbers used.
- **Step 5**: the batch shape `[64, 1, 28, 28]`, the mixed labels of a shuffled batch, the class
  mapping `{'0': 0, ..., '9': 9}`, `folder_batch.png`, and the two routes' times with the
  sentence that reads them.
- **Step 6**: the training loss falling and the validation accuracy rising epoch by epoch.
- **Step 7**: the softmax-then-loss network starts with a gradient about ten times smaller, a
  confidently wrong digit gets almost no gradient, and its lowest loss sits above 1.4612. Adam's
  first steps are the same size either way and plain SGD's differ by the gradients' ratio; the
  sentence under the table gives both pairs' validation accuracies. `loss.png` shows the loss
  curves, Adam's and plain SGD's, with the floor as a dashed line.
- **Step 8**: the test accuracy, measured once, beside the last validation accuracy; then
  `probabilities.png`: one row per digit, one column per class. Confident digits
  put nearly all probability in one cell; the least sure digits the lesson picks spread it over
  several classes: look at each picture and judge whether a person would hesitate too. The green
  box is the true digit, the bold number the prediction.
- **Summary**: every claim above with the number that backs it.

## Pitfalls

- Softmax before `CrossEntropyLoss` (above). Likewise `NLLLoss` expects log-probabilities, not
  probabilities or logits.
- `ImageFolder` labels are positions in the sorted folder names, not the names: folders `0`..`9`
  happen to map to 0..9, but a folder `10` would sort between `1` and `2`. Any other folder inside
  the root becomes an extra class, which is why the lesson writes its tree into a new folder that
  holds nothing else.
- Forgetting `zero_grad`: gradients of all past batches pile up.
- Forgetting to flatten: `nn.Linear(784, ...)` needs `(B, 784)`, not `(B, 1, 28, 28)`.
- Evaluating without `torch.no_grad()` builds a graph you never use (memory); without
  `model.eval()`, dropout or batch norm layers, if any, would behave as in training.

## Where the notes are wrong

- Note 002 puts a softmax layer at the end of the network and trains it with cross-entropy. The
  loss already applies log-softmax, so the softmax is applied twice: the loss cannot go below
  1.4612 and the gradients shrink (about tenfold at the start). Train on logits; apply softmax only to read probabilities.
- Note 000 says each sample has 787 pixels (features). It is `28 * 28 = 784`.
- Note 000 says the classifier decides which of the classes 1 to 10 a digit belongs to. The
  classes are the digits 0 to 9 (labels 0..9).
- Note 000 calls the classification loss "cross multiplication" (交叉相乘); it is cross-entropy,
  `-log p_y`.
- Note 000 says the `forward` method "does backpropagation by itself". It does not: `forward`
  only computes outputs; autograd records the operations, and `loss.backward()` computes the
  gradients.
- Note 000 says that computing the loss, zeroing the gradients and back-propagating in `loss_batch`
  are "batch normalization and dropout". They are not related: batch normalization and dropout are
  layers, which is why evaluation switches the model to `model.eval()`.
- Note 002 says a hidden layer is "hidden" because what happens inside is too complex to know. It
  is hidden because its values are neither inputs nor outputs: nothing in the data tells you what
  they should be. You can print them like any other tensor.

## Try this

- `--lr 0.1`: Adam with a learning rate far too large; watch the loss.
- `--hidden 16` or `--hidden 1024`: how much of the accuracy does width buy?
- `--epochs 20`: the train loss keeps falling; does the validation loss?
- `--normalize`: does standardising pixels matter here?
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nnlessons import LessonInfo, LessonInputError, Option, hookimpl
from nnlessons.mnist import data_dir_option, download_option

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nnlessons.run_context import RunContext

TRAINING_FILE_IMAGES = 60_000  # MNIST's training file; train and validation digits are disjoint parts of it


@hookimpl
def nnlessons_lesson_info() -> LessonInfo:
    return LessonInfo(
        id="mnist-mlp",
        title="MNIST with a fully connected network",
        summary="Train a 784 -> 256 -> 10 network on handwritten digits; ImageFolder, functional vs nn.Module, logits vs softmax.",
        concepts=("MNIST", "MLP", "ImageFolder", "nn.functional vs nn.Module", "logits vs softmax", "training loop", "Adam",
                  "validation split"),
        cpu_seconds=20,
        needs_download=True,
        options=(
            data_dir_option(),
            download_option(),
            Option("epochs", int, 5, "Passes over the training images.", min=1, max=100, quick=1),
            Option("batch_size", int, 64, "Images per training step.", min=1, max=8192),
            Option("lr", float, 1e-3, "Adam learning rate.", min=1e-6, max=1.0),
            Option("hidden", int, 256, "Units in the hidden layer.", min=1, max=4096),
            Option("train_images", int, 55_000, "Training images (a seeded random part of the 60,000, none of them a "
                   "validation image).", min=10, max=60_000, quick=1_000),
            Option("val_images", int, 5_000, "Validation images, from the same permutation of the training file: "
                   "measured after every epoch, used for every comparison.", min=10, max=30_000, quick=500),
            Option("test_images", int, 10_000, "Test images (a seeded random subset; 10000 = all), measured once "
                   "after training.", min=10, max=10_000, quick=1_000),
            Option("folder_images_per_class", int, 10, "Digits per class written as PNG files for the ImageFolder step.",
                   min=1, max=500, quick=7),
            Option("normalize", bool, False, "Standardise pixels with the MNIST mean and std instead of keeping [0, 1]."),
        ),
        order=80,
        cpu_threads=1,  # steady under load; two threads collapse beside a busy core (benchmarks/threads.py)
    )


@hookimpl
def nnlessons_check_params(params: Mapping[str, Any]) -> None:
    """Training and validation digits are two disjoint parts of MNIST's 60,000 training images."""
    if params["train_images"] + params["val_images"] > TRAINING_FILE_IMAGES:
        raise LessonInputError(
            f"--train-images {params['train_images']} + --val-images {params['val_images']} is more than the "
            f"{TRAINING_FILE_IMAGES:,} images of MNIST's training file, which they share; ask for at most "
            f"{TRAINING_FILE_IMAGES:,} together (the defaults: 55000 + 5000)."
        )


@hookimpl
def nnlessons_run(ctx: RunContext) -> dict[str, Any]:
    from nnlessons_mnist_mlp.lesson import run  # torch, torchvision and matplotlib load only now

    return run(ctx)


@hookimpl
def nnlessons_exercises():
    from nnlessons_mnist_mlp.exercises import EXERCISES

    return EXERCISES
