"""Checks of the optimizers exercises: torch.optim is the oracle, step by step.

Each check runs a torch.optim optimizer and the learner's rule side by side on the same
gradient sequences (set as ``p.grad``, so both always see the same gradients) and compares,
at every step, the learner's step with the optimizer's (its weights before minus after) and
the learner's state with the optimizer's own state. On a difference it follows the steps that
each known mistake would take, to name the one the learner's steps match.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import torch
from torch import Tensor

from nnlessons.practice import CheckFailed
from nnlessons.practice.compare import Case, call_learner, describe_value, expect, expect_close
from nnlessons_optimizers.exercises import known_mistakes
from nnlessons_optimizers.exercises.known_mistakes import WrongRule

F64 = torch.float64
#: Allowed difference |yours - PyTorch| <= atol + rtol * |PyTorch|, per dtype (stated in the starters).
#: PyTorch's step is its weights before minus after: exact to about one unit in the last place of w.
TOLERANCE = {torch.float64: (1e-12, 1e-8), torch.float32: (1e-6, 1e-5)}

Hyper = dict[str, float]


@dataclass(frozen=True)
class Spec:
    """One optimizer: the learner's function, the torch.optim object to compare with, its state and mistakes."""

    function: str  # the name in the learner's file
    torch_name: str
    make: Callable[[Tensor, Hyper], torch.optim.Optimizer]
    takes_t: bool  # Adam gets the step number t after the state
    hyper: tuple[str, ...]  # the hyper-parameters, in the function's order after (g, state[, t])
    state_keys: dict[str, str]  # the learner's state key -> torch.optim's state key
    lesson: Hyper  # the lesson's settings (its options' defaults and PyTorch's epsilons)
    random_hyper: Callable[[torch.Generator], Hyper]
    extra: tuple[tuple[str, Hyper], ...]  # further settings worth a run: (description, hyper-parameters)
    mistakes: dict[str, WrongRule]
    state_mistakes: Callable[[str, Tensor, Hyper, int], dict[str, Tensor]] = lambda key, theirs, hp, t: {}


@dataclass(frozen=True)
class Run:
    """A sequence of gradients for one parameter, from one start, with one set of hyper-parameters."""

    description: str
    w0: Tensor
    grads: list[Tensor]
    hyper: Hyper
    lrs: list[float] | None = field(default=None)  # a learning-rate schedule: this step's lr

    def hyper_at(self, t: int) -> Hyper:
        return self.hyper if self.lrs is None else {**self.hyper, "lr": self.lrs[t - 1]}


def uniform(g: torch.Generator, low: float, high: float) -> float:
    return low + (high - low) * float(torch.rand((), generator=g, dtype=F64))


def settings_text(hp: Hyper) -> str:
    return ", ".join(f"{name} = {value:g}" for name, value in hp.items())


