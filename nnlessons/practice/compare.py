"""Helpers for writing checks: run the learner's function on a case and compare it with PyTorch in plain words.

A check is a function that gets the learner's module. It builds cases (seeded random inputs
plus edge cases), computes PyTorch's answer, calls the learner's function through
`call_learner`, and compares with `expect_close` (or `expect_equal`), which raise
[`CheckFailed`][nnlessons.practice.exercise.CheckFailed] with what differs::

    def check_affine(learner):
        g = torch.Generator().manual_seed(0)
        cases = [Case("batch of one", x=torch.randn(1, 3, generator=g, dtype=torch.float64), ...), ...]
        for case in cases:
            expected = case["x"] @ case["w"].T + case["b"]
            got = call_learner(learner.affine, case)
            expect_close(got, expected, case, atol=1e-12,
                         mistakes={"the result equals x @ w.T without the bias: did you forget to add it?":
                                   case["x"] @ case["w"].T})
        return f"{len(cases)} cases matched"

Pass `mistakes`, the outputs that known wrong solutions give on this case, so the message
can name the mistake instead of only showing numbers.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable, Mapping
from types import ModuleType
from typing import Any

import torch

from nnlessons.practice.exercise import CheckFailed

#: the case being checked, so an exception in the learner's code can say on which input it happened
current_case: Case | None = None

SMALL = 12  # tensors with at most this many elements are shown with their values


class Case:
    """One input to check: a description and named inputs, passed to the learner's function in order."""

    def __init__(self, description: str, **inputs: Any) -> None:
        self.description = description
        self.inputs = inputs

    def __getitem__(self, name: str) -> Any:
        return self.inputs[name]

    def describe(self) -> str:
        return ", ".join(f"{name}={describe_value(value)}" for name, value in self.inputs.items())


def describe_value(value: Any) -> str:
    """A tensor as its shape and dtype (values too when small); anything else as repr."""
    if isinstance(value, torch.Tensor):
        text = f"tensor of shape {shape_text(value)}, {str(value.dtype).removeprefix('torch.')}"
        if value.numel() <= SMALL:
            text += f" {values_text(value)}"
        return text
    if isinstance(value, torch.Generator):
        return f"torch.Generator seeded with {value.initial_seed()}"
    if isinstance(value, torch.optim.Optimizer):
        settings = ", ".join(f"{k}={v:g}" for k, v in value.defaults.items()
                             if k in ("lr", "momentum", "weight_decay") and isinstance(v, (int, float)) and (v or k == "lr"))
        return f"torch.optim.{type(value).__name__}(model.parameters(), {settings})"
    if isinstance(value, torch.nn.Module):
        return getattr(value, "type_name", None) or type(value).__name__  # a Remote model: the learner's class name
    text = " ".join(repr(value).split())
    return text if len(text) <= 80 else text[:77] + "..."


def shape_text(value: torch.Tensor) -> str:
    dims = tuple(value.shape)
    return "(" + ", ".join(str(d) for d in dims) + ("," if len(dims) == 1 else "") + ")"


def values_text(value: torch.Tensor) -> str:
    return str(value.detach().cpu().tolist())


