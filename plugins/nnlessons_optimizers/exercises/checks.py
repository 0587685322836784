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
from nnlessons.practice.compare import (Case, call_learner, describe_value, expect, expect_close, expect_no_alias,
                                       failure, grad_fn_name)
from nnlessons_optimizers.gradient_feed import GradientFeed, LossClosure
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
    defaults: bool = False  # call without the hyper-parameters: the signature's defaults are the lesson's settings

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
    runs = [Run(f"the lesson's settings ({settings_text(lesson)}, the signature's defaults: called without them), "
                f"weights of shape (20, 1), 40 steps", randn(20, 1), noise((20, 1), 40, 0.5), lesson, defaults=True)]
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
        Run("tiny gradients (about 1e-5), where eps matters, with the signature's defaults, 20 steps", randn(4),
            noise((4,), 20, 1e-5), lesson, defaults=True),
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
            **({} if run.defaults else {name: hp[name] for name in spec.hyper})}


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
        step = call_learner(rule, case, in_place=("state",))  # the state is the function's to change
        check_contract(spec, state, step, case, t)
        what = f"your step {t}"
        try:
            expect_close(step, expected, case, atol=atol, rtol=rtol, what=what)
        except CheckFailed:  # only now follow the known mistakes: a passing check need not pay for them
            learner_steps = [step, *later_steps(rule, spec, run, state, t)]
            expect_close(step, expected, case, atol=atol, rtol=rtol, what=what,
                         mistakes=matching_mistakes(spec, run, learner_steps, t, atol, rtol))
        check_state(spec, state, optimizer.state[param], hp, t, case)


def check_contract(spec: Spec, state: dict, step: object, case: Case, t: int) -> None:
    """What the starter promises beyond the values: state tensors of g's dtype, and nothing that is g itself."""
    g = case["g"]
    for key in spec.state_keys:
        value = state.get(key)
        if isinstance(value, Tensor) and value.dtype != g.dtype:
            raise failure(f"after step {t} state[{key!r}] is {str(value.dtype).removeprefix('torch.')} while g is "
                          f"{str(g.dtype).removeprefix('torch.')}: the state must have g's dtype.", case,
                          mistake=f"state[{key!r}] was created with the default dtype (torch.zeros(g.shape) is float32): "
                                  f"create it like g, torch.zeros_like(g), so a float64 gradient keeps a float64 "
                                  f"{key}; a float32 {key} rounds every step.")
    # only g counts here: the state's own tensors are meant to be the ones passed in
    only_g = Case(case.description, **case.inputs)
    only_g.passed = {"g": case.passed["g"]}
    for key in spec.state_keys:
        expect_no_alias(state.get(key), only_g, f"after step {t} state[{key!r}]")
    expect_no_alias(step, only_g, f"your step {t}")


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


# ---- the build: Adam on the torch.optim.Optimizer API ----------------------------------------

ADAM_DEFAULTS = {"lr": 1e-3, "betas": (0.9, 0.999), "eps": 1e-8, "weight_decay": 0.0}
#: the weights' tolerance of the build (atol, rtol), per dtype (stated in the starter)
BUILD_TOLERANCE = {torch.float64: (1e-10, 1e-8), torch.float32: (1e-6, 1e-5)}


@dataclass
class Scenario:
    """One training run of an optimizer: its parameter groups, the gradients and learning rates of every step."""

    description: str
    groups: list[tuple[list[Tensor], dict]]  # each group: its starting tensors and its own hyper-parameters
    options: dict  # the constructor's keyword arguments
    grads: list[list[Tensor | None]]  # per step, per parameter (param_groups order); None: no gradient
    lrs: list[list[float]] | None = None  # per step, per group: the lr a scheduler sets; None: as constructed
    resume_at: int | None = None  # after this many steps: state_dict() into a new optimizer, which goes on
    zero_grad: bool = True  # call zero_grad() before each step (else the feed's gradients replace the old ones)
    closure_at_last: bool = False  # the last step is step(closure)

    def tensors(self) -> list[Tensor]:
        return [t for tensors, _ in self.groups for t in tensors]


