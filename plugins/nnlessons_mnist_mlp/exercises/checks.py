"""Checks of the mnist-mlp exercises: the lesson's MnistMLP, autograd and torch.optim are the oracle.

No MNIST here: the inputs are seeded random tensors shaped like digits (mostly 0, some ink in [0, 1]).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from nnlessons.practice.compare import (Case, call_learner, describe_value, expect, expect_close, failure,
                                       in_learners_process)
from nnlessons_mnist_mlp import loop_probe
from nnlessons_mnist_mlp.model import MnistMLP

F64 = torch.float64


def digit_like(batch: int, generator: torch.Generator, *shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """(batch, *shape) pixels like MNIST's bytes / 255: about four in five are 0, the rest ink in [0, 1]."""
    size = (batch, *(shape or (28, 28)))
    ink = torch.rand(size, generator=generator, dtype=dtype)
    return ink * (torch.rand(size, generator=generator) < 0.2)


def reference_mlp(hidden: int, seed: int) -> MnistMLP:
    """The lesson's network with PyTorch's default initialisation drawn from `seed` (global RNG untouched)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return MnistMLP(hidden)


# --- mlp-module ---------------------------------------------------------------------------------


def _expect_module(model: Any, case: Case) -> None:
    expect(isinstance(model, nn.Module), f"MnistMLP(...) gave {describe_value(model)}, not an nn.Module; "
                                         f"the class must subclass nn.Module.", case)


def _expect_same_parameters(model: nn.Module, reference: nn.Module, case: Case) -> None:
    """The lesson's parameter names and shapes, so its weights can be copied in."""
    theirs = {name: tuple(p.shape) for name, p in reference.named_parameters()}
    yours = {name: tuple(p.shape) for name, p in model.named_parameters()}
    listed = ", ".join(f"{name} {shape}" for name, shape in yours.items()) or "none"
    for name, shape in theirs.items():
        expect(name in yours, f"your module has no parameter '{name}' (its parameters: {listed}). Create the layers in "
                              f"__init__ as attributes named like the lesson's: self.hidden and self.output.", case)
        if yours[name] == shape:
            continue
        mistake = None
        if name == "hidden.weight" and yours[name][1:] == (28,):
            mistake = ("the hidden layer reads 28 numbers, one row of the image: flatten (B, 28, 28) to (B, 784) "
                       "and use nn.Linear(784, hidden), one weight per pixel.")
        elif name.startswith("hidden") and yours[name][0] != shape[0]:
            mistake = f"the hidden layer has {yours[name][0]} units: use the `hidden` argument ({shape[0]} here)."
        expect(False, f"your parameter '{name}' has shape {yours[name]}; the lesson's has {shape} "
                      f"(nn.Linear(in, out) stores its weight as (out, in)).", case, mistake=mistake)
    extra = [name for name in yours if name not in theirs]
    expect(not extra, f"your module has parameters the lesson's has not: {', '.join(extra)}; the network is "
                      f"Linear(784, hidden), ReLU, Linear(hidden, 10).", case)


def _forward_mistakes(reference: MnistMLP, images: torch.Tensor) -> dict[str, torch.Tensor]:
    with torch.no_grad():
        pixels = images.reshape(images.shape[0], -1)  # (B, 784)
        pre = reference.hidden(pixels)  # (B, hidden)
        logits = reference.output(torch.relu(pre))  # (B, 10)
        return {
            "the outputs are softmax probabilities: return the logits; CrossEntropyLoss applies log-softmax itself.":
                torch.softmax(logits, dim=1),
            "the outputs are log-probabilities (log_softmax at the end): return the logits themselves.":
                torch.log_softmax(logits, dim=1),
            "the ReLU is missing: hidden layer, then ReLU, then the output layer.": reference.output(pre),
            "the activation is a sigmoid: the lesson's network uses ReLU.": reference.output(torch.sigmoid(pre)),
        }


