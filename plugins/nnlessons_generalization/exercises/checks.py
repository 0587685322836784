"""Checks of the generalization exercises: random_split, the lesson's own reference loops and torch.optim are the oracle.

No MNIST: seeded synthetic points around one centre per class (fit_probe.blobs). The learner's
evaluate and fit get a ProbeNet (dropout and batch norm) whose pass counters say in which mode and
with or without autograd each training and validation batch went through it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import torch
from torch import nn

from nnlessons.practice.compare import Case, call_learner, describe_value, expect, expect_close, expect_equal
from nnlessons_generalization import fit_probe
from nnlessons_generalization.fit_probe import EVAL_MODE, GRAD, NO_GRAD, TRAIN, TRAIN_MODE, VALIDATION

F64 = torch.float64


@contextmanager
def one_thread() -> Iterator[None]:
    """Torch on one thread, as in the learner's process: the same sums in the same order."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


# --- split-indices ---------------------------------------------------------------------------------


def split_cases() -> list[Case]:
    cases = [Case("n = 10, fraction 0.3", n=10, fraction=0.3, seed=0), Case("n = 1, fraction 0.5", n=1, fraction=0.5, seed=1),
             Case("fraction 0: no validation", n=7, fraction=0.0, seed=2), Case("n = 2, fraction 0.5", n=2, fraction=0.5, seed=3),
             Case("fraction 0.25 of 1000", n=1000, fraction=0.25, seed=4), Case("n * fraction = 9.99", n=999, fraction=0.01, seed=5),
             Case("fraction 1: no training part", n=5, fraction=1.0, seed=6)]
    g = torch.Generator().manual_seed(0)
    for number in range(12):
        n = int(torch.randint(3, 300, (), generator=g))
        cases.append(Case(f"random case {number + 1}", n=n, fraction=round(float(torch.rand((), generator=g)) * 0.6, 3),
                          seed=number + 10))
    return cases


def _split_mistakes(n: int, n_val: int, seed: int, fraction: float) -> dict[str, tuple[list[int], list[int]]]:
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed)).tolist()
    rounded = round(n * fraction)
    return {
        "the split is by position, not shuffled: draw a random permutation with torch.randperm(n, generator=generator).":
            (list(range(n - n_val)), list(range(n - n_val, n))),
        "the validation part is taken from the start of the permutation; random_split gives the first "
        "n - n_val indices to training and the rest to validation.": (order[n_val:], order[:n_val]),
        "n_val is rounded to the nearest whole number; the task asks for int(n * fraction), rounded down.":
            (order[: n - rounded], order[n - rounded :]),
    }


def _as_list(part: Any, what: str, case: Case) -> list[int]:
    expect(isinstance(part, torch.Tensor), f"the {what} part is {describe_value(part)}; return a tensor of indices.", case)
    expect(part.dtype == torch.int64 and part.dim() == 1,
           f"the {what} part is {describe_value(part)}; return a 1-d int64 tensor (what torch.randperm gives).", case)
    return part.tolist()