def _sent_groups(scenario: Scenario, weights: list[Tensor]) -> list[dict]:
    """The parameter groups for a constructor: new Parameters holding `weights`, with each group's options."""
    groups, k = [], 0
    for tensors, own in scenario.groups:
        groups.append({"params": [torch.nn.Parameter(w.clone()) for w in weights[k:k + len(tensors)]], **own})
        k += len(tensors)
    return groups


def torch_adam_history(scenario: Scenario) -> list[Tensor]:
    """torch.optim.Adam's weights (all parameters, flattened) after every step of the scenario."""
    groups = _sent_groups(scenario, scenario.tensors())
    params = [p for group in groups for p in group["params"]]
    optimizer = torch.optim.Adam(groups, **scenario.options)
    history = []
    for k, grads in enumerate(scenario.grads):
        if scenario.lrs is not None:
            for group, lr in zip(optimizer.param_groups, scenario.lrs[k]):
                group["lr"] = lr
        for p, g in zip(params, grads):
            p.grad = None if g is None else g.clone()
        optimizer.step()
        history.append(torch.cat([p.detach().reshape(-1) for p in params]))
    return history


def simulated_history(scenario: Scenario, mistake: str | None = None) -> list[Tensor] | None:
    """The weights after every step of Adam written with one known mistake (None: none), by hand.

    None when the mistake cannot run on this scenario (one state shared by parameters of other shapes).
    """
    options = {**ADAM_DEFAULTS, **scenario.options}
    groups = [{**options, **own} for _, own in scenario.groups]
    group_of = [j for j, (tensors, _) in enumerate(scenario.groups) for _ in tensors]
    params = [t.clone() for t in scenario.tensors()]
    states: list[dict] = [{} for _ in params]
    shared: dict = {}
    optimizer_steps = 0
    group_steps = [0] * len(groups)
    history = []
    for k, grads in enumerate(scenario.grads):
        if k == scenario.resume_at:  # a new optimizer, loaded from the old one's state_dict()
            optimizer_steps = 0  # a counter on the optimizer object is not in its state_dict()
            if mistake == "state_lost_at_load":
                states, shared = [{} for _ in params], {}
        if scenario.lrs is not None:
            for group, lr in zip(groups, scenario.lrs[k]):
                group["lr"] = lr
        optimizer_steps += 1
        group_steps = [n + 1 for n in group_steps]
        for i, p in enumerate(params):
            hp = options if mistake == "hyper_from_defaults" else groups[group_of[i]]
            lr = options["lr"] if mistake == "lr_at_construction" else hp["lr"]
            g = grads[i]
            if g is None:
                if mistake != "grad_none_as_zero":
                    continue
                g = torch.zeros_like(p)
            if mistake not in ("weight_decay_decoupled", "weight_decay_ignored"):
                g = g + hp["weight_decay"] * p
            state = shared if mistake == "shared_state" else states[i]
            if not state:
                state.update(t=0, m=torch.zeros_like(p), v=torch.zeros_like(p))
            if state["m"].shape != p.shape:
                return None
            state["t"] += 1
            t = {"group_counter": group_steps[group_of[i]], "optimizer_counter": optimizer_steps}.get(mistake, state["t"])
            beta1, beta2 = hp["betas"]
            state["m"] = beta1 * state["m"] + (1 - beta1) * g
            state["v"] = beta2 * state["v"] + (1 - beta2) * g * g
            m_hat, v_hat = state["m"], state["v"]
            if mistake != "no_bias_correction":
                m_hat, v_hat = m_hat / (1 - beta1**t), v_hat / (1 - beta2**t)
            denominator = (v_hat + hp["eps"]).sqrt() if mistake == "eps_inside_sqrt" else v_hat.sqrt() + hp["eps"]
            if mistake == "weight_decay_decoupled":
                p = p * (1 - lr * hp["weight_decay"])
            params[i] = p - lr * m_hat / denominator
        history.append(torch.cat([p.reshape(-1) for p in params]))
    return history