def runs_for(spec: Spec) -> list[Run]:
    """The lesson's settings, random settings and the edge cases where the known mistakes show."""
    g = torch.Generator().manual_seed(2024)

    def randn(*shape: int, dtype: torch.dtype = F64) -> Tensor:
        return torch.randn(shape, generator=g, dtype=dtype)

    def noise(shape: tuple[int, ...], steps: int, scale: float = 1.0, dtype: torch.dtype = F64) -> list[Tensor]:
        return [randn(*shape, dtype=dtype) * scale for _ in range(steps)]

    lesson = spec.lesson
    runs = [Run(f"the lesson's settings ({settings_text(lesson)}), weights of shape (20, 1), 40 steps",
                randn(20, 1), noise((20, 1), 40, 0.5), lesson)]
    for _ in range(3):
        hp = spec.random_hyper(g)
        runs.append(Run(f"random settings ({settings_text(hp)}), shape (3, 4), 20 steps", randn(3, 4),
                        noise((3, 4), 20), hp))
    for description, hp in spec.extra:
        runs.append(Run(f"{description}, shape (5,), 25 steps", randn(5), noise((5,), 25), hp))
    constant = randn(4)
    flipping = randn(4)
    scales = 10 ** torch.linspace(-3, 2, 6, dtype=F64)  # (6,)
    dead = torch.ones(2, 3, dtype=F64)
    dead[0] = 0.0  # row 0: a dead unit, gradient 0 at every step
    runs += [
        Run("one weight (a 0-d tensor), 25 steps", randn(), noise((), 25), lesson),
        Run("the same gradient every step, 25 steps", randn(4), [constant] * 25, lesson),
        Run("a gradient that flips sign every step, 20 steps", randn(4), [flipping * (-1) ** k for k in range(20)], lesson),
        Run("gradients of very different sizes per weight (1e-3 to 1e2), 20 steps", randn(6),
            [randn(6) * scales for _ in range(20)], lesson),
        Run("tiny gradients (about 1e-5), where eps matters, 20 steps", randn(4), noise((4,), 20, 1e-5), lesson),
        Run("weights whose gradient is exactly 0 (a dead unit in row 0, and row 1 until step 6), 20 steps",
            randn(2, 3), [randn(2, 3) * dead * (1.0 if k >= 5 else torch.tensor([[1.0], [0.0]], dtype=F64))
                          for k in range(20)], lesson),
        Run("a learning-rate schedule (lr halves every 10 steps), 30 steps", randn(3), noise((3,), 30), lesson,
            lrs=[lesson["lr"] * 0.5 ** (k // 10) for k in range(30)]),
        Run("float32 weights and gradients, 25 steps", randn(8, dtype=torch.float32),
            noise((8,), 25, dtype=torch.float32), lesson),
    ]
    return runs


class State(dict):
    """The learner's state dict; shown in a failure as what it held before the step, by shapes, not values."""

    before = "{}"

    def remember(self) -> None:
        self.before = "{" + ", ".join(f"{key!r}: {describe_value(value)}" for key, value in self.items()) + "}"

    def __repr__(self) -> str:
        return self.before


def follow_mistakes(spec: Spec, run: Run) -> dict[str, list[Tensor]]:
    """The step that each known mistake takes at every step of this run."""
    paths = {}
    for message, rule in spec.mistakes.items():
        state: dict[str, Tensor] = {}
        paths[message] = [rule(grad, state, t, run.hyper_at(t)) for t, grad in enumerate(run.grads, start=1)]
    return paths


def step_inputs(spec: Spec, run: Run, t: int, state: dict) -> dict:
    """The learner's arguments for step t, in the function's order: g, state[, t], hyper-parameters."""
    hp = run.hyper_at(t)
    return {"g": run.grads[t - 1].clone(), "state": state, **({"t": t} if spec.takes_t else {}),
            **{name: hp[name] for name in spec.hyper}}


def later_steps(rule: Callable, spec: Spec, run: Run, state: dict, t: int) -> list[Tensor]:
    """The learner's steps t + 1 .. n, going on from step t (up to its first exception)."""
    steps = []
    try:
        for k in range(t + 1, len(run.grads) + 1):
            steps.append(rule(*step_inputs(spec, run, k, state).values()))
    except Exception:  # noqa: BLE001 - the difference at step t is what gets reported
        pass
    return steps


def matching_mistakes(spec: Spec, run: Run, learner_steps: list, t: int, atol: float, rtol: float) -> dict[str, Tensor]:
    """The known mistakes whose steps equal the learner's from step t on: {message: their step t}.

    Following the rest of the run tells apart mistakes that agree on the first step (without
    bias correction and the Adam paper's 'efficient' form take the same first step).
    """
    found = {}
    for message, path in follow_mistakes(spec, run).items():
        theirs = path[t - 1:t - 1 + len(learner_steps)]
        if all(isinstance(ours, Tensor) and ours.shape == wrong.shape
               and torch.allclose(ours.to(wrong.dtype), wrong, atol=atol, rtol=rtol, equal_nan=True)
               for ours, wrong in zip(learner_steps, theirs, strict=True)):
            found[message] = path[t - 1]
    return found


def check_run(rule: Callable, spec: Spec, run: Run) -> None:
    """Step torch.optim and the learner's rule together; compare each step (PyTorch's: weights before - after)."""
    param = torch.nn.Parameter(run.w0.clone())
    optimizer = spec.make(param, run.hyper)
    atol, rtol = TOLERANCE[run.w0.dtype]
    state = State()
    for t in range(1, len(run.grads) + 1):
        hp = run.hyper_at(t)
        for group in optimizer.param_groups:
            group["lr"] = hp["lr"]
        before = param.detach().clone()
        param.grad = run.grads[t - 1].clone()
        optimizer.step()
        expected = before - param.detach()
        state.remember()
        case = Case(f"{run.description}: step {t}", **step_inputs(spec, run, t, state))
        step = call_learner(rule, case)
        what = f"your step {t}"
        try:
            expect_close(step, expected, case, atol=atol, rtol=rtol, what=what)
        except CheckFailed:  # only now follow the known mistakes: a passing check need not pay for them
            learner_steps = [step, *later_steps(rule, spec, run, state, t)]
            expect_close(step, expected, case, atol=atol, rtol=rtol, what=what,
                         mistakes=matching_mistakes(spec, run, learner_steps, t, atol, rtol))
        check_state(spec, state, optimizer.state[param], hp, t, case)


def check_state(spec: Spec, state: dict, theirs: dict, hp: Hyper, t: int, case: Case) -> None:
    atol, rtol = TOLERANCE[case["g"].dtype]
    for key, torch_key in spec.state_keys.items():
        expect(key in state, f"after step {t} there is no state[{key!r}]: store it in the state dict you are given, "
               f"so that the next step can use it (the check compares it with torch.optim's {torch_key!r}).", case)
        expect(isinstance(state[key], Tensor), f"after step {t} state[{key!r}] is "
               f"{describe_value(state[key])}; keep a tensor shaped like g there.", case)
        if torch_key not in theirs:
            continue  # SGD with momentum = 0 keeps no buffer; the weights were compared already
        expect_close(state[key], theirs[torch_key], case, atol=atol, rtol=rtol,
                     what=f"state[{key!r}] (torch.optim's {torch_key!r})",
                     mistakes=spec.state_mistakes(key, theirs[torch_key], hp, t))


def check_rule(learner, spec: Spec) -> str:
    rule = getattr(learner, spec.function, None)
    runs = runs_for(spec)
    expect(callable(rule), f"your file has no function {spec.function}; keep the starter's name.", Case("import"))
    for run in runs:
        check_run(rule, spec, run)
    steps = sum(len(run.grads) for run in runs)
    return (f"{len(runs)} runs, {steps} steps in all: your steps and state matched torch.optim.{spec.torch_name} "
            f"after every step (float64 and float32, a 0-d weight, a schedule, zero and tiny gradients).")


# ---- the four optimizers --------------------------------------------------------------------


def _momentum_state_mistakes(key: str, theirs: Tensor, hp: Hyper, t: int) -> dict[str, Tensor]:
    return {"state['v'] is lr times PyTorch's velocity: you folded lr into it (the textbook form u = mu * u + lr * g). "
            "The weights agree while lr is fixed, but PyTorch keeps v = mu * v + g and multiplies by lr in the step, "
            "and the two differ once lr changes.": hp["lr"] * theirs}


def _adam_state_mistakes(key: str, theirs: Tensor, hp: Hyper, t: int) -> dict[str, Tensor]:
    beta = hp["beta1"] if key == "m" else hp["beta2"]
    return {f"state[{key!r}] holds the bias-corrected value; keep the raw average there and correct a copy "
            f"each step.": theirs / (1 - beta**t)}


MOMENTUM = Spec(
    function="momentum_step", torch_name="SGD(momentum=...)",
    make=lambda p, hp: torch.optim.SGD([p], lr=hp["lr"], momentum=hp["momentum"]),
    takes_t=False, hyper=("lr", "momentum"), state_keys={"v": "momentum_buffer"},
    lesson={"lr": 0.01, "momentum": 0.8},
    random_hyper=lambda g: {"lr": round(uniform(g, 0.001, 0.3), 4), "momentum": round(uniform(g, 0.5, 0.99), 3)},
    extra=(("momentum = 0 (plain SGD)", {"lr": 0.05, "momentum": 0.0}),
           ("momentum = 0.99", {"lr": 0.01, "momentum": 0.99})),
    mistakes=known_mistakes.MOMENTUM, state_mistakes=_momentum_state_mistakes,
)

ADAGRAD = Spec(
    function="adagrad_step", torch_name="Adagrad",
    make=lambda p, hp: torch.optim.Adagrad([p], lr=hp["lr"], eps=hp["eps"]),
    takes_t=False, hyper=("lr", "eps"), state_keys={"G": "sum"},
    lesson={"lr": 0.01, "eps": 1e-10},
    random_hyper=lambda g: {"lr": round(uniform(g, 0.001, 0.5), 4), "eps": 10 ** -round(uniform(g, 4, 10))},
    extra=(("a large eps = 0.1", {"lr": 0.1, "eps": 0.1}),),
    mistakes=known_mistakes.ADAGRAD,
)

RMSPROP = Spec(
    function="rmsprop_step", torch_name="RMSprop",
    make=lambda p, hp: torch.optim.RMSprop([p], lr=hp["lr"], alpha=hp["alpha"], eps=hp["eps"]),
    takes_t=False, hyper=("lr", "alpha", "eps"), state_keys={"E": "square_avg"},
    lesson={"lr": 0.01, "alpha": 0.9, "eps": 1e-8},
    random_hyper=lambda g: {"lr": round(uniform(g, 0.001, 0.1), 4), "alpha": round(uniform(g, 0.5, 0.999), 3),
                            "eps": 10 ** -round(uniform(g, 4, 10))},
    extra=(("PyTorch's default alpha = 0.99", {"lr": 0.01, "alpha": 0.99, "eps": 1e-8}),
           ("a large eps = 0.1", {"lr": 0.05, "alpha": 0.9, "eps": 0.1})),
    mistakes=known_mistakes.RMSPROP,
)

ADAM = Spec(
    function="adam_step", torch_name="Adam",
    make=lambda p, hp: torch.optim.Adam([p], lr=hp["lr"], betas=(hp["beta1"], hp["beta2"]), eps=hp["eps"]),
    takes_t=True, hyper=("lr", "beta1", "beta2", "eps"), state_keys={"m": "exp_avg", "v": "exp_avg_sq"},
    lesson={"lr": 0.01, "beta1": 0.9, "beta2": 0.99, "eps": 1e-8},
    random_hyper=lambda g: {"lr": round(uniform(g, 0.001, 0.1), 4), "beta1": round(uniform(g, 0.5, 0.95), 3),
                            "beta2": round(uniform(g, 0.9, 0.9999), 4), "eps": 10 ** -round(uniform(g, 4, 10))},
    extra=(("PyTorch's default betas (0.9, 0.999)", {"lr": 0.001, "beta1": 0.9, "beta2": 0.999, "eps": 1e-8}),
           ("a large eps = 0.1", {"lr": 0.05, "beta1": 0.9, "beta2": 0.99, "eps": 0.1})),
    mistakes=known_mistakes.ADAM, state_mistakes=_adam_state_mistakes,
)


def check_momentum_step(learner) -> str:
    return check_rule(learner, MOMENTUM)


def check_adagrad_step(learner) -> str:
    return check_rule(learner, ADAGRAD)


def check_rmsprop_step(learner) -> str:
    return check_rule(learner, RMSPROP)


def check_adam_step(learner) -> str:
    return check_rule(learner, ADAM)