def check_split_indices(learner: ModuleType) -> str:
    import warnings

    from torch.utils.data import random_split

    cases = split_cases()
    for case in cases:
        n, fraction, seed = case["n"], case["fraction"], case["seed"]
        n_val = int(n * fraction)
        with warnings.catch_warnings():  # an empty part (fraction 0 or 1) is part of the contract
            warnings.simplefilter("ignore")
            expected = tuple(list(part) for part in random_split(range(n), [n - n_val, n_val],
                                                                 generator=torch.Generator().manual_seed(seed)))
        learner_case = Case(case.description, n=n, fraction=fraction, generator=torch.Generator().manual_seed(seed))
        got = call_learner(learner.split_indices, learner_case)
        expect(isinstance(got, tuple) and len(got) == 2,
               f"your function returned {describe_value(got)}; return two tensors, (train, val).", learner_case)
        train, val = _as_list(got[0], "training", learner_case), _as_list(got[1], "validation", learner_case)
        mistakes = _split_mistakes(n, n_val, seed, fraction)
        expect(not set(train) & set(val), f"{len(set(train) & set(val))} indices are in both parts: train and validation "
                                         "share examples, so validation no longer measures unseen data.", learner_case,
               mistake="two separate draws (two randperms, or randint) for the two parts: cut ONE permutation in two.")
        expect(len(val) == n_val, f"the validation part holds {len(val)} indices; int({n} * {fraction}) = {n_val}.",
               learner_case, mistake=next((m for m, (t, v) in mistakes.items() if len(v) == len(val) and len(t) == len(train)
                                           and "rounded" in m), None))
        expect(sorted(train + val) == list(range(n)), f"the two parts do not hold every index 0..{n - 1} exactly once.",
               learner_case)
        expect_equal((train, val), expected, learner_case, what="your split", mistakes=mistakes | {
            "a valid split, but not the one the generator passed in gives: draw the permutation with "
            "torch.randperm(n, generator=generator) (the global generator, or a second draw, gives another).":
                (train, val) if (train, val) != expected else None})
    return f"{len(cases)} splits matched random_split's with the same generator (n from 1 to 999, fraction 0 to 1)."


# --- evaluate and fit: the data and the reference loops ------------------------------------------


@dataclass
class Scenario:
    description: str
    train_sizes: tuple[int, int]  # (examples, batch size)
    val_sizes: tuple[int, int]
    epochs: int
    make_optimizer: Callable[[Any], torch.optim.Optimizer]
    loss_fn: nn.Module
    seed: int
    handed_over: str = "train"  # the mode the model is in when the learner gets it

    def loaders(self) -> tuple[list, list]:
        g = torch.Generator().manual_seed(self.seed)
        x, y = fit_probe.blobs(self.train_sizes[0] + self.val_sizes[0], 6, 3, g)
        n = self.train_sizes[0]
        return (fit_probe.batched(x[:n], y[:n], self.train_sizes[1], TRAIN),
                fit_probe.batched(x[n:], y[n:], self.val_sizes[1], VALIDATION))

    def model(self) -> fit_probe.ProbeNet:
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.seed + 100)
            model = fit_probe.ProbeNet()
        return model.train() if self.handed_over == "train" else model.eval()


SCENARIOS = [
    Scenario("SGD with momentum, 5 epochs: 30 training examples in batches of 8 (the last holds 6), 14 validation "
             "examples in batches of 4 (the last holds 2)", (30, 8), (14, 4), 5,
             lambda params: torch.optim.SGD(params, lr=0.3, momentum=0.9), nn.CrossEntropyLoss(), seed=1),
    Scenario("Adam, 6 epochs, a loss that smooths the labels: 25 training examples in batches of 10 (the last holds 5), "
             "11 validation examples in batches of 3 (the last holds 2); the model arrives in eval()", (25, 10), (11, 3), 6,
             lambda params: torch.optim.Adam(params, lr=0.05), nn.CrossEntropyLoss(label_smoothing=0.1), seed=2,
             handed_over="eval"),
    Scenario("one epoch of plain SGD: 17 training examples in batches of 5 (the last holds 2), 9 validation examples in "
             "one batch", (17, 5), (9, 9), 1, lambda params: torch.optim.SGD(params, lr=0.1), nn.CrossEntropyLoss(), seed=3),
]


def reference_evaluate(model: nn.Module, loader: list, loss_fn: nn.Module) -> tuple[float, float, float, float]:
    """(loss per example, accuracy, loss averaged per batch, accuracy averaged per batch) in eval() under no_grad."""
    was_training = model.training
    model.eval()
    losses, rights, sizes = [], [], []
    with torch.no_grad():
        for inputs, labels in loader:
            outputs = model(inputs)
            losses.append(loss_fn(outputs, labels).item())
            rights.append(int((outputs.argmax(dim=1) == labels).sum()))
            sizes.append(labels.shape[0])
    model.train(was_training)
    seen = sum(sizes)
    return (sum(l * s for l, s in zip(losses, sizes)) / seen, sum(rights) / seen, sum(losses) / len(losses),
            sum(r / s for r, s in zip(rights, sizes)) / len(sizes))


