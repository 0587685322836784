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
from nnlessons_save_load.nets import DropoutNet, RegressionNet, sequential_net
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
                           what: str, mistakes: Mapping[str, Mapping[str, torch.Tensor]] | None = None,
                           tolerance: Mapping[str, float] | None = None) -> None:
    """Every tensor of `expected` bit-identical in `got`; `what` names one ("'{name}' of ..."); `mistakes` maps
    a message to the state a mistake leaves."""
    for name, tensor in expected.items():
        expect(name in got, what.format(name=name) + " is missing.", case)
        expect_close(got[name], tensor, case, **(tolerance or {"atol": 0.0}), what=what.format(name=name),
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
        epoch = call_learner(learner.load_checkpoint, load, in_place=("model", "optimizer"))  # it loads into them
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


# ---- resumable-training -----------------------------------------------------------------------

import copy  # noqa: E402 - kept beside the exercise that needs it

from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

RUN_OPTIMIZERS: dict[str, Callable[[Any], torch.optim.Optimizer]] = {
    "Adam, lr 0.1": lambda params: torch.optim.Adam(params, lr=0.1),
    "SGD with momentum 0.9, lr 0.2": lambda params: torch.optim.SGD(params, lr=0.2, momentum=0.9),
    "SGD, lr 0 (the weights never change: every epoch ties)": lambda params: torch.optim.SGD(params, lr=0.0),
}
# (optimizer, the net's seed, batch size, shuffle seed, epochs, the epoch the first run stops after)
RUN_CASES = (("Adam, lr 0.1", 0, 16, 3, 12, 8), ("SGD with momentum 0.9, lr 0.2", 0, 16, 3, 12, 5),
             ("SGD with momentum 0.9, lr 0.2", 1, 12, 11, 10, 3),
             ("SGD, lr 0 (the weights never change: every epoch ties)", 2, 16, 0, 4, 2))
FIRST_GLOBAL_SEED, RESUME_GLOBAL_SEED = 5, 77  # torch.manual_seed before the first run and before the resumed one
CHECKPOINT_KEYS = ("model", "optimizer", "epoch", "shuffle_rng", "torch_rng", "best_model", "best_loss", "best_epoch")
RUN_TOLERANCE = dict(atol=1e-5, rtol=1e-4)  # another way to write the MSE rounds differently; a mistake is far off

RESUME_MISTAKES = {
    "optimizer": "the optimizer's state was not restored (momentum buffers, Adam's moments and step count start "
                 "from zero again): save optimizer.state_dict() and load it with optimizer.load_state_dict(...).",
    "shuffle_rng": "the shuffle generator's state was not restored: the resumed run shuffles epoch 1's order again. "
                   "Save generator.get_state() and restore it with generator.set_state(...) before the next epoch.",
    "torch_rng": "torch's global random state was not restored: the resumed run draws other dropout masks. Save "
                 "torch.get_rng_state() and restore it with torch.set_rng_state(...).",
    "epoch_before": "the epoch counter is off by one: the resumed run repeats the last finished epoch. Save the number "
                    "of epochs finished (epoch + 1 for the 0-based loop variable) and start the loop there.",
    "epoch_after": "the epoch counter is off by one: the resumed run skips an epoch. Start the loop at the saved number "
                   "of epochs finished, not one after it.",
    "best": "the best model was not restored on resume: the resumed run forgot a better epoch seen before it stopped. "
            "Save best_model, best_loss and best_epoch in the checkpoint and load them back.",
}
STRAIGHT_MISTAKES = {
    "eval": "the validation loss was measured in training mode: dropout was on (and drew random numbers). Call "
            "model.eval() before measuring, and model.train() before the next epoch's steps.",
    "zero_grad": "the gradients pile up from step to step: call optimizer.zero_grad() before each backward().",
}
LIVE_BEST = ("your best_model holds the final weights, not those of the best epoch: model.state_dict() shares its "
             "tensors with the model, which every later step changes. Keep a copy: copy.deepcopy(model.state_dict()).")


def run_data() -> tuple[tuple[torch.Tensor, torch.Tensor], tuple[torch.Tensor, torch.Tensor]]:
    """40 training and 15 validation points of the lesson's curve."""
    return make_curve(torch.Generator().manual_seed(0), 40, 0.2), make_curve(torch.Generator().manual_seed(1), 15, 0.2)


def dropout_net(seed: int) -> DropoutNet:
    with seeded(seed):
        return DropoutNet()


def reference_train(model: nn.Module, optimizer: torch.optim.Optimizer, data: tuple, epochs: int, batch_size: int,
                    seed: int, checkpoint: dict | None = None, mistake: str = "") -> tuple[dict, dict]:
    """The reference's run with the checkpoint kept in memory, or one known mistake made: (best, checkpoint)."""
    (x, y), (x_val, y_val) = data
    generator = torch.Generator().manual_seed(seed)
    start, best = 0, {"best_model": None, "best_loss": float("inf"), "best_epoch": 0}
    if checkpoint is not None:
        model.load_state_dict(checkpoint["model"])
        if mistake != "optimizer":
            optimizer.load_state_dict(checkpoint["optimizer"])
        if mistake != "shuffle_rng":
            generator.set_state(checkpoint["shuffle_rng"])
        if mistake != "torch_rng":
            torch.set_rng_state(checkpoint["torch_rng"])
        start = checkpoint["epoch"] + {"epoch_before": -1, "epoch_after": 1}.get(mistake, 0)
        if mistake != "best":
            best = {key: checkpoint[key] for key in best}
    loader = DataLoader(TensorDataset(x, y), batch_size=batch_size, shuffle=True, generator=generator)
    saved: dict = {}
    for epoch in range(start, epochs):
        model.train()
        for xb, yb in loader:
            if mistake != "zero_grad":
                optimizer.zero_grad()
            F.mse_loss(model(xb), yb).backward()
            optimizer.step()
        if mistake != "eval":
            model.eval()
        with torch.no_grad():
            val_loss = F.mse_loss(model(x_val), y_val).item()
        if val_loss < best["best_loss"]:
            best = {"best_model": copy.deepcopy(model.state_dict()), "best_loss": val_loss, "best_epoch": epoch + 1}
        saved = copy.deepcopy({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch + 1,
                               "shuffle_rng": generator.get_state(), "torch_rng": torch.get_rng_state(), **best})
    return best, saved


def reference_model(name: str, net_seed: int, data: tuple, epochs: int, batch_size: int, seed: int, *,
                    global_seed: int, checkpoint: dict | None = None, mistake: str = "") -> tuple[nn.Module, dict, dict]:
    model = dropout_net(net_seed)
    optimizer = RUN_OPTIMIZERS[name](model.parameters())
    torch.manual_seed(global_seed)
    best, saved = reference_train(model, optimizer, data, epochs, batch_size, seed, copy.deepcopy(checkpoint), mistake)
    return model, best, saved


def expect_best(got: Any, expected: dict, final: Mapping[str, torch.Tensor], case: Case, what: str,
                mistakes: Mapping[str, dict]) -> None:
    expect(isinstance(got, Mapping) and {"best_model", "best_loss", "best_epoch"} <= set(got),
           f"{what} returned {describe_value(got)}; return a dict with best_model, best_loss and best_epoch.", case)
    known = next((message for message, wrong in mistakes.items() if wrong["best_epoch"] == got["best_epoch"]
                  and wrong["best_epoch"] != expected["best_epoch"]), None)
    expect_equal(got["best_epoch"], expected["best_epoch"], case, what=f"{what}: best_epoch",
                 mistakes={known: got["best_epoch"]} if known else {})
    expect(isinstance(got["best_loss"], float), f"{what}: best_loss is {describe_value(got['best_loss'])}; return "
                                                "a Python float (a tensor's .item()).", case)
    expect_close(torch.tensor(float(got["best_loss"]), dtype=torch.float64),
                 torch.tensor(expected["best_loss"], dtype=torch.float64), case, what=f"{what}: best_loss",
                 **RUN_TOLERANCE)
    expect(isinstance(got["best_model"], Mapping), f"{what}: best_model is {describe_value(got['best_model'])}; "
                                                   f"keep a state_dict (a dict from names to tensors).", case)
    expect_same_parameters(got["best_model"], expected["best_model"], case, what=f"{what}: best_model['{{name}}']",
                           mistakes={LIVE_BEST: final}, tolerance=RUN_TOLERANCE)


def expect_checkpoint(path: Path, epochs: int, case: Case) -> None:
    contents = weights_only_contents(path, case, "save state_dicts, tensors and numbers (not the model or optimizer "
                                                 "objects), so that weights_only=True can load the checkpoint.")
    missing = [key for key in CHECKPOINT_KEYS if not (isinstance(contents, Mapping) and key in contents)]
    expect(not missing, f"your checkpoint file lacks {', '.join(missing)}: it holds {describe_value(contents)}.", case)
    expect_equal(contents["epoch"], epochs, case, what="the checkpoint's epoch (epochs finished)", mistakes={
        "the epoch counter is off by one: save the number of epochs finished (epoch + 1 for the 0-based loop "
        "variable), not the index of the last epoch.": epochs - 1})


def check_resumable_training(learner: ModuleType) -> str:
    data = run_data()
    with tempfile.TemporaryDirectory() as folder:
        for number, (name, net_seed, batch_size, seed, epochs, stop) in enumerate(RUN_CASES):
            settings = f"{name}, batch_size={batch_size}, seed={seed}"
            straight, best, _ = reference_model(name, net_seed, data, epochs, batch_size, seed,
                                                global_seed=FIRST_GLOBAL_SEED)

            def learners_run(model: nn.Module, upto: int, path: Path, global_seed: int, description: str) -> Any:
                optimizer = RUN_OPTIMIZERS[name](model.parameters())
                case = FileCase(description, model=model, optimizer=optimizer, train_set=data[0], val_set=data[1],
                                epochs=upto, batch_size=batch_size, seed=seed, path=path)
                torch.manual_seed(global_seed)
                return case, call_learner(learner.train, case, in_place=("model", "optimizer"))

            # straight through, from no checkpoint
            model = dropout_net(net_seed)
            case, got = learners_run(model, epochs, Path(folder) / f"straight{number}.pt", FIRST_GLOBAL_SEED,
                                     f"{settings}: {epochs} epochs straight, from no checkpoint")
            wrong = {STRAIGHT_MISTAKES[m]: reference_model(name, net_seed, data, epochs, batch_size, seed,
                                                           global_seed=FIRST_GLOBAL_SEED, mistake=m)[0].state_dict()
                     for m in STRAIGHT_MISTAKES}
            expect_same_parameters(model.state_dict(), straight.state_dict(), case,
                                   what="'{name}' of the model after train", mistakes=wrong, tolerance=RUN_TOLERANCE)
            expect(int(model.graphs_in_eval) == 0, "your validation pass ran with autograd on: it builds a graph "
                   "that no backward() uses. Measure it inside `with torch.no_grad():`.", case,
                   mistake="no torch.no_grad() around the evaluation.")
            expect_best(got, best, straight.state_dict(), case, "train", {})
            expect_checkpoint(Path(folder) / f"straight{number}.pt", epochs, case)

            # stopped after `stop` epochs, then resumed with fresh objects in a new "process"
            path = Path(folder) / f"stopped{number}.pt"
            first = dropout_net(net_seed)
            case, _ = learners_run(first, stop, path, FIRST_GLOBAL_SEED, f"{settings}: the first {stop} epochs")
            expect_checkpoint(path, stop, case)
            _, _, checkpoint = reference_model(name, net_seed, data, stop, batch_size, seed, global_seed=FIRST_GLOBAL_SEED)
            resumed = dropout_net(net_seed + 100)  # fresh weights: the checkpoint must replace them
            case, got = learners_run(resumed, epochs, path, RESUME_GLOBAL_SEED,
                                     f"{settings}: resumed from the checkpoint of epoch {stop} (fresh model and "
                                     f"optimizer, another global seed) up to epoch {epochs}")
            variants = {m: reference_model(name, net_seed + 100, data, epochs, batch_size, seed,
                                           global_seed=RESUME_GLOBAL_SEED, checkpoint=checkpoint, mistake=m)
                        for m in RESUME_MISTAKES}
            expect_same_parameters(resumed.state_dict(), straight.state_dict(), case,
                                   what="'{name}' of the resumed model, compared with training straight through",
                                   mistakes={RESUME_MISTAKES[m]: v[0].state_dict() for m, v in variants.items()},
                                   tolerance=RUN_TOLERANCE)
            expect_best(got, best, resumed.state_dict(), case, "the resumed train",
                        {RESUME_MISTAKES[m]: v[1] for m, v in variants.items()})
        model = dropout_net(0)
        path = Path(folder) / "nothing.pt"
        case = FileCase("epochs=0 from no checkpoint: nothing to train", model=model,
                        optimizer=RUN_OPTIMIZERS["Adam, lr 0.1"](model.parameters()), train_set=data[0], val_set=data[1],
                        epochs=0, batch_size=16, seed=0, path=path)
        got = call_learner(learner.train, case, in_place=("model", "optimizer"))
        expect(isinstance(got, Mapping) and got.get("best_model", 0) is None and got.get("best_loss") == float("inf")
               and got.get("best_epoch") == 0, f"train with epochs=0 and no checkpoint returned {describe_value(got)}; "
               "it trains nothing and returns the starting best: best_model None, best_loss inf, best_epoch 0.", case)
    return (f"{len(RUN_CASES)} runs (Adam, SGD with momentum; dropout; shuffled batches): straight through and "
            "stopped + resumed from your checkpoint, the weights, best model and checkpoint matched the reference.")