OPTIMIZER_MISTAKES = {
    "no_bias_correction": "no bias correction: divide m by (1 - beta1 ** t) and v by (1 - beta2 ** t) before the "
                          "update (both start at 0, so the first steps are too small).",
    "eps_inside_sqrt": "eps is inside the square root; torch.optim.Adam adds it after the root: "
                       "m_hat / (sqrt(v_hat) + eps).",
    "shared_state": "all parameters share one state (one m, one v, one step counter): each parameter needs its own, "
                    "self.state[p].",
    "group_counter": "t counts the steps of the group (or of the optimizer), not of the parameter: a parameter "
                     "whose .grad was None at some steps has had fewer updates. Keep t in self.state[p] and add 1 "
                     "only when the parameter is updated.",
    "optimizer_counter": "t is a counter on the optimizer (self.t or the like): it counts every step(), also those "
                         "where a parameter had no gradient, and state_dict() does not save it, so a loaded optimizer "
                         "starts again at t = 1. Keep t in self.state[p].",
    "grad_none_as_zero": "a parameter whose .grad is None was updated as if its gradient were 0 (its averages went on "
                         "and weight decay moved it): skip it, as torch.optim.Adam does.",
    "lr_at_construction": "the learning rate is the constructor's lr, kept from __init__: read group['lr'] at every "
                          "step (each group may have its own, and a scheduler changes it between steps).",
    "hyper_from_defaults": "the hyper-parameters come from the constructor's arguments (self.defaults or attributes "
                           "set in __init__), not from the parameter's group: read lr, betas, eps and weight_decay "
                           "from the group at every step.",
    "weight_decay_decoupled": "weight decay is AdamW's (p shrinks by lr * weight_decay * p); torch.optim.Adam adds "
                              "weight_decay * p to the gradient before the averages.",
    "weight_decay_ignored": "weight_decay is ignored: torch.optim.Adam adds weight_decay * p to the gradient before "
                            "the averages.",
    "state_lost_at_load": "after load_state_dict() your optimizer started afresh (m, v and t back to 0): they are not "
                          "in self.state, so state_dict() did not save them. Keep everything in self.state[p].",
}


