"""Checks of the save-load exercises: PyTorch's own state_dicts, torch.load(weights_only=True) and
training straight through are the oracles.

Every file is written into a tempfile.TemporaryDirectory. In the learner's process torch.load
refuses weights_only=False (the exercises' ``forbids=(forbid.UNSAFE_LOAD,)``); here, the check
reads what their code wrote only with weights_only=True.
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from nnlessons.practice.compare import in_learners_process, Case, call_learner, describe_value, expect, expect_close, expect_equal
from nnlessons.practice.exercise import CheckFailed
from nnlessons.seeding import seeded
from nnlessons_save_load.data import make_curve
from nnlessons_save_load.nets import RegressionNet, sequential_net
from nnlessons_save_load.pickle_risk import MakesAFolderWhenLoaded

TRUSTED = (RegressionNet, nn.Sequential, nn.Linear, nn.ReLU)
_TORCH_LOAD = torch.load


class FileCase(Case):
    """A Case that shows a path by its file name and an optimizer by its class, not by their long reprs."""

    def describe(self) -> str:
        return ", ".join(f"{name}={_short(value)}" for name, value in self.inputs.items())


def _short(value: Any) -> str:
    if isinstance(value, Path):
        return f"'{value.name}' in a temporary folder"
    if isinstance(value, torch.optim.Optimizer):
        return f"a fresh {type(value).__name__}" if not value.state else f"a {type(value).__name__} with its state"
    if isinstance(value, Mapping):
        return "a dict with the keys " + ", ".join(map(str, value))
    return describe_value(value)


def lesson_data() -> tuple[torch.Tensor, torch.Tensor]:
    """The lesson's 100 points of y = x^2 + 0.2 U[0, 1), both (100, 1)."""
    return make_curve(torch.Generator().manual_seed(0), 100, 0.2)


