"""Checks of the mnist-mlp exercises: the lesson's MnistMLP, autograd and torch.optim are the oracle.

No MNIST here: the inputs are seeded random tensors shaped like digits (mostly 0, some ink in [0, 1]).
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from types import ModuleType
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from nnlessons.practice.compare import Case, call_learner, describe_value, expect, expect_close, in_learners_process
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
            got = call_learner(learner.training_step, case)
            _expect_returned_loss(got, expected, case, mistakes)
            _expect_parameters(model, right.parameters(), before, without_zero_grad.parameters(), case)
    return (f"{len(SCENARIOS)} runs of {STEPS} steps (Adam, SGD with momentum on batches of one, label smoothing): "
            f"the losses and every parameter after every step matched PyTorch's reference step.")