@dataclass
class Reference:
    model: nn.Module
    history: list[dict[str, float]]
    per_batch: list[dict[str, float]]  # the same numbers averaged per batch (the mistake)
    best_state: dict[str, torch.Tensor]
    best_epoch: int


def reference_fit(model: nn.Module, scenario: Scenario, zero_grad: bool = True) -> Reference:
    """The loop the exercise asks for, on `model` itself (pass a copy); zero_grad=False is a known mistake."""
    train_loader, val_loader = scenario.loaders()
    optimizer = scenario.make_optimizer(model.parameters())
    history, per_batch, best_state, best_loss, best_epoch = [], [], {}, float("inf"), 0
    with torch.random.fork_rng(devices=[]), one_thread():
        torch.manual_seed(scenario.seed)
        for epoch in range(1, scenario.epochs + 1):
            model.train()
            losses, sizes = [], []
            for inputs, labels in train_loader:
                loss = scenario.loss_fn(model(inputs), labels)
                if zero_grad:
                    optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
                sizes.append(labels.shape[0])
            val_loss, val_accuracy, val_batch_loss, val_batch_accuracy = reference_evaluate(model, val_loader, scenario.loss_fn)
            model.eval()
            history.append({"train_loss": sum(l * s for l, s in zip(losses, sizes)) / sum(sizes), "val_loss": val_loss,
                            "val_accuracy": val_accuracy})
            per_batch.append({"train_loss": sum(losses) / len(losses), "val_loss": val_batch_loss,
                              "val_accuracy": val_batch_accuracy})
            if val_loss < best_loss:
                best_loss, best_epoch, best_state = val_loss, epoch, copy.deepcopy(state_of(model))
    return Reference(model, history, per_batch, best_state, best_epoch)


def state_of(model: nn.Module) -> dict[str, torch.Tensor]:
    """Parameters and batch norm statistics (the pass counters aside)."""
    return {name: t.detach().clone() for name, t in model.state_dict().items() if name != "passes"}


def _expect_float(value: Any, what: str, case: Case) -> float:
    expect(not isinstance(value, torch.Tensor), f"{what} is a tensor ({describe_value(value)}); give a Python number: "
                                                ".item() turns a one-element tensor into one (and lets go of its graph).", case)
    expect(isinstance(value, (int, float)) and not isinstance(value, bool), f"{what} is {describe_value(value)}; give a "
                                                                            "Python float.", case)
    return float(value)


def _expect_value(got: float, expected: float, case: Case, what: str, mistakes: dict[str, float]) -> None:
    expect_close(torch.tensor(got, dtype=F64), torch.tensor(expected, dtype=F64), case, atol=1e-6, rtol=1e-6, what=what,
                 mistakes={name: torch.tensor(float(v), dtype=F64) for name, v in mistakes.items()})


PER_BATCH_LOSS = ("the loss is averaged per batch instead of per example: a short last batch then counts as much as a "
                  "full one. Add loss.item() * batch size over the batches and divide by the number of examples.")
PER_BATCH_ACCURACY = ("the accuracy is the mean of the batches' accuracies: count the right answers over the whole "
                      "loader, then divide by the number of examples.")
NO_EVAL = ("validation ran in train() mode: dropout dropped units and the BatchNorm statistics changed by validation "
           "(its running mean and variance learned the validation batches). Call model.eval() before validating.")
NO_NO_GRAD = ("validation ran with autograd on: every validation batch recorded a graph for a backward that never "
              "comes. Wrap the validation loop in `with torch.no_grad():`.")


def _expect_validation_passes(passes: torch.Tensor, batches: int, case: Case) -> None:
    val = passes[VALIDATION]
    expect(int(val[TRAIN_MODE].sum()) == 0, f"{int(val[TRAIN_MODE].sum())} validation batches went through the model in "
                                            "train() mode.", case, mistake=NO_EVAL)
    expect(int(val[EVAL_MODE, GRAD]) == 0, f"{int(val[EVAL_MODE, GRAD])} validation batches went through the model with "
                                           "autograd on.", case, mistake=NO_NO_GRAD)
    expect(int(val.sum()) == batches, f"the model saw {int(val.sum())} validation batches; the loader has {batches} per "
                                      "pass: one pass per validation.", case)


