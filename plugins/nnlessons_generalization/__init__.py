r"""Generalisation on MNIST: train, validation and test splits; under- and over-fitting; regularisation; honest tuning.

## The idea

A network is trained on some digits and used on others. How well it does on the digits it
trained on says little about the others: a network wide enough can learn its training digits by
heart. This lesson measures the difference instead of describing it, on real MNIST digits and
small fully connected networks (784 -> hidden -> 10, as in `mnist-mlp`), and it keeps the digits
apart so that every number it reports was measured on digits that played no part in producing it.

The run has nine steps. The first two need no data: they run on four digits that
`nnlessons.drawn_digit` draws, so they print the same on a machine without MNIST, where the run
then stops at step 3 with exit code 2 and a message naming the missing files.

1. one optimizer step of Adam with `weight_decay` against AdamW, computed and checked against
   the update formulas;
2. a `state_dict` kept as a checkpoint: the live one against a deep copy;
3. the splits, their sizes and class balance;
4. networks of growing width on the same training digits;
5. the widest one on shrinking training sets;
6. regularisation measured on the validation set: L2 in Adam, AdamW, dropout, early stopping;
7. evaluation with and without `model.eval()` and `torch.no_grad()`, on the run's own dropout network;
8. the setting chosen on validation, measured once on the test digits;
9. what choosing by test accuracy would have reported, measured on fresh digits.

## Three splits, and a fourth set nobody looks at

One seeded permutation of MNIST's training file is cut into three disjoint parts:

- **train** (`--train-images`, 3,000 by default): the only digits a gradient ever sees;
- **validation** (`--val-images`, 1,000): measured after every epoch, and used for every choice
  the lesson makes: the best epoch, the best setting;
- **fresh** (`--fresh-images`, 1,000): never trained on, never used for a choice. They exist only
  for step 9, to measure what a choice that looked at the test digits is worth on digits neither
  choice saw.

The **test** digits (`--test-images`, 2,000) come from MNIST's test file and answer one question
once, at the end: how good is the setting chosen on validation (step 8). Step 9 then breaks that
rule on purpose, to measure what breaking it costs; that is why the fresh digits are set aside.
The split is a permutation, not "the first 3,000 digits of the file", so each part gets about a
tenth of each digit: the table in step 3 prints the fewest and the most images of a digit in each
split and `splits.png` draws the shares.

## Under- and over-fitting, computed

The quantity training lowers is the **empirical risk**, the mean loss over the N training images;
the quantity we care about is the expected loss on digits drawn the same way, which the
validation set estimates. Their difference is the **generalisation gap**:

```math
\begin{aligned}
\hat{R}_{\text{train}}(w) &= (1/N) \sum_{i=1}^{N} \ell(f_w(x_i), y_i) && \text{empirical risk: the training loss} \\
\hat{R}_{\text{val}}(w) &= (1/M) \sum_{j=1}^{M} \ell(f_w(x_j), y_j) && \text{the same on M validation images} \\
\text{gap}(w) &= \hat{R}_{\text{val}}(w) - \hat{R}_{\text{train}}(w)
\end{aligned}
```

Both are measured the same way, after each epoch, in `eval()` and under `no_grad`, over every
image of the split (not the running average of the batch losses during the epoch, which mixes
weights from the whole epoch and dropout's noise).

- **Under-fitting**: both losses high and close together. The model cannot even fit the training
  digits; more epochs or more capacity help, regularisation does not.
- **Over-fitting**: the training loss keeps falling while the validation loss stops falling or
  rises; the gap grows. The model fits details of its training digits that other digits do not
  share.

Step 4 trains networks of `hidden / 64`, `hidden / 8` and `hidden` units (4, 32 and 256 by
default) on the same digits; step 5 trains the widest on all the training digits, a quarter and a
sixteenth of them. Each prints the last epoch's losses, accuracies and gaps, and plots them per
epoch (`capacity.png`, `data_size.png`). The summary says, in words chosen from the numbers,
whether the widest network fitted its training set closer, whether its gap was larger, and
whether the gap grew as the training set shrank: read what your run found.

## Regularisation, measured on the validation set

**L2 in Adam against decoupled decay in AdamW.** `torch.optim.Adam(weight_decay=lambda)` adds
`lambda w` to the gradient and then divides by Adam's running estimate of the gradient's size;
`torch.optim.AdamW(weight_decay=lambda)` shrinks the weights directly and takes a plain Adam step
with the gradient alone. With `m_hat` and `v_hat` the bias-corrected moment estimates:

```math
\begin{aligned}
g' &= g + \lambda w, \quad w \leftarrow w - \text{lr} \cdot \hat{m}(g') / (\sqrt{\hat{v}(g')} + \epsilon) && \text{Adam, L2 in the gradient} \\
w &\leftarrow w - \text{lr} \cdot \lambda w - \text{lr} \cdot \hat{m}(g) / (\sqrt{\hat{v}(g)} + \epsilon) && \text{AdamW, decoupled} \\
\text{first step: } \hat{m} &= g', \ \hat{v} = g'^2, \text{ so the step is } -\text{lr} \cdot g' / (|g'| + \epsilon)
\end{aligned}
```

In plain SGD the two are the same update; in Adam they are not, because the L2 term is divided by
the gradient's size along with everything else. Step 1 makes it concrete: it takes one step of each
from the same weights on the same batch, checks each against its formula (computed in float64),
and looks at the weights whose gradient is exactly 0 (first-layer weights of pixels that are blank
in every image of the batch). There `g' = lambda w`, so Adam + L2 moves each of them by about
`lr`, whatever its size, while AdamW moves it by `lr lambda |w|`. `adam_l2_vs_adamw.png` plots both
steps against the weight. Step 6 then trains with each, with the same `--weight-decay`, and
prints the validation loss and the size of the hidden layer's weights.

**Dropout** (`--dropout`, 0.5): during training each hidden unit is zeroed with probability p and
the others are scaled by 1/(1-p); in `eval()` nothing is dropped.

**Early stopping** watches the validation loss after every epoch, remembers the epoch with the
lowest, and stops when `--patience` epochs in a row bring no new lowest; then it restores the
remembered weights:

```math
e^* = \text{argmin}_{e \le E}\, \hat{R}_{\text{val}}(w_e), \qquad \text{stop at the first } E \text{ with } E - e^* \ge \text{patience}, \text{ return } w_{e^*}
```

The run trains every network for all `--epochs` (so the plots show the whole curve) and records
where early stopping would have stopped and which checkpoint it would have restored.

**Keep the checkpoint as a deep copy.** `model.state_dict()` returns the model's own tensors, not
copies: the optimizer changes them in place at the next step, and a "best" kept that way silently
becomes the latest. Step 2 keeps both kinds before one optimizer step and compares each with the
weights after it; step 6 reloads both kinds of "best" into a fresh network: the deep copy gives
back the best epoch's validation loss, the live one the last epoch's. Write
`best = copy.deepcopy(model.state_dict())` (or `{k: v.clone() for k, v in model.state_dict().items()}`).

## Evaluating: model.eval() and torch.no_grad()

`model.eval()` switches layers that behave differently in training: dropout stops dropping, and
batch norm uses its running statistics instead of the batch's (and stops updating them).
`torch.no_grad()` stops autograd from recording: no graph, no stored activations. They do different
things and evaluation needs both, with the model's previous mode restored afterwards. Step 7 takes
the run's own dropout network and evaluates it on the validation set in `eval()` twice (the logits
are identical), left in `train()` twice (two different, lower scores) and in `eval()` with autograd
on, counting the megabytes autograd keeps for a backward that never comes. It also averages the
loss per batch instead of per image: a short last batch then counts as much as a full one.

## Tuning on the test set is optimistic

Choosing the best of K settings by a score and then reporting that same score reports the
maximum of K noisy numbers, which is more likely to be lucky than the number of any one setting.
Step 9 scores every network trained on the full training split (the widths, the regularisers,
the early-stopped checkpoint, and each run's lowest-validation-loss checkpoint where that came
before the last epoch) on validation, test and fresh digits, chooses one by validation
accuracy and one by test accuracy, and measures both on the fresh digits. One split is one draw,
so it then redoes the choice on many random halvings of the test and fresh digits, each halving
used both ways (choose on A, measure on B, then the reverse). Used both ways, a choice made on
validation scores exactly as well on A as on B on average, while the best-on-A choice can only
look better on the half it was chosen on: with `k_A`, `k_B` the best settings on A and on B, the
two gaps of a halving add up to

```math
(\text{acc}_A(k_A) - \text{acc}_A(k_B)) + (\text{acc}_B(k_B) - \text{acc}_B(k_A)) \ge 0
```

The mean of those gaps is what reporting the score you chose by overstates, on these settings
and this many digits; `optimism.png` shows each setting and the spread.

## What to look at in the output

- **Step 1**: both formula differences near 1e-10, the steps differing, and the mean step of the
  zero-gradient weights: about `lr` for Adam + L2, far smaller for AdamW.
- **Step 2**: the live `state_dict` differs by 0 from the weights after the step: it *is* them.
- **Step 3**: the four sizes, the class balance and 0 images shared.
- **Steps 4-5**: the last-epoch gap per width and per training-set size, and the lowest validation
  loss with its epoch: an epoch well before the last means the network over-fitted after it.
- **Step 6**: the validation loss with each regulariser against none, `|W1|` (decay shrinks it), and
  the two reloaded checkpoints.
- **Step 7**: the train-mode scores against the eval-mode one, and the megabytes without `no_grad`.
- **Steps 8-9**: the chosen setting's test accuracy, the reported-minus-fresh gap of each choice in
  this split, and the average over re-splits.
- **Summary**: every claim with its number; sentences about what the run found are worded from it.

## Pitfalls

- Evaluating on the test set after every change and keeping what helps: the test set has become a
  validation set, and its score is optimistic (step 9).
- Splitting by position (`data[:n]`) when the file is sorted by class or by writer.
- Keeping the best weights as `model.state_dict()`: a live view, not a checkpoint.
- Forgetting `model.train()` after a validation pass inside the training loop: dropout and batch norm
  then train in evaluation mode.
- Averaging per-batch mean losses: a short last batch counts as much as a full one. Sum per image and
  divide by the number of images.
- Comparing the training loss of an epoch (measured while the weights moved, with dropout on) with the
  validation loss measured after it: measure both the same way.

## Where the notes are wrong

The notes never hold out a validation set, so they have nothing to say about choosing epochs or
settings without looking at the test digits; what they do say is this:

- Note 003 calls its final measurement on the MNIST test images "performance validation". In this
  lesson's words that is a test: validation is the held-out part of the training data that choices
  are made on, the test set is measured once after every choice is made.
- Note 003 runs its network on all 10,000 test images at once without `torch.no_grad()`, so autograd
  records a graph over the whole test set that is never used; its `.data` only hides the result's
  connection to that graph. Step 7 counts what a pass without `no_grad` keeps.
- Note 000 says the steps inside its `loss_batch` (the loss, zeroing the gradients, backpropagation)
  "are batch normalization and dropout". They are not related: dropout and batch norm are layers,
  and `model.train()` / `model.eval()` switch how they behave (step 7).

## Try this

- `--hidden 1024 --train-images 500`: a wide network on few digits; where is the lowest validation loss?
- `--weight-decay 0.1`: does Adam + L2 or AdamW move the validation loss more?
- `--patience 1`: how early does early stopping stop, and what does it give up?
- `--test-images 200`: with fewer test digits each score is noisier; what happens to the optimism?
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nnlessons import LessonInfo, LessonInputError, Option, hookimpl
from nnlessons.mnist import data_dir_option, download_option

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nnlessons.run_context import RunContext

TRAINING_FILE_IMAGES = 60_000  # MNIST's training file: train, validation and fresh images are cut from it


@hookimpl
def nnlessons_lesson_info() -> LessonInfo:
    return LessonInfo(
        id="generalization",
        title="Generalisation: splits, over-fitting, regularisation",
        summary="Train / validation / test on MNIST; under- and over-fitting computed; L2 vs AdamW, dropout, early "
                "stopping; eval() and no_grad; why tuning on the test set is optimistic.",
        concepts=("train/validation/test", "over-fitting", "weight decay vs AdamW", "dropout", "early stopping",
                  "state_dict copies", "eval() and no_grad", "selection bias"),
        cpu_seconds=45,
        needs_download=True,
        options=(
            data_dir_option(),
            download_option(),
            Option("epochs", int, 20, "Passes over the training images, for every network.", min=2, max=200, quick=4),
            Option("batch_size", int, 64, "Images per training step.", min=1, max=4096),
            Option("lr", float, 1e-3, "Learning rate of Adam and AdamW.", min=1e-6, max=1.0),
            Option("hidden", int, 256, "Width of the widest network; the others have hidden/64 and hidden/8 units.",
                   min=64, max=2048),
            Option("train_images", int, 3_000, "Training images (from MNIST's training file).", min=16, max=50_000,
                   quick=600),
            Option("val_images", int, 1_000, "Validation images (from the training file, disjoint from train).",
                   min=10, max=20_000, quick=300),
            Option("fresh_images", int, 1_000, "Fresh images (from the training file, never trained on or chosen by).",
                   min=10, max=20_000, quick=300),
            Option("test_images", int, 2_000, "Test images (a seeded subset of MNIST's test file).", min=10,
                   max=10_000, quick=300),
            Option("weight_decay", float, 0.01, "lambda for L2 in Adam and for AdamW's decoupled decay.",
                   min=1e-6, max=1.0),
            Option("dropout", float, 0.5, "Dropout probability of the dropout network.", min=0.05, max=0.9),
            Option("patience", int, 3, "Epochs without a new lowest validation loss before early stopping stops.",
                   min=1, max=100),
        ),
        order=82,  # after mnist-mlp (80), before cnn-mnist (85)
        cpu_threads=1,  # small networks: one thread is steady on a busy machine
    )


@hookimpl
def nnlessons_check_params(params: Mapping[str, Any]) -> None:
    """Train, validation and fresh images are cut from one file of 60,000: together they must fit in it."""
    total = params["train_images"] + params["val_images"] + params["fresh_images"]
    if total > TRAINING_FILE_IMAGES:
        raise LessonInputError(
            f"--train-images {params['train_images']} + --val-images {params['val_images']} + --fresh-images "
            f"{params['fresh_images']} = {total:,} images, more than MNIST's training file holds "
            f"({TRAINING_FILE_IMAGES:,}); ask for fewer.")


@hookimpl
def nnlessons_run(ctx: RunContext) -> dict[str, Any]:
    from nnlessons_generalization.lesson import run  # torch, torchvision and matplotlib load only now

    return run(ctx)


@hookimpl
def nnlessons_exercises():
    from nnlessons_generalization.exercises import EXERCISES

    return EXERCISES