def train_steps(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor, y: torch.Tensor, steps: int) -> None:
    """Full-batch MSE steps, as the lesson trains (one step is one epoch)."""
    for _ in range(steps):
        loss = F.mse_loss(model(x), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def descend(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int, lr: float = 0.5) -> None:
    """The lesson's full-batch SGD written out (torch.optim's first use imports torch._dynamo: seconds)."""
    for _ in range(steps):
        model.zero_grad()
        F.mse_loss(model(x), y).backward()
        with torch.no_grad():
            for parameter in model.parameters():
                parameter -= lr * parameter.grad


def seeded_net(hidden: int, seed: int) -> RegressionNet:
    with seeded(seed):
        return RegressionNet(hidden)


def failure(message: str, case: Case | None) -> CheckFailed:
    """The failure `expect` raises, for checks that need to raise it themselves (in an except or finally)."""
    if case is None:
        return CheckFailed(message)
    return CheckFailed(message, case=case.description, details={"inputs": case.describe()})



def weights_only_contents(path: Path, case: Case, fix: str) -> Any:
    """What the learner's file holds, loaded the safe way; a file that names classes fails, saying which."""
    expect(path.is_file(), f"your function wrote no file at path ({path.name}): write it with torch.save(..., path).", case)
    try:
        return _TORCH_LOAD(path, weights_only=True)
    except pickle.UnpicklingError:
        named = ", ".join(torch.serialization.get_unsafe_globals_in_checkpoint(path))
        raise failure(f"your file cannot be loaded with torch.load(path, weights_only=True): it names {named}. {fix}",
                            case) from None


def expect_same_parameters(got: Mapping[str, torch.Tensor], expected: Mapping[str, torch.Tensor], case: Case, *,
                           what: str, mistakes: Mapping[str, Mapping[str, torch.Tensor]] | None = None) -> None:
    """Every tensor of `expected` bit-identical in `got`; `what` names one ("'{name}' of ..."); `mistakes` maps
    a message to the state a mistake leaves."""
    for name, tensor in expected.items():
        expect(name in got, what.format(name=name) + " is missing.", case)
        expect_close(got[name], tensor, case, atol=0.0, what=what.format(name=name),
                     mistakes={message: state[name] for message, state in (mistakes or {}).items()})


def cloned_state(module: nn.Module) -> dict[str, torch.Tensor]:
    return {name: tensor.detach().clone() for name, tensor in module.state_dict().items()}


# ---- state-dict-round-trip --------------------------------------------------------------------

WHOLE_MODULE_FIX = "torch.save(model, path) pickles the whole module; save model.state_dict() instead."


def check_state_dict_round_trip(learner: ModuleType) -> str:
    x, y = lesson_data()
    widths = (10, 1, 3, 64)
    for hidden in widths:
        model = seeded_net(hidden, seed=hidden)
        descend(model, x, y, steps=20)
        saved = cloned_state(model)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "state_dict.pt"
            save = FileCase(f"save_weights of a trained RegressionNet({hidden})", model=model, path=path)
            call_learner(learner.save_weights, save)
            contents = weights_only_contents(path, save, WHOLE_MODULE_FIX)
            expect(isinstance(contents, Mapping) and set(contents) == set(saved),
                   f"your file holds {describe_value(contents)}; it should hold model.state_dict(), "
                   f"a dict with the keys {', '.join(saved)}.", save)
            fresh = cloned_state(seeded_net(hidden, seed=999))  # what load_weights builds before loading
            load = FileCase(f"load_weights of that file, hidden={hidden}", path=path, hidden=hidden)
            torch.manual_seed(999)
            restored = call_learner(learner.load_weights, load)
        expect(isinstance(restored, RegressionNet),
               f"load_weights returned {describe_value(restored)}; it should return the RegressionNet it built.", load)
        expect_same_parameters(restored.state_dict(), saved, load, what="'{name}' of the restored net", mistakes={
            "the restored net still has a fresh RegressionNet's random weights: did you forget "
            "model.load_state_dict(torch.load(path, weights_only=True))?": fresh})
        expect(not restored.training, "the restored net is still in training mode: call model.eval() before "
                                      "returning it (it matters for dropout and batch-norm layers).", load)
        with torch.no_grad():
            expect_close(restored(x), model.eval()(x), load, atol=0.0, what="the restored net's predictions")
    return f"nets of widths {', '.join(map(str, widths))}: every parameter and prediction restored exactly."


# ---- state-dict-for-sequential ----------------------------------------------------------------

SEQUENTIAL_NAME = {"hidden.weight": "0.weight", "hidden.bias": "0.bias",
                   "predict.weight": "2.weight", "predict.bias": "2.bias"}


def _source_of(tensor: Any, state: Mapping[str, torch.Tensor]) -> str | None:
    """Which of the original tensors `tensor` is a copy of (None: none of them)."""
    if not isinstance(tensor, torch.Tensor):
        return None
    return next((name for name, t in state.items() if t.shape == tensor.shape and torch.equal(t, tensor)), None)


def check_state_dict_for_sequential(learner: ModuleType) -> str:
    x, _ = lesson_data()
    widths = (10, 1, 4, 37)
    for hidden in widths:
        net = seeded_net(hidden, seed=hidden)
        original = cloned_state(net)
        given = net.state_dict()
        case = FileCase(f"RegressionNet({hidden}).state_dict()", state_dict=given)
        got = call_learner(learner.to_sequential_names, case)
        expect(list(given) == list(original), "you changed the state_dict you were given (its keys are now "
               f"{', '.join(given) or 'gone'}): build a new dict and leave the given one as it was.", case)
        expect(isinstance(got, Mapping), f"your function returned {describe_value(got)}; return a dict.", case)
        keys, right = sorted(map(str, got)), sorted(SEQUENTIAL_NAME.values())
        known = {("0.bias", "0.weight", "1.bias", "1.weight"):
                 "index 1 of the Sequential is the ReLU, which has no parameters: the second Linear is index 2.",
                 tuple(sorted(original)):
                 "the keys are still RegressionNet's names: a Sequential names its parameters '<index>.<name>'."}
        expect(keys == right, f"your dict's keys are {keys}; sequential_net({hidden}).state_dict()'s are {right}.",
               case, mistake=known.get(tuple(keys)))
        for old, new in SEQUENTIAL_NAME.items():
            source = _source_of(got[new], original)
            expect(source in (old, None), f"your '{new}' holds {source}, but it must hold {old}: index 0 is the first "
                                          f"Linear (hidden), index 2 the last one (predict).", case)
            expect_close(got[new], original[old], case, atol=0.0, what=f"your '{new}'")
        sequential = sequential_net(hidden)
        sequential.load_state_dict(got)  # keys and shapes were checked above
        with torch.no_grad():
            expect_close(sequential(x), net(x), case, atol=0.0, what="the Sequential's predictions with your dict")
    return f"nets of widths {', '.join(map(str, widths))}: the Sequential predicts exactly what the RegressionNet does."


# ---- allowlisted-load -------------------------------------------------------------------------

def _call_without_leak(learner: ModuleType, case: Case) -> Any:
    """Call load_trusted_model; fail if it leaves any trusted class allowed for the rest of the program."""
    in_learners_process(learner, "remember_safe_globals")
    try:
        return call_learner(learner.load_trusted_model, case)
    finally:
        added = in_learners_process(learner, "safe_globals_added")
        leaked = [cls.__name__ for cls in TRUSTED if f"{cls.__module__}.{cls.__qualname__}" in added]
        if leaked:
            raise failure(f"after your function returned, torch still allows {', '.join(leaked)} in every "
                                "torch.load: add_safe_globals changes the allowlist for the whole program. Use "
                                "`with torch.serialization.safe_globals([...]):` around this one load.", case)


def check_allowlisted_load(learner: ModuleType) -> str:
    x, _ = lesson_data()
    trusted = [("a whole RegressionNet(10)", seeded_net(10, seed=1)),
               ("a whole nn.Sequential(Linear(1, 4), ReLU(), Linear(4, 1))", sequential_net(4)),
               ("a whole RegressionNet(1)", seeded_net(1, seed=2))]
    with tempfile.TemporaryDirectory() as folder:
        for i, (what, model) in enumerate(trusted):
            path = Path(folder) / f"model{i}.pt"
            torch.save(model, path)
            case = FileCase(f"{what}: made of trusted classes, must load", path=path)
            try:
                loaded = _call_without_leak(learner, case)
            except pickle.UnpicklingError:
                named = ", ".join(torch.serialization.get_unsafe_globals_in_checkpoint(path))
                raise failure(f"your function refused a file made only of trusted classes; it names {named}. "
                                    "Allow RegressionNet, nn.Sequential, nn.Linear and nn.ReLU.", case) from None
            expect(loaded.__class__ is type(model), f"your function returned {describe_value(loaded)}; the file holds a "
                                                f"{type(model).__name__}.", case)
            expect_same_parameters(loaded.state_dict(), model.state_dict(), case, what="'{name}' of the loaded model")
            with torch.no_grad():
                expect_close(loaded(x), model(x), case, atol=0.0, what="the loaded model's predictions")
        refused = [("a whole nn.Sequential with an nn.Tanh: Tanh is not on the allowlist",
                    nn.Sequential(nn.Linear(1, 3), nn.Tanh(), nn.Linear(3, 1)))]
        made_by_load = Path(folder) / "made-by-torch-load"
        refused.append(("a file whose pickle calls os.mkdir(folder)", MakesAFolderWhenLoaded(made_by_load)))
        for i, (what, obj) in enumerate(refused):
            path = Path(folder) / f"untrusted{i}.pt"
            torch.save(obj, path)
            case = FileCase(f"{what}: must be refused", path=path)
            try:
                got = _call_without_leak(learner, case)
            except pickle.UnpicklingError:
                got = None
            else:
                named = ", ".join(torch.serialization.get_unsafe_globals_in_checkpoint(path))
                raise failure(f"your function returned {describe_value(got)} for a file that names {named}, "
                                    "which is not on the allowlist: allow exactly RegressionNet, nn.Sequential, "
                                    "nn.Linear and nn.ReLU (not every global the file names) and let torch's "
                                    "pickle.UnpicklingError propagate.", case)
            finally:
                expect(not made_by_load.exists(), "loading ran the code inside the file: os.mkdir made the folder. "
                                                  "Never unpickle a file with anything but weights_only=True.", case)
    return "3 trusted files loaded exactly; an nn.Tanh file and an os.mkdir pickle refused; the allowlist did not leak."


# ---- resume-training --------------------------------------------------------------------------

OPTIMIZERS: dict[str, Callable[[Any], torch.optim.Optimizer]] = {
    "plain SGD, lr 0.5 (the lesson's)": lambda params: torch.optim.SGD(params, lr=0.5),
    "SGD with momentum 0.9, lr 0.1": lambda params: torch.optim.SGD(params, lr=0.1, momentum=0.9),
    "Adam, lr 0.01": lambda params: torch.optim.Adam(params, lr=0.01),
}
# (optimizer, hidden, epochs in all, epochs before the checkpoint)
RESUME_CASES = (("plain SGD, lr 0.5 (the lesson's)", 10, 12, 6), ("SGD with momentum 0.9, lr 0.1", 10, 12, 6),
                ("Adam, lr 0.01", 10, 16, 8), ("Adam, lr 0.01", 3, 15, 7), ("SGD with momentum 0.9, lr 0.1", 1, 9, 4))
OBJECTS_FIX = ("torch.save of the model or optimizer object pickles its class; save model.state_dict() and "
               "optimizer.state_dict() in a dict with the epoch.")


def _same_value(a: Any, b: Any) -> bool:
    """Deep equality for optimizer states: tensors bit for bit, containers element by element."""
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        return isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor) and a.shape == b.shape and torch.equal(a, b)
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_same_value(p, q) for p, q in zip(a, b))
    return a == b


