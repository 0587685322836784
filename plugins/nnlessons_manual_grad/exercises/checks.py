"""Checks of the manual-grad exercises: torch.nn.functional and autograd are the oracles."""

from __future__ import annotations

import numbers

import torch
import torch.nn.functional as F

from nnlessons.practice.compare import (
    Case,
    call_learner,
    describe_value,
    expect,
    expect_close,
    expect_no_alias,
    grad_fn_name,
)

F64 = torch.float64
NAMES = ("weights", "biases", "weights2", "biases2")
LESSON_FEATURES, LESSON_HIDDEN = 14, 128


def tolerances(dtype: torch.dtype, exact: float, rough: tuple[float, float]) -> dict[str, float]:
    """atol/rtol: `exact` for both in float64, `rough` = (atol, rtol) in float32."""
    return {"atol": exact, "rtol": exact} if dtype == F64 else {"atol": rough[0], "rtol": rough[1]}


def network_tensors(n_features: int, hidden: int, generator: torch.Generator, dtype: torch.dtype) -> dict[str, torch.Tensor]:
    """Standard-normal starting values, as the lesson draws them (torch.randn)."""
    shapes = {"weights": (n_features, hidden), "biases": (hidden,), "weights2": (hidden, 1), "biases2": (1,)}
    return {name: torch.randn(shape, generator=generator, dtype=dtype) for name, shape in shapes.items()}