def _input_cases(generator: torch.Generator) -> list[Case]:
    return [
        Case("a batch of four digits (B, 28, 28)", images=digit_like(4, generator)),
        Case("a batch of one digit", images=digit_like(1, generator)),
        Case("a batch of 64 digits, standardised like --normalize",
             images=(digit_like(64, generator) - 0.1307) / 0.3081),
        Case("the (B, 1, 28, 28) shape ImageFolder gives", images=digit_like(8, generator, 1, 28, 28)),
    ]


def _expect_logits(model: nn.Module, reference: MnistMLP, case: Case, atol: float, rtol: float) -> None:
    with torch.no_grad():
        expected = reference(case["images"])
        got = call_learner(model, case)
    expect_close(got, expected, case, atol=atol, rtol=rtol, what="your model",
                 mistakes=_forward_mistakes(reference, case["images"]))


def _expect_gradients(learner: ModuleType, model: nn.Module, reference: MnistMLP, case: Case,
                      generator: torch.Generator) -> None:
    """A loss of the outputs, backward through both models: the gradients of every weight must agree."""
    weights = torch.randn(case["images"].shape[0], 10, generator=generator)  # (B, 10)
    (reference(case["images"]) * weights).sum().backward()
    gradients = in_learners_process(learner, "output_gradients", model, case["images"], weights)
    for name, theirs in reference.named_parameters():
        grad = gradients.get(name)
        expect(grad is not None, f"no gradient reached your '{name}': does forward run under torch.no_grad() or "
                                 f"detach something?", case)
        expect_close(grad, theirs.grad, case, atol=1e-5, rtol=1e-5, what=f"the gradient of your '{name}'")


def check_mlp_module(learner: ModuleType) -> str:
    g = torch.Generator().manual_seed(0)
    checked = 0
    for hidden, build in ((256, Case("MnistMLP() with the default hidden size")),
                          (16, Case("MnistMLP(hidden=16)", hidden=16))):
        model = call_learner(learner.MnistMLP, build)
        _expect_module(model, build)
        reference = reference_mlp(hidden, seed=hidden)
        _expect_same_parameters(model, reference, build)
        model.load_state_dict(reference.state_dict())
        for case in _input_cases(g):
            _expect_logits(model, reference, case, atol=1e-5, rtol=1e-5)
            checked += 1
        _expect_gradients(learner, model, reference, Case("gradients on a batch of eight digits", images=digit_like(8, g)), g)
        model.double()
        reference.double()
        case = Case("float64 weights and digits", images=digit_like(6, g, dtype=F64))
        _expect_logits(model, reference, case, atol=1e-12, rtol=0.0)
        checked += 1
    return (f"parameter names and shapes matched (203,530 numbers with hidden=256); {checked} batches of logits and "
            f"the gradients matched the lesson's MnistMLP with the same weights.")


# --- accuracy-from-logits -----------------------------------------------------------------------


def _logits_with_accuracy(batch: int, right: float, generator: torch.Generator,
                          dtype: torch.dtype = torch.float32) -> tuple[torch.Tensor, torch.Tensor]:
    """Random logits and labels where about a fraction `right` of the rows has its largest score on the label."""
    logits = torch.randn(batch, 10, generator=generator, dtype=dtype)  # (B, 10)
    labels = torch.randint(0, 10, (batch,), generator=generator)  # (B,)
    boost = torch.rand(batch, generator=generator) < right  # (B,) rows made right
    logits[torch.arange(batch), labels] += boost.to(dtype) * 10
    return logits, labels


def accuracy_cases() -> list[Case]:
    g = torch.Generator().manual_seed(0)
    cases = []
    for description, batch, right, dtype in (("a batch of 10: as many images as classes", 10, 0.6, torch.float32),
                                             ("a batch of 8", 8, 0.5, torch.float32),
                                             ("a batch of one, right", 1, 1.0, torch.float32),
                                             ("a batch of one, wrong", 1, 0.0, torch.float32),
                                             ("1000 images, a trained network", 1000, 0.97, torch.float32),
                                             ("float64 logits", 50, 0.3, F64),
                                             ("every prediction right", 64, 1.0, torch.float32),
                                             ("an untrained network: about one in ten right", 300, 0.0, torch.float32)):
        logits, labels = _logits_with_accuracy(batch, right, g, dtype)
        if description.endswith("wrong"):
            labels = (logits.argmax(dim=1) + 1) % 10
        cases.append(Case(description, logits=logits, labels=labels))
    for n in range(20):
        batch = int(torch.randint(1, 200, (), generator=g))
        logits, labels = _logits_with_accuracy(batch, n / 20, g)
        cases.append(Case(f"random batch {n + 1} of {batch}", logits=logits, labels=labels))
    return cases