def expect_same_optimizer_state(got: torch.optim.Optimizer, expected: torch.optim.Optimizer, case: Case) -> None:
    ours, theirs = got.state_dict(), expected.state_dict()
    expect(bool(ours["state"]) or not theirs["state"],
           "the optimizer's state was not restored (its momentum buffers, or Adam's moments and step count, start "
           "from zero again): save optimizer.state_dict() and load it with optimizer.load_state_dict(...).", case)
    expect(_same_value(ours["state"], theirs["state"]),
           "the optimizer's state after load_checkpoint differs from the saved optimizer's.", case)
    expect(_same_value(ours["param_groups"], theirs["param_groups"]),
           f"the optimizer's hyper-parameters after load_checkpoint are {ours['param_groups']}; the saved optimizer's "
           f"are {theirs['param_groups']}.", case)


MODEL_NOT_LOADED = ("load_checkpoint did not change the model passed to it (it still has the fresh weights): "
                    "load the saved weights into it with model.load_state_dict(...).")


def stop_and_resume(learner: ModuleType, name: str, hidden: int, at: int, total: int, x: torch.Tensor,
                    y: torch.Tensor) -> tuple[RegressionNet, torch.optim.Optimizer, int]:
    """Train `at` epochs, save_checkpoint, load_checkpoint into fresh objects; check what they restored."""
    make_optimizer = OPTIMIZERS[name]
    first = seeded_net(hidden, seed=hidden)
    first_optimizer = make_optimizer(first.parameters())
    train_steps(first, first_optimizer, x, y, at)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "checkpoint.pt"
        save = FileCase(f"{name}, RegressionNet({hidden}): save_checkpoint after {at} of {total} epochs",
                    path=path, model=first, optimizer=first_optimizer, epoch=at)
        call_learner(learner.save_checkpoint, save)
        weights_only_contents(path, save, OBJECTS_FIX)
        resumed = seeded_net(hidden, seed=hidden + 1000)  # fresh weights, unlike the saved ones
        resumed_optimizer = make_optimizer(resumed.parameters())
        fresh = cloned_state(resumed)
        load = FileCase(f"{name}, RegressionNet({hidden}): load_checkpoint into a fresh net and optimizer",
                    path=path, model=resumed, optimizer=resumed_optimizer)
        epoch = call_learner(learner.load_checkpoint, load)
    expect_equal(epoch, at, load, what="load_checkpoint", mistakes={
        "load_checkpoint returned None: return the epoch stored in the checkpoint.": None,
        "off by one: return the epoch that was saved (the number of epochs finished), not the next one.": at + 1,
    })
    expect_same_parameters(resumed.state_dict(), first.state_dict(), load,
                           what="'{name}' of the model after load_checkpoint", mistakes={MODEL_NOT_LOADED: fresh})
    expect_same_optimizer_state(resumed_optimizer, first_optimizer, load)
    return resumed, resumed_optimizer, epoch


def check_resume_training(learner: ModuleType) -> str:
    x, y = lesson_data()
    for name, hidden, total, at in RESUME_CASES:
        straight = seeded_net(hidden, seed=hidden)
        train_steps(straight, OPTIMIZERS[name](straight.parameters()), x, y, total)
        resumed, optimizer, start = stop_and_resume(learner, name, hidden, at, total, x, y)
        train_steps(resumed, optimizer, x, y, total - start)
        case = FileCase(f"{name}, RegressionNet({hidden}): {at} epochs, save, load, {total - at} more vs {total} straight")
        expect_same_parameters(resumed.state_dict(), straight.state_dict(), case, what="'{name}' of the resumed model")
    return (f"{len(RESUME_CASES)} runs (plain SGD, momentum, Adam) resumed from your checkpoint to exactly "
            "the weights of training straight through.")