def days(rows: int, n_features: int, generator: torch.Generator, dtype: torch.dtype,
         constant_year: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """Standardised features (B, F) and temperatures in °F (B, 1), not standardised, as in the lesson."""
    x = torch.randn(rows, n_features, generator=generator, dtype=dtype)
    if constant_year:
        x[:, 0] = 0.0  # the year column is the same every day: 0 after standardising
    y = 62 + 15 * torch.randn(rows, 1, generator=generator, dtype=dtype)
    return x, y


def network_cases(seed: int) -> list[Case]:
    """Cases with x, y and the four tensors: the lesson's sizes first, then edge cases and others."""
    g = torch.Generator().manual_seed(seed)
    specs = [
        ("the lesson's gradient-check batch: 8 days, 14 -> 128 -> 1, float64", 8, LESSON_FEATURES, LESSON_HIDDEN, F64, True),
        ("the lesson's training days: 278 days, 14 -> 128 -> 1, float64", 278, LESSON_FEATURES, LESSON_HIDDEN, F64, True),
        ("a batch of one day", 1, LESSON_FEATURES, LESSON_HIDDEN, F64, True),
        ("float32 (the lesson's dtype), 16 days", 16, LESSON_FEATURES, LESSON_HIDDEN, torch.float32, True),
        ("small: 4 days, 3 features, 5 hidden units", 4, 3, 5, F64, False),
        ("one feature, one hidden unit, 3 days", 3, 1, 1, F64, False),
        ("7 days, 6 features, 32 hidden units", 7, 6, 32, F64, False),
        ("20 days, 14 features, 9 hidden units", 20, LESSON_FEATURES, 9, F64, True),
    ]
    cases = []
    for description, rows, n_features, hidden, dtype, constant_year in specs:
        x, y = days(rows, n_features, g, dtype, constant_year)
        cases.append(Case(description, x=x, y=y, **network_tensors(n_features, hidden, g, dtype)))
    return cases


def without(case: Case, name: str) -> dict[str, torch.Tensor]:
    return {key: value for key, value in case.inputs.items() if key != name}


# ---- forward pass -----------------------------------------------------------------------------


def linear_relu_linear(x, weights, biases, weights2, biases2) -> torch.Tensor:
    """The oracle: the lesson's nn.Sequential(Linear, ReLU, Linear); F.linear takes weights as (out, in)."""
    return F.linear(F.relu(F.linear(x, weights.T, biases)), weights2.T, biases2)


def forward_mistakes(x, weights, biases, weights2, biases2) -> dict[str, torch.Tensor]:
    z = x.mm(weights) + biases  # (B, H)
    return ({
        "the ReLU is missing: hidden = relu(x.mm(weights) + biases); without it the two layers are one linear map.":
            z.mm(weights2) + biases2,
        "a sigmoid is used between the layers (as in the notes' code); the lesson's network uses relu.":
            torch.sigmoid(z).mm(weights2) + biases2,
        "a ReLU was applied to the output too: the predictions are hidden.mm(weights2) + biases2, no relu "
        "(a temperature may be any number).": torch.relu(torch.relu(z).mm(weights2) + biases2),
        "the biases were added after the ReLU: they belong inside it, relu(x.mm(weights) + biases).":
            (torch.relu(x.mm(weights)) + biases).mm(weights2) + biases2,
        "the first layer's biases are missing: relu(x.mm(weights) + biases).":
            torch.relu(x.mm(weights)).mm(weights2) + biases2,
        "biases2 is missing: predictions = hidden.mm(weights2) + biases2.": torch.relu(z).mm(weights2),
    })


def forward_cases() -> list[Case]:
    cases = network_cases(seed=10)
    tracked = cases[0]
    cases.append(Case("the lesson's sizes, the four tensors requiring grad (as in training)", x=tracked["x"],
                      **{name: tracked[name].clone().requires_grad_(True) for name in NAMES}))
    return cases


def check_forward(learner) -> str:
    cases = forward_cases()
    for case in cases:
        inputs = without(case, "y")
        tracked = {key: value for key, value in inputs.items() if key != "x"}
        with torch.no_grad():
            expected = linear_relu_linear(**inputs)
            mistakes = forward_mistakes(**inputs)
        learner_case = Case(case.description, **inputs)
        got = call_learner(learner.forward, learner_case)
        expect_close(got, expected, learner_case, what="your forward", mistakes=mistakes,
                     **tolerances(case["x"].dtype, 1e-10, (1e-4, 1e-5)))
        if any(t.requires_grad for t in tracked.values()):
            expect(got.requires_grad and grad_fn_name(got) is not None,
                   "your output is cut off from autograd: loss.backward() could not reach the four tensors. "
                   "Do not use .detach(), .data, .item() or torch.no_grad() in the forward pass.", learner_case)
    return f"{len(cases)} cases matched F.linear + F.relu (14 -> 128 -> 1 and other sizes, float64 and float32)."


# ---- backprop by hand -------------------------------------------------------------------------


def autograd_gradients(x, y, **tensors) -> dict[str, torch.Tensor]:
    """The oracle: what loss.backward() puts in each .grad."""
    leaves = {name: t.detach().clone().requires_grad_(True) for name, t in tensors.items()}
    loss = ((linear_relu_linear(x, **leaves) - y) ** 2).mean()
    loss.backward()
    return {name: leaf.grad for name, leaf in leaves.items()}


def backprop_variant(x, y, weights, biases, weights2, biases2, *, scale: float | None = None,
                     sign: float = 1.0, relu_mask: str = "z > 0", bias_sum: str = "sum",
                     weights2_from: str = "h") -> dict[str, torch.Tensor]:
    """The chain rule with one knob turned, to reproduce what a known mistake returns."""
    z = x.mm(weights) + biases  # (B, H)
    h = torch.relu(z)
    p = h.mm(weights2) + biases2  # (B, 1)
    d_p = sign * (2 / len(x) if scale is None else scale) * (p - y)  # (B, 1)
    mask = {"z > 0": z > 0, "z >= 0": z >= 0, "none": torch.ones_like(z, dtype=torch.bool)}[relu_mask]
    d_z = d_p.mm(weights2.T) * mask  # (B, H)

    def bias_grad(d: torch.Tensor) -> torch.Tensor:
        return {"sum": d.sum(dim=0), "mean": d.mean(dim=0), "keepdim": d.sum(dim=0, keepdim=True)}[bias_sum]

    return {"weights": x.T.mm(d_z), "biases": bias_grad(d_z),
            "weights2": (h if weights2_from == "h" else z).T.mm(d_p), "biases2": bias_grad(d_p)}


def backprop_mistakes(case: Case) -> dict[str, dict[str, torch.Tensor]]:
    """Per tensor name: message -> the gradient that mistake gives."""
    inputs = case.inputs
    rows = len(inputs["x"])
    variants = {
        "dL/dp is missing the / B: the loss is a MEAN over the B rows, so dL/dp = 2 (p - y) / B.":
            backprop_variant(**inputs, scale=2.0),
        "the factor 2 from the square is missing: dL/dp = 2 (p - y) / B.": backprop_variant(**inputs, scale=1 / rows),
        "the sign is flipped: dL/dp = 2 (p - y) / B, not 2 (y - p) / B.": backprop_variant(**inputs, sign=-1.0),
        "the ReLU's gradient is missing: dL/dz = dL/dh only where z > 0, and 0 elsewhere.":
            backprop_variant(**inputs, relu_mask="none"),
        "where z is exactly 0, relu's gradient is 0 in PyTorch: mask with z > 0, not z >= 0.":
            backprop_variant(**inputs, relu_mask="z >= 0"),
        "the bias gradients are the SUM over the rows (the / B is already inside dL/dp); .mean() divides by B twice.":
            backprop_variant(**inputs, bias_sum="mean"),
        "a bias gradient must have its bias's shape: sum over dim 0 without keepdim=True.":
            backprop_variant(**inputs, bias_sum="keepdim"),
        "dL/dweights2 uses the hidden values AFTER the relu: h^T . dL/dp, not z^T . dL/dp.":
            backprop_variant(**inputs, weights2_from="z"),
    }
    return {name: ({message: grads[name] for message, grads in variants.items()}) for name in NAMES}


def backprop_cases() -> list[Case]:
    cases = network_cases(seed=20)
    g = torch.Generator().manual_seed(21)
    x, y = days(6, 5, g, F64)
    tensors = network_tensors(5, 8, g, F64)
    x[0] = 0.0  # a day whose features are all at their mean ...
    tensors["biases"][::2] = 0.0  # ... meets zero biases: z is exactly 0 there
    cases.insert(3, Case("hidden units exactly at z = 0 (a day of zeros, zero biases)", x=x, y=y, **tensors))
    return cases


def check_backprop(learner) -> str:
    cases = backprop_cases()
    for case in cases:
        expected = autograd_gradients(**case.inputs)
        got = call_learner(learner.backprop, case)
        expect(isinstance(got, (tuple, list)) and len(got) == 4,
               f"your backprop returned {describe_value(got)}; return a tuple of four tensors "
               f"(d_weights, d_biases, d_weights2, d_biases2).", case)
        got = dict(zip(NAMES, got))
        mistakes = backprop_mistakes(case)
        for position, name in ((2, "weights2"), (3, "biases2"), (0, "weights"), (1, "biases")):  # output layer first
            expect_close(got[name], expected[name], case, what=f"your d_{name} (item {position} of the tuple)",
                         mistakes=mistakes[name], **tolerances(case["x"].dtype, 1e-9, (1e-3, 1e-4)))
    return f"{len(cases)} cases matched autograd's four gradients (14 -> 128 -> 1 and other sizes, z = 0, float32)."


# ---- one training step ------------------------------------------------------------------------


def step_by_autograd(params: dict[str, torch.Tensor], x, y, lr: float, *, sign: float = 1.0, loss: str = "mean",
                     updated: tuple[str, ...] = NAMES) -> float:
    """The oracle's step (and, with a knob turned, a known mistake's): autograd's gradients, an update, zeroing."""
    errors = (linear_relu_linear(x, **params) - y) ** 2
    value = errors.mean() if loss == "mean" else errors.sum()
    value.backward()
    with torch.no_grad():
        for name, tensor in params.items():
            if name in updated:
                tensor -= sign * lr * tensor.grad
            tensor.grad.zero_()
    return value.item()


def leaves(tensors: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    return {name: t.detach().clone().requires_grad_(True) for name, t in tensors.items()}


def trajectories(start: dict[str, torch.Tensor], x, y, lr: float, steps: int) -> tuple[list, list, dict[str, list]]:
    """The right losses and states after each step, and per known mistake its states after each step."""
    knobs = {
        "your tensors moved UP the gradient: the update is t -= lr * t.grad (against the gradient).": {"sign": -1.0},
        "your step follows the gradient of the SUM of squared errors; the loss is their mean, "
        "((predictions - y) ** 2).mean().": {"loss": "sum"},
        "only the weights were updated: the biases are trained too (all four tensors).":
            {"updated": ("weights", "weights2")},
    }
    right = leaves(start)
    losses, states = [], []
    wrong = {message: leaves(start) for message in knobs}
    wrong_states: dict[str, list] = {message: [] for message in knobs}
    for _ in range(steps):
        losses.append(step_by_autograd(right, x, y, lr))
        states.append({name: t.detach().clone() for name, t in right.items()})
        for message, params in wrong.items():
            step_by_autograd(params, x, y, lr, **knobs[message])
            wrong_states[message].append({name: t.detach().clone() for name, t in params.items()})
    return losses, states, wrong_states


class Params(dict):
    """The learner's params dict, shown in a failure as names and shapes rather than thousands of numbers."""

    def __repr__(self) -> str:
        shapes = ", ".join(f"{name} {tuple(t.shape)}" for name, t in self.items())
        dtype = str(next(iter(self.values())).dtype).removeprefix("torch.") if self else ""
        return "{" + shapes + (f": {dtype}" if dtype else "") + "}"


def train_cases() -> list[Case]:
    g = torch.Generator().manual_seed(30)
    specs = [
        ("the lesson's sizes and lr: 16 days, 14 -> 128 -> 1, lr 0.001, float64", 16, LESSON_FEATURES, LESSON_HIDDEN, 0.001, F64),
        ("a batch of one day, lr 0.001", 1, LESSON_FEATURES, LESSON_HIDDEN, 0.001, F64),
        ("float32 (the lesson's dtype), 32 days, lr 0.001", 32, LESSON_FEATURES, LESSON_HIDDEN, 0.001, torch.float32),
        ("small: 5 days, 3 features, 4 hidden units, lr 0.01", 5, 3, 4, 0.01, F64),
    ]
    cases = []
    for description, rows, n_features, hidden, lr, dtype in specs:
        x, y = days(rows, n_features, g, dtype, constant_year=n_features == LESSON_FEATURES)
        cases.append(Case(description, params=Params(network_tensors(n_features, hidden, g, dtype)), x=x, y=y, lr=lr))
    return cases


def as_loss_tensor(got, case: Case, step: int) -> torch.Tensor:
    expect(isinstance(got, numbers.Real) and not isinstance(got, bool),
           f"step {step}: your train_step returned {describe_value(got)}; return the loss as a Python float "
           f"(loss.item()): a tensor would keep the whole graph of the step alive.", case)
    return torch.tensor(float(got), dtype=F64)


def call_train_step(learner, case: Case, params: dict[str, torch.Tensor]):
    """One call of the learner's train_step on `params` (their own tensors, so the check sees the changes)."""
    step_case = Case(case.description, params=params, x=case["x"], y=case["y"], lr=case["lr"])
    try:
        return call_learner(learner.train_step, step_case, in_place=("params",))  # the task: update them in place
    except RuntimeError as error:
        if "leaf Variable that requires grad" not in str(error):
            raise
        expect(False, "the in-place update ran while autograd was recording, and autograd refused it "
                      f"({str(error).splitlines()[0]}); do the update inside `with torch.no_grad():`.", case)


def check_params_after(case: Case, step: int, params, originals, before: dict, expected: dict,
                       wrong: dict[str, list]) -> None:
    """After the learner's step: the same leaf tensors, PyTorch's values, zeroed gradients."""
    none_changed = all(torch.equal(params[name].detach(), before[name]) for name in NAMES)
    for name in NAMES:
        expect(params[name] is originals[name],
               f"after step {step}, params[{name!r}] is a new tensor: update the caller's tensors in place "
               f"(t -= lr * t.grad under torch.no_grad()), do not put new ones in the dict.", case)
        tensor = params[name]
        expect(tensor.is_leaf and tensor.requires_grad,
               f"after step {step}, params[{name!r}] is no longer a leaf that requires grad, so the next "
               f"backward() would not give it a gradient.", case)
        mistakes = {message: states[step - 1][name] for message, states in wrong.items()}
        if none_changed:
            mistakes["your tensors did not change: update them in place (t -= lr * t.grad; t = t - lr * t.grad "
                     "only makes a new tensor), and use .grad before zeroing it."] = before[name]
        expect_close(tensor, expected[name], case, what=f"params[{name!r}] after step {step}",
                     mistakes=(mistakes),
                     **tolerances(tensor.dtype, 1e-10, (1e-4, 1e-5)))
        expect(tensor.grad is None or not bool(tensor.grad.any()),
               f"after step {step}, params[{name!r}].grad is not zero: backward() ADDS into .grad, so the next "
               f"step would use this step's gradient plus its own. Zero every gradient after the update "
               f"(t.grad.zero_()).", case)


def check_train_step(learner) -> str:
    cases = train_cases()
    steps = 3
    for case in cases:
        x, y, lr = case["x"], case["y"], case["lr"]
        losses, states, wrong = trajectories(case["params"], x, y, lr, steps)
        params = Params(leaves(case["params"]))
        originals = dict(params)
        for step in range(1, steps + 1):
            before = {name: t.detach().clone() for name, t in params.items()}
            got = as_loss_tensor(call_train_step(learner, case, params), case, step)
            with torch.no_grad():
                after_update = ((linear_relu_linear(x, **params) - y) ** 2).mean().double()
                summed = ((linear_relu_linear(x, **before) - y) ** 2).sum().double()
            expect_close(got, torch.tensor(losses[step - 1], dtype=F64), case, what=f"the loss you returned at step {step}",
                         **tolerances(x.dtype, 1e-10, (1e-3, 1e-5)), mistakes=({
                             "you returned the loss AFTER the update: return the loss of this step's forward pass.":
                                 after_update,
                             "the loss is the SUM of the squared errors; the lesson's loss is their mean.": summed,
                         }))
            check_params_after(case, step, params, originals, before, states[step - 1], wrong)
    return (f"{len(cases)} cases x {steps} steps matched autograd + the update: losses, all four tensors, "
            f"zeroed gradients.")


# ---- the whole loop by hand (build) -----------------------------------------------------------


def autograd_training(start: dict[str, torch.Tensor], x, y, lr: float, steps: int) -> tuple[torch.Tensor, dict]:
    """The oracle: `steps` steps of autograd's gradients and the lesson's update; the losses (float64) and the tensors."""
    params = leaves(start)
    losses = [step_by_autograd(params, x, y, lr) for _ in range(steps)]
    return torch.tensor(losses, dtype=F64), {name: t.detach() for name, t in params.items()}


def hand_training(start: dict[str, torch.Tensor], x, y, lr: float, steps: int, *, accumulate: bool = False,
                  weights2_first: bool = False, updated: tuple[str, ...] = NAMES, loss_after: bool = False,
                  **knobs) -> tuple[torch.Tensor, dict]:
    """The loop by hand with one mistake switched on, to reproduce what a known wrong solution returns."""
    params = dict(start)
    running = {name: torch.zeros_like(t) for name, t in start.items()}
    losses = []
    for _ in range(steps):
        loss = ((linear_relu_linear(x, **params) - y) ** 2).mean()
        if weights2_first:  # the output layer updated first, then dL/dz computed from the NEW weights2
            z = x.mm(params["weights"]) + params["biases"]
            h = torch.relu(z)
            d_p = 2 * (h.mm(params["weights2"]) + params["biases2"] - y) / len(x)
            params["weights2"] = params["weights2"] - lr * h.T.mm(d_p)
            params["biases2"] = params["biases2"] - lr * d_p.sum(dim=0)
            d_z = d_p.mm(params["weights2"].T) * (z > 0)
            params["weights"] = params["weights"] - lr * x.T.mm(d_z)
            params["biases"] = params["biases"] - lr * d_z.sum(dim=0)
        else:
            grads = backprop_variant(x, y, **params, **knobs)
            for name in NAMES:
                running[name] = running[name] + grads[name] if accumulate else grads[name]
                if name in updated:
                    params[name] = params[name] - lr * running[name]
        if loss_after:
            loss = ((linear_relu_linear(x, **params) - y) ** 2).mean()
        losses.append(loss.item())
    return torch.tensor(losses, dtype=F64), params


#: message -> the knobs of hand_training that reproduce the mistake
TRAINING_MISTAKES = {
    "your gradients accumulate from step to step (the by-hand version of a missing zero_grad): each update must "
    "use only this step's gradients, not their running sum.": {"accumulate": True},
    "dL/dp is missing the / B: the loss is a MEAN over the B rows, so every gradient carries a 1 / B.":
        {"scale": 2.0},
    "the factor 2 of the square is missing from dL/dp.": {"scale": "half"},
    "the bias gradients were averaged over the rows; the 1 / B is already in dL/dp, so sum them.": {"bias_sum": "mean"},
    "relu's derivative at exactly z = 0 is 0 (PyTorch's convention): mask with z > 0, not z >= 0.":
        {"relu_mask": "z >= 0"},
    "the ReLU's derivative is missing: the gradient passes the hidden layer only where z > 0.": {"relu_mask": "none"},
    "weights2 was updated before dL/dz was computed from it: compute all four gradients with this step's tensors, "
    "then update.": {"weights2_first": True},
    "only the weights were updated: the biases are trained too (all four tensors).":
        {"updated": ("weights", "weights2")},
    "your tensors moved UP the gradient: the update is t - lr * gradient.": {"sign": -1.0},
    "dL/dweights2 was computed from z (before the relu); it needs h, the hidden values after it.":
        {"weights2_from": "z"},
    "the losses are recorded AFTER each update: losses[i] is the loss of step i's forward pass, before its update.":
        {"loss_after": True},
}


def training_mistakes(case: Case) -> dict[str, tuple[torch.Tensor, dict]]:
    start = {name: case["params"][name] for name in NAMES}
    rows = len(case["x"])
    found = {}
    for message, knobs in TRAINING_MISTAKES.items():
        knobs = dict(knobs)
        if knobs.get("scale") == "half":
            knobs["scale"] = 1 / rows
        found[message] = hand_training(start, case["x"], case["y"], case["lr"], case["steps"], **knobs)
    return found


def training_cases() -> list[Case]:
    g = torch.Generator().manual_seed(40)
    specs = [
        ("the lesson's sizes and lr: 32 days, 14 -> 128 -> 1, lr 0.001, 4 steps, float64", 32, LESSON_FEATURES,
         LESSON_HIDDEN, 0.001, 4, F64),
        ("float32 (the lesson's dtype), 16 days, 14 -> 128 -> 1, lr 0.001, 3 steps", 16, LESSON_FEATURES,
         LESSON_HIDDEN, 0.001, 3, torch.float32),
        ("a batch of one day, 14 -> 128 -> 1, lr 0.001, 3 steps", 1, LESSON_FEATURES, LESSON_HIDDEN, 0.001, 3, F64),
        ("one step only: 8 days, 14 -> 128 -> 1", 8, LESSON_FEATURES, LESSON_HIDDEN, 0.001, 1, F64),
        ("small: 5 days, 3 features, 4 hidden units, lr 0.01, 6 steps", 5, 3, 4, 0.01, 6, F64),
        ("7 days, 6 features, 16 hidden units, lr 0.002, 5 steps", 7, 6, 16, 0.002, 5, F64),
    ]
    cases = []
    for description, rows, n_features, hidden, lr, steps, dtype in specs:
        x, y = days(rows, n_features, g, dtype, constant_year=n_features == LESSON_FEATURES)
        cases.append(Case(description, params=Params(network_tensors(n_features, hidden, g, dtype)), x=x, y=y, lr=lr,
                          steps=steps))
    x, y = days(6, 5, g, F64)
    tensors = network_tensors(5, 8, g, F64)
    x[0] = 0.0  # a day whose features are all at their mean meets zero biases: z is exactly 0 there
    tensors["biases"][::2] = 0.0
    cases.insert(3, Case("hidden units exactly at z = 0 (a day of zeros, zero biases), lr 0.005, 3 steps",
                         params=Params(tensors), x=x, y=y, lr=0.005, steps=3))
    return cases


def as_losses(got, case: Case) -> torch.Tensor:
    steps = case["steps"]
    expect(isinstance(got, (list, tuple)) and len(got) == steps,
           f"the losses you returned are {describe_value(got)}; return a list of {steps} Python floats, one per step "
           f"(the loss of that step's forward pass).", case,
           mistake=None if not isinstance(got, (list, tuple)) else
           "one loss per step: append inside the loop over steps, once per step.")
    expect(all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in got),
           f"the losses you returned are {describe_value(got)}; each must be a Python float (loss.item()).", case)
    return torch.tensor([float(v) for v in got], dtype=F64)


def check_train_by_hand(learner) -> str:
    cases = training_cases()
    for case in cases:
        x, y, lr, steps = case["x"], case["y"], case["lr"], case["steps"]
        expected_losses, expected = autograd_training(case["params"], x, y, lr, steps)
        mistakes = training_mistakes(case)
        got = call_learner(learner.train_by_hand, case)
        if not (isinstance(got, (tuple, list)) and len(got) == 2):  # described only on failure: a repr costs
            expect(False, f"your train_by_hand returned {describe_value(got)}; return a pair (losses, trained).", case)
        losses, trained = got
        expect_close(as_losses(losses, case), expected_losses, case, what="the losses you returned",
                     mistakes={message: wrong[0] for message, wrong in mistakes.items()},
                     **tolerances(x.dtype, 1e-10, (1e-4, 1e-4)))
        if not (isinstance(trained, dict) and sorted(trained) == sorted(NAMES)):
            expect(False, f"the trained tensors you returned are {describe_value(trained)}; return a dict with the "
                          f"four names {', '.join(NAMES)}.", case)
        for name in ("weights2", "biases2", "weights", "biases"):  # the output layer first, as the gradients flow
            tensor = trained[name]
            expect_close(tensor, expected[name], case, what=f"trained[{name!r}]",
                         mistakes={message: wrong[1][name] for message, wrong in mistakes.items()},
                         **tolerances(x.dtype, 1e-10, (1e-4, 1e-4)))
            expect(not tensor.requires_grad, f"trained[{name!r}] requires grad; return plain tensors.", case)
        expect_no_alias(trained, case, "the trained tensors you returned")
    return (f"{len(cases)} training runs matched autograd + the lesson's update: every loss and the four trained "
            f"tensors (14 -> 128 -> 1 and other sizes, z = 0, float32).")