def _safely(compute: Callable[[], Any]) -> Any:
    """A known mistake's value, or None where that mistake would raise on this input (it cannot match then)."""
    try:
        return float(compute())
    except (RuntimeError, ValueError, TypeError):
        return None


def _accuracy_mistakes(logits: torch.Tensor, labels: torch.Tensor, right: float) -> dict[str, float | None]:
    return {
        "this is the number of right predictions, not the fraction: divide by the batch size.":
            right * labels.shape[0],
        "this is a percentage: return a fraction in [0, 1].": right * 100,
        "the argmax runs over the batch (dim=0): take it over the classes, dim=1, one prediction per image.":
            _safely(lambda: (logits.argmax(dim=0) == labels).float().mean()),
        ("the largest logit's value is compared with the labels: compare its index, logits.argmax(dim=1) "
         "(or .max(dim=1).indices).")
            : _safely(lambda: (logits.max(dim=1).values == labels).float().mean()),
        "this is the error rate (the fraction wrong), not the accuracy.": 1 - right,
        ("argmax(dim=1, keepdim=True) (or max with keepdim=True) gives shape (B, 1): compared with labels (B,) it "
         "broadcasts to a (B, B) table of every prediction against every label. Keep the predictions (B,): no keepdim.")
            : _safely(lambda: (logits.argmax(dim=1, keepdim=True) == labels).sum() / labels.shape[0]),
    }


def check_accuracy_from_logits(learner: ModuleType) -> str:
    cases = accuracy_cases()
    for case in cases:
        logits, labels = case["logits"], case["labels"]
        expected = (logits.argmax(dim=1) == labels).sum().item() / labels.shape[0]
        got = call_learner(learner.accuracy, case)
        expect(not isinstance(got, torch.Tensor),
               f"your function returned a tensor ({describe_value(got)}); return a Python float: .item() turns a "
               f"one-element tensor into one.", case)
        expect(isinstance(got, (int, float)) and not isinstance(got, bool),
               f"your function returned {describe_value(got)}; return a Python float.", case)
        mistakes = {name: torch.tensor(value, dtype=F64) for name, value in
                    _accuracy_mistakes(logits, labels, expected).items() if value is not None}
        expect_close(torch.tensor(float(got), dtype=F64), torch.tensor(expected, dtype=F64), case, atol=1e-6,
                     mistakes=mistakes)
        expect(isinstance(got, float), f"your function returned the int {got!r}; return a Python float "
                                       f"(a fraction of the batch).", case)
    return f"{len(cases)} batches: the accuracy matched argmax(logits, dim=1) == labels."


# --- training-step ------------------------------------------------------------------------------


#: (scenario, optimizer factory, loss, batch size)
SCENARIOS: list[tuple[str, Callable[[Any], torch.optim.Optimizer], nn.Module, int]] = [
    ("the lesson's recipe: Adam, lr 1e-3, batches of 64",
     lambda params: torch.optim.Adam(params, lr=1e-3),
     nn.CrossEntropyLoss(), 64),
    ("SGD with momentum on batches of one",
     lambda params: torch.optim.SGD(params, lr=0.05, momentum=0.9),
     nn.CrossEntropyLoss(), 1),
    ("Adam with a loss that smooths the labels",
     lambda params: torch.optim.Adam(params, lr=1e-3),
     nn.CrossEntropyLoss(label_smoothing=0.1), 16),
]
STEPS = 3