def _copy(value: Any) -> Any:
    """The learner gets copies: changing an input in place must not change PyTorch's side of the check."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone().requires_grad_(value.requires_grad)
    return value


def call_learner(fn: Callable[..., Any], case: Case, *extra: Any, in_place: Iterable[str] = ()) -> Any:
    """Call the learner's `fn` with the case's inputs (copies, in order), remembering the case.

    The contract is checked too: an input the task does not let the function change (every
    input not named in `in_place`) must be exactly as it was after the call, or the check fails
    naming it. The copies passed are kept as ``case.passed`` (name -> object), so that
    `expect_no_alias` can tell whether a result shares memory with one of them.
    """
    global current_case
    current_case = case
    allowed = set(in_place)
    passed = {name: _copy(value) for name, value in case.inputs.items()}
    case.passed = passed
    before = {name: _snapshot(value) for name, value in passed.items() if name not in allowed}
    got = fn(*passed.values(), *extra)
    for name, snapshot in before.items():
        if snapshot is not None and not _same(_snapshot(passed[name]), snapshot):
            raise failure(f"your function changed its input '{name}' in place; the task asks you to leave it as it "
                          f"was (work on a copy, {name}.clone(), or with out-of-place operations such as "
                          f"w = w - lr * g instead of w -= lr * g).", case,
                          mistake="an in-place operation (-=, +=, add_, mul_, an assignment into a slice) on an input "
                                  "changes the caller's tensor too.")
    return got


def _snapshot(value: Any) -> Any:
    """A deep copy of the tensors in `value` (containers and modules followed); None where nothing can change."""
    if isinstance(value, torch.Tensor):
        return value.detach().clone()
    if type(value).__name__ == "Remote":
        return None  # the learner's own object: theirs to change
    if isinstance(value, torch.nn.Module):
        return {name: t.detach().clone() for name, t in value.state_dict(keep_vars=True).items()}
    if isinstance(value, Mapping):
        return {key: _snapshot(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_snapshot(item) for item in value]
    return None


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, torch.Tensor) or isinstance(b, torch.Tensor):
        if not (isinstance(a, torch.Tensor) and isinstance(b, torch.Tensor)) or a.shape != b.shape or a.dtype != b.dtype:
            return False
        return bool(((a == b) | (torch.isnan(a) & torch.isnan(b)) if a.is_floating_point() else (a == b)).all())
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a is None and b is None


def _tensors(value: Any) -> list[torch.Tensor]:
    """The tensors in `value`, through containers, modules and optimizers (the order the learner's process uses)."""
    from nnlessons.practice.learner_process import walk

    return [found for found in walk(value) if isinstance(found, torch.Tensor)]


def expect_no_alias(got: Any, case: Case, what: str = "your result") -> None:
    """Fail if a tensor in `got` shares memory with an input `call_learner` passed (`case.passed`).

    A result or a saved state that aliases an input changes when the caller later changes that
    input in place: ``state["v"] = g`` followed by ``state["v"].mul_(beta)`` corrupts momentum.
    """
    for name, value in getattr(case, "passed", {}).items():
        inputs = {t.untyped_storage().data_ptr() for t in _tensors(value) if t.numel()}
        for tensor in _tensors(got):
            if tensor.numel() and tensor.untyped_storage().data_ptr() in inputs:
                raise failure(f"{what} shares memory with the input '{name}': a later in-place change to one changes "
                              f"the other. Keep a copy of your own ({name}.clone()) or compute a new tensor.", case,
                              mistake="storing or returning an input tensor itself, not a copy of it.")


def failure(message: str, case: Case, *, details: Mapping[str, str] | None = None, mistake: str | None = None) -> CheckFailed:
    """A CheckFailed for `case` (with its inputs described), for a check to raise itself."""
    rows = {"inputs": case.describe()}
    rows.update(details or {})
    return CheckFailed(message, case=case.description, details=rows, mistake=mistake)


def _matching_mistake(got: torch.Tensor, mistakes: Mapping[str, Any] | None, atol: float, rtol: float) -> str | None:
    """Every known mistake whose output `got` equals (several can give the same output on a case)."""
    names = []
    for name, wrong in (mistakes or {}).items():
        if isinstance(wrong, torch.Tensor) and wrong.shape == got.shape:
            if torch.allclose(got.detach().to(wrong.dtype).cpu(), wrong.detach().cpu(), atol=atol, rtol=rtol, equal_nan=True):
                names.append(name)
    return " Or: ".join(names) or None


def expect_close(got: Any, expected: torch.Tensor, case: Case, *, atol: float, rtol: float = 0.0,
                 mistakes: Mapping[str, Any] | None = None, what: str = "your function",
                 check_dtype: bool = True) -> None:
    """Raise CheckFailed unless `got` is a tensor like `expected` (shape, dtype, device) and close to it.

    Close means ``|got - expected| <= atol + rtol * |expected|`` everywhere (NaN only where
    PyTorch has NaN). `mistakes` maps a message naming a known mistake to the output that mistake
    gives on this case; the first one `got` matches is named in the failure.
    """
    if not isinstance(got, torch.Tensor):
        raise failure(f"{what} returned {type(got).__name__}; PyTorch returns a tensor of shape {shape_text(expected)}.",
                    case, details={"yours": describe_value(got), "PyTorch": describe_value(expected)})
    if got.shape != expected.shape:
        raise failure(f"{what} returned shape {shape_text(got)}; PyTorch returns {shape_text(expected)}.", case,
                    details={"yours": describe_value(got), "PyTorch": describe_value(expected)},
                    mistake=_matching_mistake(got, mistakes, atol, rtol))
    if check_dtype and got.dtype != expected.dtype:
        raise failure(f"{what} returned dtype {str(got.dtype).removeprefix('torch.')}; PyTorch returns "
                    f"{str(expected.dtype).removeprefix('torch.')} (keep the inputs' dtype).", case)
    if got.device != expected.device:
        raise failure(f"{what} returned a tensor on {got.device}; PyTorch's is on {expected.device}.", case)
    ours = got.detach().to(expected.dtype)
    theirs = expected.detach()
    nan_mismatch = torch.isnan(ours) != torch.isnan(theirs)
    same_infinity = torch.isinf(ours) & (ours == theirs)
    diff = (ours - theirs).abs().nan_to_num(nan=0.0, posinf=float("inf")).masked_fill(same_infinity, 0.0)
    allowed = atol + rtol * theirs.abs().nan_to_num(nan=0.0)
    bad = (diff > allowed) | nan_mismatch
    if not bool(bad.any()):
        return
    if nan_mismatch.any() or torch.isinf(diff).any():
        where = tuple(int(i) for i in torch.nonzero(nan_mismatch | torch.isinf(diff))[0])
    else:
        where = tuple(int(i) for i in torch.unravel_index(torch.argmax(diff - allowed), diff.shape))
    at = "at index " + str(where) if where else "in the value"
    allowed_text = f"(allowed: {atol:g}" + (f" + {rtol:g} x |PyTorch|" if rtol else "") + ")"
    details = {"yours": describe_value(got), "PyTorch": describe_value(expected)}
    if nan_mismatch.any():
        message = (f"{what} returned nan where PyTorch has {theirs[where].item():.6g} ({at})." if torch.isnan(ours[where])
                   else f"{what} returned {ours[where].item():.6g} where PyTorch has nan ({at}).")
    else:
        largest = float(diff.max())
        mine, right = ours[where].item(), theirs[where].item()
        digits = 6 if largest >= 1e-5 * max(abs(mine), abs(right)) else 15  # enough digits to see the difference
        details["largest difference"] = (f"{largest:.3g} {at}: yours {mine:.{digits}g}, "
                                         f"PyTorch {right:.{digits}g} {allowed_text}")
        message = f"{what} differs from PyTorch by up to {largest:.3g} ({int(bad.sum())} of {bad.numel()} values too far off)."
    raise failure(message, case, details=details, mistake=_matching_mistake(got, mistakes, atol, rtol))


def expect_equal(got: Any, expected: Any, case: Case, *, mistakes: Mapping[str, Any] | None = None,
                 what: str = "your function") -> None:
    """Raise CheckFailed unless `got == expected` (numbers, tuples, strings: exact values).

    Numbers compare by value, whatever their type (a numpy or 0-d tensor 2.0 equals 2).
    """
    if _plain_number(got) is not None and _plain_number(expected) is not None:
        if _plain_number(got) == _plain_number(expected):
            return
    elif got == expected:
        return
    mistake = next((name for name, wrong in (mistakes or {}).items() if got == wrong), None)
    raise failure(f"{what} returned {got!r}; the right answer is {expected!r}.", case, mistake=mistake)


def _plain_number(value: Any) -> float | None:
    """A number's value whatever its type (int, float, numpy scalar, 0-d tensor); None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, torch.Tensor):
        return value.item() if value.dim() == 0 else None
    if isinstance(value, numbers.Number) or (hasattr(value, "dtype") and getattr(value, "shape", None) == ()):
        try:
            return float(value)
        except (TypeError, ValueError):
            return None
    return None


def expect_counts(learner: ModuleType, cases: Iterable[tuple[str, Case, int, Mapping[str, Any]]]) -> None:
    """Check functions that return a count (a parameter count, an output size) exactly.

    Each case is ``(function name, Case, the right count, {mistake message: the count it gives})``;
    the result must be a Python int. To forbid building layers (counts "by hand"), the exercise
    declares ``forbids=(forbid.LAYERS,)``.
    """
    for function, case, expected, mistakes in cases:
        got = call_learner(getattr(learner, function), case)
        what = f"{function}({', '.join(str(v) for v in case.inputs.values())})"
        expect(isinstance(got, int) and not isinstance(got, bool),
               f"{what} returned {got!r} ({type(got).__name__}); return a Python int.", case)
        expect_equal(got, expected, case, mistakes=mistakes, what=what)


def in_learners_process(learner: Any, probe: str, *args: Any) -> Any:
    """Run the measurement `probe` of [`probes`][nnlessons.practice.probes] where the learner's objects live.

    ``in_learners_process(learner, "output_gradients", model, images, weights)`` backpropagates
    through the learner's model in their process and returns each parameter's gradient. `learner`
    is the module the check was given (or any object of theirs). Given ordinary objects (a
    check run on a module in this process), the probe runs here.
    """
    from nnlessons.practice import learner_host, probes

    if isinstance(learner, learner_host.Remote):
        return learner_host.probe(learner, probe, *args)
    return getattr(probes, probe)(*args)


def grad_fn_name(value: torch.Tensor) -> str | None:
    """The name of the operation that made `value` in the learner's process (``"MmBackward0"``), or None.

    A tensor comes back from the learner's process as a leaf; whether it was connected to
    autograd there is kept as this name (a check's "your output is cut off from autograd").
    """
    if value.grad_fn is not None:
        return type(value.grad_fn).__name__
    return getattr(value, "learner_grad_fn", None)


def expect(condition: bool, message: str, case: Case, *, mistake: str | None = None) -> None:
    """Raise CheckFailed with `message` unless `condition` holds (for rules that are not one value)."""
    if not condition:
        raise failure(message, case, mistake=mistake)