def adam_scenarios() -> list[Scenario]:
    g = torch.Generator().manual_seed(18)

    def randn(*shape: int, dtype: torch.dtype = F64) -> Tensor:
        return torch.randn(shape, generator=g, dtype=dtype)

    def grads_for(shapes: list[tuple[int, ...]], steps: int, missing: dict[int, set[int]] | None = None,
                  dtype: torch.dtype = F64) -> list[list[Tensor | None]]:
        missing = missing or {}
        return [[None if k in missing.get(i, ()) else randn(*shape, dtype=dtype) for i, shape in enumerate(shapes)]
                for k in range(steps)]

    same_shape = Scenario(
        "one group of two parameters of shape (4,), lr = 0.01, PyTorch's default betas and eps, 12 steps "
        "(the last with a closure)",
        groups=[([randn(4), randn(4)], {})], options={"lr": 0.01}, grads=grads_for([(4,), (4,)], 12),
        closure_at_last=True)
    shapes = [(3, 2), (3,), (2,), (2, 3), (2,)]
    # parameter 2 (with weight decay) never has a gradient, parameter 3 none at step 1, parameter 4 none at steps 3-6
    missing = {2: set(range(40)), 3: {0}, 4: {2, 3, 4, 5}}

    def grouped(description: str, steps: int, resume_at: int | None = None) -> Scenario:
        return Scenario(
            description,
            groups=[([randn(3, 2), randn(3), randn(2)], {}),
                    ([randn(2, 3), randn(2)], {"lr": 0.005, "betas": (0.5, 0.9), "eps": 1e-6, "weight_decay": 0.0})],
            options={"lr": 0.02, "betas": (0.8, 0.99), "eps": 1e-8, "weight_decay": 0.1},
            grads=grads_for(shapes, steps, missing),
            lrs=[[0.02 * 0.5 ** (k // 6), 0.005 * 0.5 ** (k // 6)] for k in range(steps)],
            resume_at=resume_at, zero_grad=False)

    return [
        same_shape,
        grouped("two groups with their own lr, betas, eps and weight_decay, parameters without a gradient at some "
                "steps (one never has one), lr halved every 6 steps, 20 steps", 20),
        grouped("the same set-up, with state_dict() saved after step 10 and loaded into a new optimizer (on new "
                "parameters holding the same weights), which takes steps 11 to 20", 20, resume_at=10),
        Scenario("PyTorch's defaults (Adam(params) alone), float32, shapes (5,) and (2, 2), the second with tiny "
                 "gradients (about 1e-5, where eps matters), 10 steps",
                 groups=[([randn(5, dtype=torch.float32), randn(2, 2, dtype=torch.float32)], {})], options={},
                 grads=[[g5, g4 * 1e-5] for g5, g4 in grads_for([(5,), (2, 2)], 10, dtype=torch.float32)]),
    ]


def _flat_weights(optimizer) -> Tensor:
    return torch.cat([p.detach().reshape(-1) for group in optimizer.param_groups for p in group["params"]])


def _weights_list(optimizer) -> list[Tensor]:
    return [p.detach().clone() for group in optimizer.param_groups for p in group["params"]]


def _new_optimizer(learner, scenario: Scenario, weights: list[Tensor], first_step: int):
    """The learner's optimizer on new parameters holding `weights`, fed the scenario's gradients from `first_step`."""
    case = Case(f"{scenario.description}: Adam(params, {settings_text_any(scenario.options)})",
                params=_sent_groups(scenario, weights), **scenario.options)
    optimizer = call_learner(learner.Adam, case, in_place=("params",))  # Optimizer fills the groups' defaults in
    expect(isinstance(optimizer, torch.optim.Optimizer), "your Adam is not a torch.optim.Optimizer: subclass it, "
           "class Adam(torch.optim.Optimizer), and call super().__init__(params, defaults).", case)
    lrs = None if scenario.lrs is None else scenario.lrs[first_step:]
    try:
        optimizer.register_step_pre_hook(GradientFeed(scenario.grads[first_step:], lrs))
    except AttributeError as error:
        raise failure("your optimizer lacks what torch.optim.Optimizer sets up: call super().__init__(params, "
                      "defaults) in __init__.", case, details={"error": str(error)}) from None
    return optimizer, case


def settings_text_any(options: dict) -> str:
    return ", ".join(f"{name}={value!r}" for name, value in options.items())


def _step(optimizer, scenario: Scenario, k: int, case: Case):
    """Step k (0-based) of the learner's optimizer; the mistakes an exception points at are named."""
    try:
        if scenario.zero_grad:
            optimizer.zero_grad()
        if scenario.closure_at_last and k == len(scenario.grads) - 1:
            loss = optimizer.step(LossClosure(1.25))
            expect(isinstance(loss, Tensor) and float(loss) == 1.25,
                   f"step(closure) returned {describe_value(loss)}; it must call the closure and return its loss "
                   f"(here tensor(1.25)), as torch.optim's optimizers do.", case)
        else:
            optimizer.step()
    except (RuntimeError, TypeError, AttributeError) as error:
        text = str(error)
        if isinstance(error, TypeError) and scenario.closure_at_last and k == len(scenario.grads) - 1:
            raise failure(f"step(closure) raised {type(error).__name__}: {text}", case,
                          mistake="step must take the closure argument, step(self, closure=None), as every "
                                  "torch.optim optimizer does.") from None
        if "leaf Variable that requires grad" in text:
            raise failure(f"step {k + 1}: your step() changed a parameter in place with autograd recording.", case,
                          mistake="step() must run under torch.no_grad(): decorate it with @torch.no_grad().") from None
        if "NoneType" in text and any(grad is None for grad in scenario.grads[k]):
            raise failure(f"step {k + 1}: your step() failed on a parameter whose .grad is None ({text}).", case,
                          mistake="a parameter without a gradient (p.grad is None) must be skipped: "
                                  "if p.grad is None: continue.") from None
        raise


def check_adam_scenario(learner, scenario: Scenario) -> None:
    expected = torch_adam_history(scenario)
    atol, rtol = BUILD_TOLERANCE[scenario.tensors()[0].dtype]
    optimizer, case = _new_optimizer(learner, scenario, scenario.tensors(), 0)
    offset, history = 0, []
    for k in range(len(scenario.grads)):
        if k == scenario.resume_at:
            saved = optimizer.state_dict()
            expect(isinstance(saved, dict) and "state" in saved and "param_groups" in saved,
                   f"state_dict() returned {describe_value(saved)}; keep torch.optim.Optimizer's own state_dict().", case)
            optimizer, case = _new_optimizer(learner, scenario, _weights_list(optimizer), k)
            optimizer.load_state_dict(saved)
            offset = k
        before = _flat_weights(optimizer)
        step_case = Case(f"{scenario.description}: step {k + 1}", **case.inputs)
        _step(optimizer, scenario, k, step_case)
        got = _flat_weights(optimizer)
        history.append(got)
        what = f"your weights after step {k + 1} (all parameters, flattened in param_groups order)"
        if torch.allclose(got, expected[k], atol=atol, rtol=rtol):
            continue
        moved = expected[k] - (expected[k - 1] if k else torch.cat([t.reshape(-1) for t in scenario.tensors()]))
        if torch.equal(got, before) and bool((moved != 0).any()):
            raise failure(f"{what} are the weights before the step: nothing moved.", step_case,
                          mistake="the update must change the parameters themselves, in place (p.sub_(...), "
                                  "p.addcdiv_(...)): not p.grad, not a copy, and not a new tensor bound to the name "
                                  "p (p = p - ...).")
        named = {}
        for key, message in OPTIMIZER_MISTAKES.items():
            wrong = simulated_history(scenario, key)
            if wrong is not None and all(torch.allclose(ours, theirs, atol=atol, rtol=rtol)
                                         for ours, theirs in zip(history, wrong)):
                named[message] = wrong[k]
        expect_close(got, expected[k], step_case, atol=atol, rtol=rtol, what=what, mistakes=named)
    # the feed (a step pre-hook in the learner's process) noted whether a step changed the gradients it had set
    changed = [step for feed in optimizer._optimizer_step_pre_hooks.values() for step in feed.changed]
    first = offset + changed[0] if changed else 0
    expect(not changed, f"your step() changed p.grad (the gradient the check set before step {first} was different "
           f"after it): compute with a new tensor (g = p.grad + weight_decay * p), not p.grad.add_(...).", case, mistake="an in-place operation on p.grad: the gradient belongs to the training loop (it may log or "
                         "clip it after the step).")
    for index, state in optimizer.state_dict()["state"].items():
        for key, value in state.items():
            expect(not (isinstance(value, Tensor) and (value.requires_grad or grad_fn_name(value))),
                   f"the state of parameter {index}, {key!r}, is connected to autograd: step() must run under "
                   f"torch.no_grad(), or every step's graph is kept alive.", case)


def check_adam_optimizer(learner) -> str:
    expect(hasattr(learner, "Adam"), "your file has no class Adam; keep the starter's name.", Case("import"))
    scenarios = adam_scenarios()
    for scenario in scenarios:
        check_adam_scenario(learner, scenario)
    steps = sum(len(s.grads) for s in scenarios)
    return (f"{len(scenarios)} runs, {steps} steps: your Adam's weights matched torch.optim.Adam's after every step "
            f"(param groups, weight decay, missing gradients, an lr schedule, a state_dict() round trip, float32).")