# --- evaluate ------------------------------------------------------------------------------------


def check_evaluate(learner: ModuleType) -> str:
    checked = 0
    for scenario in SCENARIOS:
        for handed_over in ("train", "eval"):
            model = scenario.model()
            reference_fit(model, scenario)  # trained a little: right and wrong answers both occur
            model.passes.zero_()
            model.train(handed_over == "train")
            _, val_loader = scenario.loaders()
            before = state_of(model)
            loss, accuracy, batch_loss, batch_accuracy = reference_evaluate(copy.deepcopy(model), val_loader, scenario.loss_fn)
            case = Case(f"{scenario.description.split(': ', 1)[-1]}; the model handed over in {handed_over}()", model=model,
                        loader=val_loader, loss_fn=scenario.loss_fn)
            got = call_learner(learner.evaluate, case, in_place=("model",))
            _expect_validation_passes(model.passes, len(val_loader), case)
            expect(int(model.passes[TRAIN].sum()) == 0, "the model was called on training batches.", case)
            expect(isinstance(got, tuple) and len(got) == 2, f"evaluate returned {describe_value(got)}; return "
                                                             "(loss, accuracy).", case)
            _expect_value(_expect_float(got[0], "the loss", case), loss, case, "the loss evaluate returned",
                          {PER_BATCH_LOSS: batch_loss, "this is the sum of the losses, not the mean: divide by the number "
                                                       "of examples.": loss * sum(len(b[1]) for b in val_loader)})
            _expect_value(_expect_float(got[1], "the accuracy", case), accuracy, case, "the accuracy evaluate returned",
                          {PER_BATCH_ACCURACY: batch_accuracy})
            for name, tensor in state_of(model).items():
                expect(torch.equal(tensor, before[name]), f"evaluate changed the model's '{name}': evaluation only reads "
                                                          "the model.", case, mistake=NO_EVAL)
            expect(model.training == (handed_over == "train"),
                   f"the model came in {handed_over}() mode and went back in {'train' if model.training else 'eval'}() "
                   "mode.", case, mistake="the model's mode is not restored: note model.training before model.eval() and "
                                          "call model.train(was_training) at the end.")
            checked += 1
    return (f"{checked} evaluations (models handed over in train() and in eval(), short last batches, label smoothing) "
            "matched the reference: eval() under no_grad, mode restored, nothing changed.")


# --- fit -----------------------------------------------------------------------------------------


