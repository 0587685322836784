r"""Feed a model from a file: a `Dataset` reads the rows, a `DataLoader` cuts them into shuffled mini-batches.

## The idea

Training on mini-batches needs two things: a way to get *one sample* by its
number, and something that picks numbers in a random order, fetches those
samples and glues them into a batch. PyTorch splits the job exactly like that:

- a **`Dataset`** answers two questions: how many samples are there
  (`__len__`) and what is sample `i` (`__getitem__`);
- a **`DataLoader`** asks its *sampler* for row numbers (shuffled or not), calls
  `dataset[i]` for each, and *collates* the items into batch tensors with
  `torch.stack`.

This lesson writes a `Dataset` subclass over a CSV file whose last column is
the label, then looks at everything the `DataLoader` does with it, measures how
fast different ways of batching are, and trains a small classifier on the
batches.

By default the lesson generates a table of 759 rows: 8 features drawn from
`N(0, 1)` and a 0/1 label drawn from a logistic rule of them
(`P(label = 1) = sigmoid(x . w + b)`, two of the eight weights are zero), about
a third of the labels being 1. It writes the table to `table.csv` in the run
folder and reads it back, so the lesson really reads a file. `--csv PATH` reads
your own file instead: numbers only, one optional header line, label 0/1 last.

## A Dataset in three methods

```python
class CsvDataset(Dataset):
    def __init__(self, path):               # read the file once
        table = torch.from_numpy(read_table(path))  # (N, F + 1)
        self.features = table[:, :-1]               # (N, F)
        self.labels = table[:, -1:]                 # (N, 1), not (N,)
    def __getitem__(self, i):               # ((F,), (1,))
        return self.features[i], self.labels[i]
    def __len__(self):
        return self.features.shape[0]
```

`__init__` does the slow work once; `__getitem__` should be cheap because it
runs once per sample per epoch. Keep the label as a column, `table[:, -1:]` or
`table[:, [-1]]`: the model outputs logits of shape `(B, 1)`, and
`BCEWithLogitsLoss` refuses a target of shape `(B,)`. The lesson runs both and
prints the error.

## Batches per epoch

With `N` rows and batch size `B` an epoch has

```math
\begin{aligned}
\text{batches} &= \lceil N / B \rceil  && \text{the last batch holds } N - (\text{batches} - 1) \cdot B \text{ rows} \\
\text{batches} &= \lfloor N / B \rfloor && \text{with drop_last=True: the short last batch is dropped}
\end{aligned}
```

For `N = 759`, `B = 32`: `759 = 23 * 32 + 23`, so 24 batches, the last with 23
rows; with `drop_last=True` 23 batches, and 23 rows sit out that epoch (a
different 23 each epoch when shuffling). The lesson computes the formula, asks
`len(loader)`, *and* counts the batches by iterating, for several batch sizes.
Each batch has shapes `(B, F)` and `(B, 1)`: `[32, 8]` and `[32, 1]` here.

## Shuffling and seeds

`shuffle=True` makes the loader draw a fresh permutation of `0 .. N-1` at the
start of **every** epoch, from its `generator`. Two loaders built with
generators seeded the same produce the same sequence of epoch orders; without a
generator the order comes from torch's global random state, which anything else
in the program may have advanced. Shuffling changes only the *order*: the
lesson checks that what the loader yields equals `dataset.features[order]`.

## A training and a validation loader

A run needs two loaders over different rows, set up differently:

- the **training** loader shuffles, from a generator of its own seeded once
  (`generator=torch.Generator().manual_seed(seed)`): seeding it again every
  epoch repeats one order, a `torch.Generator()` never seeded gives the same
  order whatever the seed, and no generator at all takes the order from
  torch's global random state. `drop_last=True` is a training choice (every
  step sees a full batch);
- the **validation** loader neither shuffles nor drops anything: every held-out
  row is counted exactly once, in file order, so two evaluations compare.

Both give float32 features `(B, F)` and labels `(B, 1)`: `np.loadtxt` reads
float64 unless told `dtype=np.float32`.

## TensorDataset, the short way

When the data are already tensors, `TensorDataset(features, labels)` is the
whole class above in one line: `dataset[i]` returns `(features[i], labels[i])`.
The lesson checks that it yields the same items and, with the same seed, the
same batches as `CsvDataset`.

## What throughput says

The lesson times, with `time.perf_counter` and the same number of samples
(`--samples`), five ways of delivering shuffled batches of the in-memory
table to the device:

1. `CsvDataset` + `DataLoader`, `num_workers=0`: `B` Python calls of
   `__getitem__`, then `torch.stack`, per batch;
2. the same with `num_workers=2`: worker *processes* build batches and send
   them back through shared memory and a queue;
3. `TensorDataset` + `DataLoader`: the same per-item path as 1;
4. `TensorDataset` + `DataLoader` with a `BatchSampler` as the sampler and
   `batch_size=None`: one `dataset[[i1, ..., iB]]` call fetches the whole batch
   by tensor indexing;
5. no `DataLoader`: `features[order[k : k + B]]` on tensors already on the
   device.

What to look for: for small in-memory rows the cost is **Python overhead per
sample**, not arithmetic. The per-item paths (1, 3) make `B` Python calls and a
`torch.stack` per batch where fetching a whole batch at once (4) or slicing (5)
makes one call; worker processes (2) add to the per-item work the pickling of
each batch, its trip between processes and its unpacking. Workers pay off when
getting one sample is slow and *waits* (reading and decoding an image file, a
network read): then several processes wait side by side. The second table tries
this with a dataset whose every item sleeps 1 ms, standing in for a file read.
How much each of these costs is what the tables measure: the "x slower" column
and the caption of the second table compare the ways with this run's numbers,
on this machine. Timings vary from run to run, and a machine busy with other
work can change their order, so read the ranking off your own run.

## The classifier

An `F -> 6 -> 4 -> 1` network, sigmoid activations between its layers and none
after the last: it outputs a **logit**, any real number, whose sigmoid is
`P(label = 1)`. It trains with `BCEWithLogitsLoss` and Adam on the loader's
batches, each batch moved to `--device`. As the classification lesson shows,
`BCEWithLogitsLoss` applies the sigmoid inside the loss, computed stably from
the logit; `torch.sigmoid` is applied only to read probabilities (and a
probability above 0.5 is the same as a logit above 0). After training the
lesson computes both on the held-out rows: the logits' range, the
probabilities' range, and `BCEWithLogitsLoss` on the logits against `BCELoss`
on their sigmoids, the same number up to float32 rounding. A
fifth of the rows is held out with a seeded `random_split`. The score to beat
is *always answering the majority label* (about 0.63 on the default held-out
rows). For the default data the lesson also prints the accuracy of the rule
that generated the labels: no model can beat it on average over new data, but
on 152 held-out rows a trained model can land a little above or below it by
chance.

The `Dataset` keeps its tensors on the CPU on purpose: worker processes and
`pin_memory` need CPU tensors, and moving each batch with `.to(device)` is the
usual pattern. Everything else (model, loss, held-out tensors, the slicing
path) lives on `--device`. The lesson asks the runner for one CPU thread
(`--threads N` overrides it): its tensors are far too small to gain from
splitting work across threads.

## What to look at in the output

- Section 1: `len(dataset)`, one item's shapes `[8]` and `[1]`, and the two
  pitfalls below, run for real.
- Section 2: the batch shapes and a table where formula, `len(loader)` and the
  counted batches agree for every batch size.
- Section 3: epoch 1 and epoch 2 differ in almost every position; loaders A and
  B (same seed) differ in none.
- Section 5 and `throughput.png`: samples per second and "x slower than
  fastest"; then the waiting dataset, with each worker count's samples per second
  relative to `num_workers=0` in this run.
- Section 6 and `training.png`: the loss falling and held-out accuracy well
  above the majority line; the table of logits, their probabilities and the
  two ways of computing the same loss.

## Pitfalls

- **A label of shape `(N,)`**: `table[:, -1]` drops the column axis;
  `BCEWithLogitsLoss` then raises "Target size ... must be the same as input
  size".
- **A sigmoid before `BCEWithLogitsLoss`**: the loss applies one itself, so the
  outputs of a model ending in `nn.Sigmoid()` are squashed twice, into
  (0.5, 0.731), and the loss measures something else; section 6 prints that
  loss beside the right one. End the model with `Linear`, and call
  `torch.sigmoid` only to read probabilities.
- **`num_workers > 0` with a class defined inside a function or in an
  interactive session**: on macOS and Windows (and with the `forkserver` start
  method, Python 3.14's default on Linux) each worker imports the dataset's
  class by module path. Define it at module level in an importable file and
  guard the script's entry with `if __name__ == "__main__":`.
- **Workers for tiny in-memory data**: each batch pays for pickling and a trip
  between processes, which can cost more than building it; section 5 measures
  whether it does on your machine.
- **Reproducibility**: pass `generator=torch.Generator().manual_seed(...)` to
  the `DataLoader` (and to `random_split`) instead of relying on global state.
- **`drop_last=True` on a small dataset** can leave zero batches when `B > N`.

## Where the notes are wrong

- "Iterations per epoch = len / batch_size": it is `ceil(N / B)` (759 / 32 =
  23.7, so 24 batches), or `floor(N / B)` with `drop_last=True`; a division is
  not a count.
- "`Dataset` is an abstract class and cannot be instantiated": in PyTorch
  `Dataset()` builds fine; only `Dataset()[0]` fails (NotImplementedError) and
  `len(Dataset())` (TypeError). The lesson runs all three.
- "`num_workers` is multi-threading, usually 4 or 8": workers are separate
  processes. For small in-memory data each batch they build must also be pickled
  and sent back, so 0 workers is the natural choice; section 5 measures what
  workers cost or save on your machine. Several workers suit slow per-item
  loading that waits (files, network), bounded by the CPU cores.
- "`xy[:, -1]` gives a list instead of a matrix": it gives a one-axis array of
  shape `(N,)`; the problem is the missing column axis, which the loss rejects.
- Note 000 calls zeroing gradients and back-propagating in its `loss_batch`
  "batch normalization and dropout": they are neither; batch norm and dropout
  are layers, which that model does not have.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from nnlessons import LessonInfo, Option, hookimpl
from nnlessons.csv_input import given_path

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext


@hookimpl
def nnlessons_lesson_info() -> LessonInfo:
    return LessonInfo(
        id="dataset-dataloader",
        title="Dataset, DataLoader and mini-batches",
        summary="A Dataset over a CSV, batch shapes and counts, shuffling with seeds, measured throughput, a small classifier.",
        concepts=("Dataset", "DataLoader", "TensorDataset", "mini-batch", "shuffle", "num_workers", "BCEWithLogitsLoss"),
        cpu_seconds=12,
        options=(
            Option("csv", str, "", "Path of your own numeric CSV, label 0/1 in the last column "
                   "(empty or left out: generate one)."),
            Option("rows", int, 759, "Rows of the generated table (ignored with --csv).", min=10, max=10_000),
            Option("batch_size", int, 32, "Batch size for the shapes, the shuffle checks, the timing and training.", min=1, max=1024),
            Option("workers", int, 2, "num_workers of the worker rows in the throughput tables (0 leaves them out).", min=0, max=8),
            Option("samples", int, 10_000, "Samples timed per way of batching (the waiting dataset times 1/20 of it).",
                   min=500, max=20_000, quick=2_000),
            Option("epochs", int, 20, "Training epochs of the classifier.", min=1, max=200, quick=5),
            Option("lr", float, 0.02, "Adam learning rate of the classifier.", min=1e-5, max=1.0),
        ),
        order=50,
        cpu_threads=1,  # tiny tensors: one thread beats thread hand-offs (--threads overrides)
    )


@hookimpl
def nnlessons_check_params(params: Mapping[str, Any]) -> None:
    """A bad --csv is refused here, before the run makes its folder (the run reads the file again)."""
    path = given_path(params["csv"])
    if path is not None:
        from nnlessons_dataset_dataloader.csv_table import read_table  # numpy, no torch

        read_table(path)


@hookimpl
def nnlessons_run(ctx: RunContext) -> dict[str, Any]:
    from nnlessons_dataset_dataloader.lesson import run  # torch is imported only when the lesson runs

    return run(ctx)


@hookimpl
def nnlessons_exercises():
    from nnlessons_dataset_dataloader.exercises import EXERCISES

    return EXERCISES
