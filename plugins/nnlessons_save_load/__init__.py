r"""Keep a trained model: save the whole module or only its state_dict, and load it back safely.

## The idea

A trained network is two things: **code** (the class that says which layers
exist and how `forward` combines them) and **numbers** (the weights and
biases). PyTorch offers two ways to put them in a file:

```python
torch.save(model, "whole_model.pt")               # the module object, pickled
torch.save(model.state_dict(), "state_dict.pt")   # only {name: tensor}
```

The first pickles the object. The file stores the *import path* of its class
(`nnlessons_save_load.nets.RegressionNet`) plus every tensor; loading it
imports that class again and rebuilds the object. The second stores an ordered
dictionary from parameter names (`hidden.weight`, `predict.bias`, ...) to
tensors, and nothing else. To restore it you build the net in code and pour
the numbers in:

```python
model = RegressionNet()
model.load_state_dict(torch.load("state_dict.pt", weights_only=True))
```

The lesson trains the notes' regression net, saves it both ways into the run
folder, restores each into new objects (here, and in a second Python process)
and checks that the predictions are *identical*: max |difference| exactly 0.

## The data and the net

```
x = 100 points evenly spaced in [-1, 1]
model: x -> Linear(1, 10) -> ReLU -> Linear(10, 1)          (31 parameters)
loss:  MSE, full-batch SGD, lr 0.5
```

```math
\begin{aligned}
y &= x^2 + \text{noise} \cdot u, \qquad u \sim U[0, 1), \quad \text{noise} = 0.2 \\
\text{MSE} &= \text{mean}((\text{model}(x) - y)^2)
\end{aligned}
```

The noise is uniform on `[0, 0.2)`: its mean is `0.1` and its variance
`0.2^2 / 12 = 0.0033`. So the best possible curve is `x^2 + 0.1`, and no fit
can push the MSE much below about `0.0033`. The lesson prints the fit's mean
height above `x^2` (close to 0.1) and the loss of `x^2 + 0.1` on the same
points, the floor to compare the final loss with.

## Two ways to write the same net

`RegressionNet` (an `nn.Module` subclass) and
`nn.Sequential(nn.Linear(1, 10), nn.ReLU(), nn.Linear(10, 1))` compute the same
function with the same 31 parameters, but they print differently.
`print(module)` lists the *registered sub-modules*. In the subclass the ReLU is
a function call, `F.relu`, inside `forward`: it is not a sub-module, so it is
not listed. In the `Sequential` the ReLU is a layer (index 1), so it is. The
names differ too (`hidden.weight` against `0.weight`), and a `state_dict` is
matched **by name**: loading the subclass's `state_dict` into the `Sequential`
fails with "Missing key(s)". Copying the same tensors across in order gives
outputs that differ by exactly 0.

## Loading: `weights_only=True` is the default

Since PyTorch 2.6, `torch.load` unpickles with a restricted unpickler
(`weights_only=True`) unless told otherwise. It rebuilds tensors, numbers,
strings and plain containers, and refuses any other class or function that
the file names. A `state_dict` file names none, so it loads. A whole-model file
names `RegressionNet` and `nn.Linear`, so the notes' `torch.load("net.pkl")`
now raises `UnpicklingError: ... Unsupported global: GLOBAL
nnlessons_save_load.nets.RegressionNet`. The lesson shows the real error and
three ways on:

1. `torch.load(path, weights_only=False)`: the explicit opt-in. It runs the
   file's pickle, so use it only for files you made yourself. The lesson makes
   sure of that: it records the SHA-256 of `whole_model.pt` when it saves it,
   and before this load checks the bytes it reads (then loads those very bytes
   from memory); a file swapped in the meantime is refused, never unpickled.
2. `with torch.serialization.safe_globals([RegressionNet, nn.Linear]):`
   `torch.load(path)`: still restricted, with the two classes allowed.
3. The recommended way: a `state_dict` loaded with `weights_only=True`.
   This is the one the lesson relies on.

`map_location=device` puts the loaded tensors on the device you ask for,
whatever device they were saved from.

## Why pickles from strangers are unsafe

A pickle is not just data. It is a small program for rebuilding objects, and
one of its instructions is "call this function with these arguments" (what an
object's `__reduce__` asks for). The lesson saves an object whose pickle says
`os.mkdir(folder)`. `torch.load(path)` with the default refuses it and the
folder does not appear. With `weights_only=False` the folder appears: the
function ran during loading. A file from a stranger could name any function
with any arguments. So only load with `weights_only=False` what you created.

## Restoring in another process

Restoring in the same program might hide a mistake: the class is already
imported and the original tensors still sit in memory. So the lesson also
starts a new interpreter,
`python -I -m nnlessons_save_load.fresh_process whole_model.pt SHA256 state_dict.pt ...`.
`-I` (isolated mode) leaves the current folder off `sys.path`, so a `json.py` or
`torch.py` of yours lying there is never imported in place of the real module.
That process has its own memory and imports torch itself. It loads both files
and sends its predictions back. Two things to note. The module holding
`RegressionNet` was *not* imported in that process before `torch.load`; loading
the whole model imported it by the path stored in the file. And the predictions
match the original ones exactly.

## A checkpoint that resumes exactly

A run that stops and goes on must end with the weights of one run straight
through. That needs everything that changes from epoch to epoch in the
checkpoint, as state_dicts, tensors and numbers (so `weights_only=True` loads
it):

- the weights, `model.state_dict()`, and the optimizer's state,
  `optimizer.state_dict()`: momentum buffers, Adam's moments and step count.
  Without it the resumed steps start from zero momentum;
- the epoch counter: the number of epochs *finished* (`epoch + 1` for the
  0-based loop variable). Off by one, the resumed run repeats or skips an epoch;
- the random states: a shuffling `DataLoader`'s generator
  (`generator.get_state()` / `set_state`) and torch's global state for dropout
  (`torch.get_rng_state()` / `set_rng_state`). Without them the resumed run
  draws other batch orders and masks;
- the best weights so far, kept as a copy: `model.state_dict()` returns the
  model's own tensors, which every later step changes in place, so
  `best = model.state_dict()` ends up holding the final weights.
  `copy.deepcopy(model.state_dict())` keeps that epoch's numbers.

## What to look at in the output

- Section 1: the final loss next to the loss of `x^2 + 0.1`, and the fit's
  height above `x^2` next to 0.1.
- Section 2: the two `print` outputs, the state_dict keys, the refused
  name-based load, and the 0 after copying by position.
- Section 3: both files are zip archives; the whole-model file names two classes
  and the state_dict none; the size difference is the same for 31 and 3,001
  parameters.
- Sections 4 and 5: the refusal, then max |diff| = 0 for every restore, here
  and in the fresh process (`max_abs_diff_restored` in run.json).
- Section 6 and `fits.png`: the refused and the obeyed `os.mkdir`; three fits
  lying exactly on top of each other.

## Pitfalls

- **A whole-model file is tied to where the class lives.** Rename the module,
  move the class, or define it in the script you ran (the file then says
  `__main__.RegressionNet`), and old files stop loading. A `state_dict` only
  needs a net with the same parameter names and shapes.
- **Names must match** for `load_state_dict`: a `Sequential` and a subclass
  name their parameters differently.
- **Call `model.eval()` after loading** before predicting. It makes no
  difference here, but it does for dropout and batch-norm layers.
- **Resuming training** needs more than the weights: save
  `optimizer.state_dict()` (momentum, Adam's moments) and the step count too.
- **`weights_only=False` on a downloaded file** runs whatever code the file
  names.

## Where the notes are wrong

- `net2 = torch.load("net.pkl")` fails on current PyTorch (2.6 and later),
  because `weights_only=True` is the default. It needs an explicit
  `weights_only=False`, for trusted files only. The lesson shows the error.
- The `.pkl` name suggests a plain pickle. `torch.save` writes a zip archive
  (checked with `zipfile.is_zipfile`); the usual extension is `.pt`.
- "Saving only the parameters is faster and takes less memory; extracting the
  whole net is slow when the net is big": the two files differ by the same
  number of bytes, under a kilobyte, for 31 parameters as for 3,001
  (section 3; 960 bytes with torch 2.14). The reasons to
  prefer a `state_dict` are safety and independence from the code's layout,
  not size.
- The notes' data, `x^2 + 0.2 * torch.rand(...)`, has noise with mean 0.1,
  not 0: the fitted curve sits 0.1 above `x^2` (section 1).
- The printed networks in the notes (`Linear (1 -> 10)`) come from an old
  PyTorch. Today's `print` shows `Linear(in_features=1, out_features=10,
  bias=True)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from nnlessons import LessonInfo, Option, hookimpl
from nnlessons.memory_budget import FLOAT32_BYTES, check_fits, largest_fitting

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext


@hookimpl
def nnlessons_lesson_info() -> LessonInfo:
    return LessonInfo(
        id="save-load",
        title="Saving and loading a model",
        summary="Train a 1 -> 10 -> 1 regression, save it whole and as a state_dict, restore both (here and in a new process) with identical predictions.",
        concepts=("torch.save", "torch.load", "state_dict", "weights_only", "pickle", "nn.Sequential vs nn.Module"),
        cpu_seconds=8,
        options=(
            Option("steps", int, 300, "Full-batch SGD steps.", min=1, max=5_000, quick=100),
            Option("lr", float, 0.5, "SGD learning rate.", min=1e-4, max=2.0),
            Option("points", int, 100, "Points of x evenly spaced in [-1, 1].", min=2, max=100_000),
            Option("noise", float, 0.2, "y = x^2 + noise * U[0, 1).", min=0.0, max=10.0),
            Option("hidden", int, 10, "Hidden units of the 1 -> hidden -> 1 net.", min=1, max=4096),
        ),
        order=60,
        cpu_threads=1,  # a 31-parameter net: one thread beats thread hand-offs (--threads overrides)
    )


@hookimpl
def nnlessons_check_params(params: Mapping[str, Any]) -> None:
    """Refuse --points and --hidden whose full-batch training would not fit in memory."""
    hidden = largest_fitting(lambda h: peak_memory_bytes(params["points"], h), 1, params["hidden"])
    check_fits(peak_memory_bytes(params["points"], params["hidden"]),
               f"--points {params['points']} with --hidden {params['hidden']}",
               f"with {params['points']} points --hidden {hidden} or less fits" if hidden else "use fewer --points")


def peak_memory_bytes(points: int, hidden: int) -> float:
    """Full-batch training holds about 3 (points x hidden) float32 arrays at once (2.5 measured).

    The net's weights are under 50 kB; the second process that restores the model predicts on the
    same points with 2 such arrays, after this process's training is over.
    """
    return 3 * FLOAT32_BYTES * points * hidden


@hookimpl
def nnlessons_run(ctx: RunContext) -> dict[str, Any]:
    from nnlessons_save_load.lesson import run  # torch is imported only when the lesson runs

    return run(ctx)


@hookimpl
def nnlessons_exercises():
    from nnlessons_save_load.exercises import EXERCISES

    return EXERCISES