def _expect_passes(passes: torch.Tensor, scenario: Scenario, case: Case) -> None:
    train_batches = -(-scenario.train_sizes[0] // scenario.train_sizes[1])
    val_batches = -(-scenario.val_sizes[0] // scenario.val_sizes[1])
    _expect_validation_passes(passes, scenario.epochs * val_batches, case)
    train = passes[TRAIN]
    expect(int(train[EVAL_MODE].sum()) == 0,
           f"{int(train[EVAL_MODE].sum())} training batches went through the model in eval() mode: dropout was off and "
           "batch norm learned nothing.", case,
           mistake="after validating, the model stays in eval(): call model.train() at the start of every epoch (the model "
                   "may also arrive in eval()).")
    expect(int(train[TRAIN_MODE, NO_GRAD]) == 0, "training batches went through the model under torch.no_grad(): no "
                                                 "gradient can flow back.", case)
    expect(int(train.sum()) == scenario.epochs * train_batches,
           f"the model saw {int(train.sum())} training batches; {scenario.epochs} epochs of {train_batches} batches make "
           f"{scenario.epochs * train_batches}.", case)


def _expect_history(history: Any, epochs: int, case: Case) -> list[dict[str, float]]:
    expect(isinstance(history, list) and len(history) == epochs,
           f"the history is {describe_value(history)}; return a list with one dict per epoch ({epochs} here).", case)
    numbers = []
    for number, entry in enumerate(history, start=1):
        expect(isinstance(entry, dict) and {"epoch", "train_loss", "val_loss", "val_accuracy"} <= set(entry),
               f"entry {number} of the history is {describe_value(entry)}; each is a dict with the keys 'epoch', "
               "'train_loss', 'val_loss' and 'val_accuracy'.", case)
        expect(entry["epoch"] == number and isinstance(entry["epoch"], int),
               f"entry {number} of the history has epoch {entry['epoch']!r}; epochs count from 1.", case)
        numbers.append({key: _expect_float(entry[key], f"the '{key}' of epoch {number}", case)
                        for key in ("train_loss", "val_loss", "val_accuracy")})
    return numbers


ALIASED = ("the best checkpoint aliases the live weights: model.state_dict() (or dict(...) or .copy() of it) holds the "
           "model's own tensors, which every later step changes. Keep copy.deepcopy(model.state_dict()).")


def _expect_best_state(best: Any, reference: Reference, final: dict[str, torch.Tensor], case: Case) -> None:
    expect(isinstance(best, dict), f"the best checkpoint is {describe_value(best)}; return the state_dict (a dict of "
                                   "tensors).", case)
    missing = [name for name in reference.best_state if name not in best]
    expect(not missing, f"the best checkpoint has no '{missing[0] if missing else ''}': keep the whole state_dict "
                        "(parameters and batch norm statistics).", case)
    for name, expected in reference.best_state.items():
        expect_close(best[name], expected, case, atol=1e-5, rtol=1e-5,
                     what=f"the best checkpoint's '{name}' (the best epoch is {reference.best_epoch})",
                     mistakes={ALIASED: final[name]} if reference.best_epoch < len(reference.history) else None)


def check_fit(learner: ModuleType) -> str:
    for scenario in SCENARIOS:
        model = scenario.model()
        right = reference_fit(copy.deepcopy(model), scenario)
        piled_up = reference_fit(copy.deepcopy(model), scenario, zero_grad=False)
        start = state_of(model)
        train_loader, val_loader = scenario.loaders()
        optimizer = scenario.make_optimizer(model.parameters())
        case = Case(scenario.description, model=model, train_loader=train_loader, val_loader=val_loader,
                    optimizer=optimizer, loss_fn=scenario.loss_fn, epochs=scenario.epochs)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(scenario.seed)  # dropout draws from the global generator: the reference's draws
            got = call_learner(learner.fit, case, in_place=("model", "optimizer"))
        _expect_passes(model.passes, scenario, case)
        expect(isinstance(got, tuple) and len(got) == 2, f"fit returned {describe_value(got)}; return (history, "
                                                         "best_state).", case)
        numbers = _expect_history(got[0], scenario.epochs, case)
        final, wrong = state_of(model), state_of(piled_up.model)
        for name, tensor in final.items():
            expect_close(tensor, state_of(right.model)[name], case, atol=1e-5, rtol=1e-5,
                         what=f"the model's '{name}' after training", mistakes={
                             "the gradients pile up from batch to batch: call optimizer.zero_grad() once per batch, "
                             "since backward adds into .grad.": wrong[name],
                             "the weights did not change: every batch needs loss.backward() and then optimizer.step().":
                                 start[name]})
        for number, (yours, theirs, batchwise) in enumerate(zip(numbers, right.history, right.per_batch), start=1):
            for key in ("train_loss", "val_loss", "val_accuracy"):
                mistake = PER_BATCH_ACCURACY if key == "val_accuracy" else PER_BATCH_LOSS
                _expect_value(yours[key], theirs[key], case, f"the {key} of epoch {number}", {mistake: batchwise[key]})
        _expect_best_state(got[1], right, final, case)
    return (f"{len(SCENARIOS)} runs (SGD with momentum, Adam with label smoothing, plain SGD; short last batches; a "
            "model handed over in eval()) matched the reference loop: weights, history, the best checkpoint, training "
            "in train(), validation in eval() under no_grad.")