class ReferenceTrainer:
    """A copy of the model with its own optimizer, stepped the right way or with one known mistake."""

    def __init__(self, model: nn.Module, make_optimizer: Callable[[Any], torch.optim.Optimizer], loss_fn: nn.Module,
                 zero_grad: bool = True) -> None:
        self.model = copy.deepcopy(model)
        self.optimizer = make_optimizer(self.model.parameters())
        self.loss_fn = loss_fn
        self.zero_grad = zero_grad

    def step(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        loss = self.loss_fn(self.model(images), labels)
        loss.backward()
        self.optimizer.step()
        if self.zero_grad:
            self.optimizer.zero_grad()
        return loss.detach()

    def parameters(self) -> dict[str, torch.Tensor]:
        return {name: p.detach().clone() for name, p in self.model.named_parameters()}


def _loss_mistakes(right: ReferenceTrainer, images: torch.Tensor, labels: torch.Tensor) -> dict[str, torch.Tensor]:
    """Losses known wrong steps return, from the weights before this step."""
    with torch.no_grad():
        logits = right.model(images)  # (B, 10)
        return {
            "the loss is CrossEntropyLoss of softmax probabilities: pass the logits, the loss applies log-softmax.":
                right.loss_fn(torch.softmax(logits, dim=1), labels),
            "the loss is plain cross-entropy, not the loss_fn passed in (here it smooths the labels): use loss_fn.":
                F.cross_entropy(logits, labels),
        }


def _expect_returned_loss(got: Any, expected: torch.Tensor, case: Case, mistakes: dict[str, torch.Tensor]) -> None:
    expect(not isinstance(got, float), f"your function returned the Python float {got:.6g} (loss.item()?); return "
                                       f"loss.detach(), a 0-d tensor: .item() makes the CPU wait for the device at "
                                       f"every step.", case)
    expect_close(got, expected, case, atol=1e-6, rtol=1e-5, what="the loss your function returned", mistakes=mistakes)
    expect(not got.requires_grad, "the loss you returned still requires grad, and holds the graph of the whole batch: "
                                  "return loss.detach().", case)


def _expect_parameters(model: nn.Module, right: dict[str, torch.Tensor], before: dict[str, torch.Tensor],
                       without_zero_grad: dict[str, torch.Tensor], case: Case) -> None:
    for name, p in model.named_parameters():
        expect_close(p.detach(), right[name], case, atol=1e-6, rtol=1e-5, what=f"your model's '{name}' after the step",
                     mistakes={
                         ("the parameters did not change: the optimizer's step must come after loss.backward() and "
                          "before zero_grad (zeroing between them leaves the step no gradient)."): before[name],
                         ("the gradients pile up from step to step: call optimizer.zero_grad() once per step, "
                          "since backward adds into .grad."): without_zero_grad[name],
                     })


def check_training_step(learner: ModuleType) -> str:
    g = torch.Generator().manual_seed(0)
    for number, (scenario, make_optimizer, loss_fn, batch) in enumerate(SCENARIOS):
        model = reference_mlp(hidden=32, seed=number)
        right = ReferenceTrainer(model, make_optimizer, loss_fn)
        without_zero_grad = ReferenceTrainer(model, make_optimizer, loss_fn, zero_grad=False)
        optimizer = make_optimizer(model.parameters())
        for step in range(1, STEPS + 1):
            images, labels = digit_like(batch, g), torch.randint(0, 10, (batch,), generator=g)
            case = Case(f"{scenario}, step {step} of {STEPS}", model=model, loss_fn=loss_fn, optimizer=optimizer,
                        images=images, labels=labels)
            before = {name: p.detach().clone() for name, p in model.named_parameters()}
            mistakes = _loss_mistakes(right, images, labels)
            expected = right.step(images, labels)
            without_zero_grad.step(images, labels)
            got = call_learner(learner.training_step, case, in_place=("model", "optimizer"))
            _expect_returned_loss(got, expected, case, mistakes)
            _expect_parameters(model, right.parameters(), before, without_zero_grad.parameters(), case)
    return (f"{len(SCENARIOS)} runs of {STEPS} steps (Adam, SGD with momentum on batches of one, label smoothing): "
            f"the losses and every parameter after every step matched PyTorch's reference step.")


# --- training-loop ------------------------------------------------------------------------------
#
# The learner's `train` runs in their process on a RecordingNet (dropout and batch norm: eval() matters) with
# loaders whose batches must be moved with .to(device) (loop_probe). The same loop is run here by `reference_train`
# on an exact copy, with the same seeds: their weights must end the same, their history must match, and the
# model's pass counters say in which mode and with or without autograd each loader's batches went through it.

TRAIN, TEST, OTHER = range(3)  # loop_probe.LOADERS
TRAIN_MODE, EVAL_MODE = 0, 1
NO_GRAD, GRAD = 0, 1
NOT_MOVED_MISTAKE = ("the batch was used where the DataLoader left it: move images and labels to the model's device "
                     "with .to(device) before the forward pass (and before comparing the labels). On a GPU machine "
                     "this is the error 'Expected all tensors to be on the same device'.")


def digit_classes(count: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """`count` digit-like images (count, 28, 28) of 10 classes, each a fixed template with noise, and their labels."""
    templates = digit_like(10, torch.Generator().manual_seed(10))  # (10, 28, 28): one stroke pattern per class
    labels = torch.randint(0, 10, (count,), generator=generator)  # (count,)
    noise = torch.rand(count, 28, 28, generator=generator)
    return (0.6 * templates[labels] + 0.4 * noise * (noise > 0.7)).clamp(0, 1), labels


def recording_net(seed: int, mode: str = "train") -> loop_probe.RecordingNet:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = loop_probe.RecordingNet(hidden=16, dropout=0.25)
    return model.train() if mode == "train" else model.eval()


@dataclass
class LoopScenario:
    description: str
    train_sizes: tuple[int, int]  # (digits, batch size)
    test_sizes: tuple[int, int]
    epochs: int
    make_optimizer: Callable[[Any], torch.optim.Optimizer]
    loss_fn: nn.Module
    device: Any
    seed: int
    handed_over: str = "train"  # the mode the model is in when train() gets it

    def loaders(self) -> tuple[Any, Any]:
        """Fresh loaders (the shuffling generator at its start): one pair for the learner, one for the reference."""
        g = torch.Generator().manual_seed(self.seed)
        train_images, train_labels = digit_classes(self.train_sizes[0], g)
        test_images, test_labels = digit_classes(self.test_sizes[0], g)
        return (loop_probe.loader(train_images, train_labels, self.train_sizes[1], "train", shuffle_seed=self.seed),
                loop_probe.loader(test_images, test_labels, self.test_sizes[1], "test"))

    def batches(self) -> tuple[int, int]:
        return (-(-self.train_sizes[0] // self.train_sizes[1]), -(-self.test_sizes[0] // self.test_sizes[1]))


LOOP_SCENARIOS = [
    LoopScenario("SGD with momentum, 2 epochs: 50 training digits in batches of 16 (the last holds 2), 20 test "
                 "digits in batches of 8 (the last holds 4)", (50, 16), (20, 8), 2,
                 lambda params: torch.optim.SGD(params, lr=0.1, momentum=0.9), nn.CrossEntropyLoss(),
                 torch.device("cpu"), seed=1),
    LoopScenario("Adam, 3 epochs, a loss that smooths the labels: 37 training digits in batches of 8 (the last "
                 "holds 5), 13 test digits in batches of 5 (the last holds 3); the model arrives in eval()",
                 (37, 8), (13, 5), 3, lambda params: torch.optim.Adam(params, lr=0.01),
                 nn.CrossEntropyLoss(label_smoothing=0.1), "cpu", seed=2, handed_over="eval"),
    LoopScenario("one epoch of plain SGD: 24 training digits in batches of 10 (the last holds 4), 30 test digits "
                 "in batches of 7 (the last holds 2)", (24, 10), (30, 7), 1,
                 lambda params: torch.optim.SGD(params, lr=0.5), nn.CrossEntropyLoss(), "cpu", seed=3),
]


@dataclass
class Evaluation:
    """What a right evaluation gives, and what known wrong ones give, on one loader."""

    accuracy: float
    mistakes: dict[str, float]


def reference_evaluate(model: nn.Module, loader: Any, device: Any) -> Evaluation:
    model.eval()
    right, seen, per_batch, broadcast = 0, 0, [], 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            logits = model(images)  # (B, 10)
            batch_right = int((logits.argmax(dim=1) == labels).sum())
            broadcast += int((logits.argmax(dim=1, keepdim=True) == labels).sum())  # (B, 1) against (B,): (B, B)
            right, seen = right + batch_right, seen + labels.shape[0]
            per_batch.append(batch_right / labels.shape[0])
    accuracy = right / seen
    return Evaluation(accuracy, {
        ("the accuracy is the mean of the batches' accuracies: a short last batch then counts as much as a full one. "
         "Count the right predictions over the whole loader, then divide by the number of digits."):
            sum(per_batch) / len(per_batch),
        "this is the number of right predictions, not the fraction: divide by the number of digits.": float(right),
        "this is a percentage: return a fraction in [0, 1].": 100 * accuracy,
        ("argmax(dim=1, keepdim=True) gives shape (B, 1): compared with labels (B,) it broadcasts to (B, B), every "
         "prediction against every label. Keep the predictions (B,): no keepdim."): broadcast / seen,
    })


@dataclass
class Training:
    """A reference run: the history, its known wrong versions, and the trained model."""

    model: nn.Module
    history: list[dict[str, Any]]
    loss_mistakes: list[dict[str, float]]
    accuracy_mistakes: list[dict[str, float]]


@contextmanager
def one_thread() -> Iterator[None]:
    """Torch on one thread, as in the learner's process: the same sums in the same order, the same weights."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


def reference_train(model: nn.Module, scenario: LoopScenario, seed: int, zero_grad: bool = True) -> Training:
    """The loop the exercise asks for, on `model` itself (pass a copy); with zero_grad=False, a known mistake."""
    train_loader, test_loader = scenario.loaders()
    optimizer = scenario.make_optimizer(model.parameters())
    history, loss_mistakes, accuracy_mistakes = [], [], []
    with torch.random.fork_rng(devices=[]), one_thread():
        torch.manual_seed(seed)
        for epoch in range(1, scenario.epochs + 1):
            model.train()
            losses, sizes = [], []
            for images, labels in train_loader:
                images, labels = images.to(scenario.device), labels.to(scenario.device)
                loss = scenario.loss_fn(model(images), labels)
                if zero_grad:
                    optimizer.zero_grad()
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
                sizes.append(labels.shape[0])
            evaluation = reference_evaluate(model, test_loader, scenario.device)
            train_loss = sum(loss * size for loss, size in zip(losses, sizes)) / sum(sizes)
            history.append({"epoch": epoch, "train_loss": train_loss, "test_accuracy": evaluation.accuracy})
            loss_mistakes.append({
                ("the epoch's loss is the mean of the batches' losses: a short last batch then counts as much as a "
                 "full one. Weigh each batch's mean loss by its number of digits (loss.item() * batch size), add "
                 "up, and divide by the number of digits."): sum(losses) / len(losses),
                "the epoch's loss is the last batch's loss: average over every digit of the epoch.": losses[-1],
                "the epoch's loss is the sum of the batches' losses: divide by the number of digits.": sum(losses),
                ("the epoch's loss is the sum over the digits: divide by the number of digits seen."):
                    train_loss * sum(sizes),
            })
            accuracy_mistakes.append(evaluation.mistakes)
    return Training(model, history, loss_mistakes, accuracy_mistakes)


def _learner_call(function: Any, case: Case, in_place: tuple[str, ...]) -> Any:
    """call_learner, with a batch used before .to(device) reported as that mistake."""
    try:
        return call_learner(function, case, in_place=in_place)
    except RuntimeError as error:
        if loop_probe.NOT_MOVED not in str(error):
            raise
        lines = getattr(error, "learner_traceback", "").strip().splitlines()
        raise failure("your code used a batch before moving it to the device.", case,
                      details={"your code raised": lines[-1] if lines else str(error)},
                      mistake=NOT_MOVED_MISTAKE) from None


def _expect_number(got: Any, what: str, case: Case) -> float:
    expect(not isinstance(got, torch.Tensor),
           f"{what} is a tensor ({describe_value(got)}); store a Python number: .item() turns a one-element tensor "
           f"into one (and lets go of the graph a loss holds).", case)
    expect(isinstance(got, (int, float)) and not isinstance(got, bool), f"{what} is {describe_value(got)}; store a "
                                                                         f"Python float.", case)
    return float(got)


def _expect_value(got: float, expected: float, case: Case, what: str, mistakes: dict[str, float],
                  tolerance: float = 1e-5) -> None:
    expect_close(torch.tensor(got, dtype=F64), torch.tensor(expected, dtype=F64), case, atol=tolerance,
                 rtol=tolerance, what=what, mistakes={name: torch.tensor(float(value), dtype=F64)
                                                      for name, value in mistakes.items()})


def _expect_passes(passes: torch.Tensor, epochs: int, batches: tuple[int, int], case: Case, evaluating: bool) -> None:
    """The model's counters: each loader's batches went through it in the right mode, with autograd on or off."""
    train_batches, test_batches = batches
    test, train = passes[TEST], passes[TRAIN]
    expect(int(test[TRAIN_MODE].sum()) == 0,
           "the test digits went through the model in train() mode: dropout was dropping and batch norm used (and "
           "updated) the batch's statistics.", case,
           mistake="evaluation without model.eval(): call model.eval() before evaluating.")
    expect(int(test[EVAL_MODE, GRAD]) == 0,
           "the test digits went through the model with autograd on: every evaluation batch built a graph that is "
           "never used.", case, mistake="evaluation outside torch.no_grad(): wrap the evaluation loop in "
                                        "`with torch.no_grad():`.")
    expected_test = test_batches if evaluating else epochs * test_batches
    expect(int(test.sum()) == expected_test,
           f"the model saw {int(test.sum())} test batches; {'one pass over the loader makes' if evaluating else f'{epochs} epochs of {test_batches} batches make'} "
           f"{expected_test}: evaluate once{'' if evaluating else ' per epoch, after its training batches'}.", case)
    if evaluating:
        return
    expect(int(train[EVAL_MODE].sum()) == 0,
           f"{int(train[EVAL_MODE].sum())} training batches went through the model in eval() mode: dropout was off "
           f"and batch norm did not learn the batches' statistics.", case,
           mistake="after evaluating, the model stays in eval(): call model.train() at the start of every epoch "
                   "(the model may also arrive in eval()).")
    expect(int(train[TRAIN_MODE, NO_GRAD]) == 0,
           "training batches went through the model under torch.no_grad(): no gradient can flow back.", case)
    expect(int(train.sum()) == epochs * train_batches,
           f"the model saw {int(train.sum())} training batches; {epochs} epochs of {train_batches} batches make "
           f"{epochs * train_batches}: one pass over train_loader per epoch.", case)
    expect(int(passes[OTHER].sum()) == 0, "the model was called on something that did not come from the loaders.", case)


def _expect_history(history: Any, epochs: int, case: Case) -> list[dict[str, float]]:
    expect(isinstance(history, list) and len(history) == epochs,
           f"train returned {describe_value(history)}; return a list with one dict per epoch ({epochs} here).", case)
    numbers = []
    for number, entry in enumerate(history, start=1):
        expect(isinstance(entry, dict) and {"epoch", "train_loss", "test_accuracy"} <= set(entry),
               f"entry {number} of your history is {describe_value(entry)}; each entry is a dict with the keys "
               f"'epoch', 'train_loss' and 'test_accuracy'.", case)
        expect(entry["epoch"] == number and isinstance(entry["epoch"], int),
               f"entry {number} of your history has epoch {entry['epoch']!r}; epochs count from 1.", case)
        numbers.append({key: _expect_number(entry[key], f"the '{key}' of epoch {number}", case)
                        for key in ("train_loss", "test_accuracy")})
    return numbers


def _state(model: nn.Module) -> dict[str, torch.Tensor]:
    """Parameters and batch norm statistics (the pass counters aside)."""
    return {name: t.detach().clone() for name, t in model.state_dict().items() if name != "passes"}


def _check_evaluate(learner: ModuleType) -> int:
    checked = 0
    for scenario in LOOP_SCENARIOS:
        model = recording_net(scenario.seed, scenario.handed_over)
        reference_train(model, scenario, seed=scenario.seed)  # trained a little: accuracy well above chance
        model.passes.zero_()
        _, test_loader = scenario.loaders()
        reference = copy.deepcopy(model)
        expected = reference_evaluate(reference, scenario.loaders()[1], scenario.device)
        before = _state(model)
        model.train()  # evaluate must switch to eval() itself
        case = Case(f"evaluate after training: {scenario.description.split(': ', 1)[1]}", model=model,
                    loader=test_loader, device=scenario.device)
        got = _learner_call(learner.evaluate, case, in_place=("model",))
        _expect_passes(model.passes, 1, scenario.batches(), case, evaluating=True)
        accuracy = _expect_number(got, "the accuracy evaluate returned", case)
        _expect_value(accuracy, expected.accuracy, case, "the accuracy evaluate returned", expected.mistakes)
        for name, tensor in _state(model).items():
            expect(torch.equal(tensor, before[name]), f"evaluate changed the model's '{name}': evaluation only reads "
                                                      f"the model.", case)
        checked += 1
    return checked


def check_training_loop(learner: ModuleType) -> str:
    evaluations = _check_evaluate(learner)
    for scenario in LOOP_SCENARIOS:
        model = recording_net(scenario.seed + 10, scenario.handed_over)
        right = reference_train(copy.deepcopy(model), scenario, seed=scenario.seed)
        piled_up = reference_train(copy.deepcopy(model), scenario, seed=scenario.seed, zero_grad=False)
        start = _state(model)
        train_loader, test_loader = scenario.loaders()
        optimizer = scenario.make_optimizer(model.parameters())
        case = Case(scenario.description, model=model, train_loader=train_loader, test_loader=test_loader,
                    optimizer=optimizer, loss_fn=scenario.loss_fn, epochs=scenario.epochs, device=scenario.device)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(scenario.seed)  # dropout draws from the global generator: the same draws as the reference
            history = _learner_call(learner.train, case, in_place=("model", "optimizer"))
        _expect_passes(model.passes, scenario.epochs, scenario.batches(), case, evaluating=False)
        numbers = _expect_history(history, scenario.epochs, case)
        wrong = _state(piled_up.model)
        for name, tensor in _state(model).items():
            expect_close(tensor, _state(right.model)[name], case, atol=1e-5, rtol=1e-5,
                         what=f"your model's '{name}' after training", mistakes={
                             ("the gradients pile up from batch to batch: call optimizer.zero_grad() once per batch, "
                              "since backward adds into .grad."): wrong[name],
                             ("the weights did not change: every batch needs loss.backward() and then optimizer.step(), "
                              "with zero_grad before the backward (or after the step), never between them."):
                                 start[name],
                         })
        for number, (yours, theirs) in enumerate(zip(numbers, right.history), start=1):
            _expect_value(yours["train_loss"], theirs["train_loss"], case, f"the train_loss of epoch {number}",
                          right.loss_mistakes[number - 1])
            _expect_value(yours["test_accuracy"], theirs["test_accuracy"], case,
                          f"the test_accuracy of epoch {number}", right.accuracy_mistakes[number - 1])
    return (f"evaluate matched on {evaluations} loaders; {len(LOOP_SCENARIOS)} training runs (SGD with momentum, Adam "
            f"with label smoothing, plain SGD; short last batches) ended with the reference loop's weights and "
            f"history, evaluation in eval() under no_grad, training in train().")
