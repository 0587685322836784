"""Checks of the cnn-mnist exercises: F.batch_norm, the behaviour of nn.Dropout, the lesson's small CNN and
torch.bincount are the oracles. Small seeded inputs: the whole check runs in well under a second.
"""

from __future__ import annotations

import copy
from types import ModuleType
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from nnlessons.practice import compare
from nnlessons.practice.compare import Case, call_learner, describe_value, expect, expect_close, expect_equal
from nnlessons_cnn_mnist.models import small_cnn

F64 = torch.float64
DIMS = (0, 2, 3)  # a channel's statistics: over the batch and every position


def _atol(dtype: torch.dtype) -> float:
    return 1e-10 if dtype == F64 else 1e-5


# --- batch-norm-2d ------------------------------------------------------------------------------


def _view(v: torch.Tensor) -> torch.Tensor:
    return v.view(1, -1, 1, 1)


def _output_mistakes(x: torch.Tensor, rm: torch.Tensor, rv: torch.Tensor, w: torch.Tensor, b: torch.Tensor,
                     training: bool, eps: float) -> dict[str, torch.Tensor]:
    """The outputs that known wrong batch norms give (running statistics as they were before the call)."""
    def norm(mean: torch.Tensor, var: torch.Tensor, eps_inside: bool = True) -> torch.Tensor:
        scale = torch.sqrt(var + eps) if eps_inside else torch.sqrt(var) + eps
        return (x - mean) / scale * _view(w) + _view(b)

    mean, var = _view(x.mean(DIMS)), _view(x.var(DIMS, unbiased=False))
    if not training:
        return {"eval() normalised with the batch's own statistics: in eval mode use running_mean and running_var.":
                norm(mean, var)}
    return {
        "the batch is normalised with the unbiased variance (divided by n - 1): train() divides by n; only "
        "running_var keeps the unbiased one.": norm(mean, _view(x.var(DIMS, unbiased=True))),
        "the statistics are per channel AND position (over the batch only): BatchNorm2d takes each channel's over "
        "B, H and W together, dims (0, 2, 3).": norm(x.mean(0, keepdim=True), x.var(0, unbiased=False, keepdim=True)),
        "the statistics are over all channels together: each channel has its own mean and variance.":
            norm(x.mean(), x.var(unbiased=False)),
        "eps is added after the square root: it goes inside, sqrt(var + eps).": norm(mean, var, eps_inside=False),
        "training normalised with the running statistics: train() uses the batch's mean and variance.":
            norm(_view(rm), _view(rv)),
        "gamma and beta are missing: multiply by weight and add bias after normalising.":
            (x - mean) / torch.sqrt(var + eps),
    }


def _running_mistakes(x: torch.Tensor, rm: torch.Tensor, rv: torch.Tensor, training: bool,
                      momentum: float) -> dict[str, dict[str, torch.Tensor]]:
    """{'mean': {message: wrong running_mean}, 'var': {message: wrong running_var}} (buffers as before the call)."""
    if not training:
        changed = "the running statistics changed in eval mode: eval() only reads them."
        return {"mean": {changed: (1 - momentum) * rm + momentum * x.mean(DIMS)},
                "var": {changed: (1 - momentum) * rv + momentum * x.var(DIMS, unbiased=True)}}
    unchanged = ("the running statistics were not updated in place: change the caller's tensors "
                 "(running_mean.mul_(1 - momentum).add_(momentum * mean)); assigning a new tensor to the name does not "
                 "reach them.")
    reversed_momentum = "momentum is the weight of the NEW statistic: running = (1 - momentum) * running + momentum * new."
    mean, var = x.mean(DIMS), x.var(DIMS, unbiased=True)
    return {
        "mean": {unchanged: rm, reversed_momentum: momentum * rm + (1 - momentum) * mean,
                 "running_mean became the batch mean: blend it, (1 - momentum) * running_mean + momentum * mean.": mean},
        "var": {unchanged: rv, reversed_momentum: momentum * rv + (1 - momentum) * var,
                "running_var accumulates the biased variance: PyTorch keeps the unbiased one (divided by n - 1).":
                    (1 - momentum) * rv + momentum * x.var(DIMS, unbiased=False)},
    }


def _bn_inputs(g: torch.Generator, batch: int, channels: int, height: int, width: int, dtype: torch.dtype = F64,
               trained_buffers: bool = False) -> dict[str, torch.Tensor]:
    def rand(*shape: int) -> torch.Tensor:
        return torch.rand(*shape, generator=g, dtype=dtype)

    x = torch.randn(batch, channels, height, width, generator=g, dtype=dtype) * (1 + 2 * rand(1, channels, 1, 1)) \
        + 3 * (rand(1, channels, 1, 1) - 0.5)  # every channel its own mean and spread
    running = (2 * rand(channels) - 1, 0.2 + 2 * rand(channels)) if trained_buffers else \
        (torch.zeros(channels, dtype=dtype), torch.ones(channels, dtype=dtype))
    return {"x": x, "running_mean": running[0], "running_var": running[1], "weight": 0.5 + rand(channels),
            "bias": rand(channels) - 0.5}


DEFAULT = None  # momentum or eps not passed: the function's default (0.1, 1e-5) must be PyTorch's


def batch_norm_sequences() -> list[tuple[str, list[tuple[dict[str, torch.Tensor], bool]], float | None, float | None]]:
    """(description, steps [(inputs, training)], momentum, eps): buffers carry over from step to step."""
    g = torch.Generator().manual_seed(0)
    fixed = [
        ("the lesson's sizes: 16 channels of 28 x 28, 4 digits, float32",
         [(_bn_inputs(g, 4, 16, 28, 28, torch.float32), True)], 0.1, 1e-5),
        ("a batch of one 5 x 5 map, 3 channels", [(_bn_inputs(g, 1, 3, 5, 5), True)], 0.1, 1e-5),
        ("1 x 1 maps: statistics over the batch alone", [(_bn_inputs(g, 6, 4, 1, 1), True)], 0.1, 1e-5),
        ("momentum 0.5, eps 1e-3", [(_bn_inputs(g, 3, 2, 4, 4), True)], 0.5, 1e-3),
        ("eval() with running statistics from earlier training", [(_bn_inputs(g, 5, 3, 3, 3, trained_buffers=True), False)],
         0.1, 1e-5),
        ("three training steps, then eval()", [(_bn_inputs(g, 2, 3, 4, 4), True)] + [(_bn_inputs(g, 2, 3, 4, 4), mode)
                                                                                  for mode in (True, True, False)], 0.1, 1e-5),
        ("two training steps with the default momentum and eps (not passed)",
         [(_bn_inputs(g, 3, 4, 2, 2), True), (_bn_inputs(g, 3, 4, 2, 2), True)], DEFAULT, DEFAULT),
        ("eval() with the default eps (not passed), running variances near 0",
         [({**_bn_inputs(g, 2, 3, 2, 2, trained_buffers=True), "running_var": torch.full((3,), 1e-4, dtype=F64)}, False)],
         DEFAULT, DEFAULT),
    ]
    for n in range(12):
        b, c, h, w = (int(v) for v in torch.randint(1, 6, (4,), generator=g))
        b = max(b, 2) if h * w == 1 else b  # PyTorch needs more than one value per channel in training
        training = bool(n % 3)
        fixed.append((f"random case {n + 1}: ({b}, {c}, {h}, {w}), {'train' if training else 'eval'}",
                      [(_bn_inputs(g, b, c, h, w, trained_buffers=not training), training)], 0.1, 1e-5))
    return fixed


def _batch_norm_case(label: str, inputs: dict[str, torch.Tensor], buffers: list[torch.Tensor], training: bool,
                     momentum: float | None, eps: float | None) -> Case:
    """The inputs in the function's order; momentum and eps left out (their defaults) when None."""
    values = dict(x=inputs["x"], running_mean=buffers[0], running_var=buffers[1], weight=inputs["weight"],
                  bias=inputs["bias"], training=training)
    if momentum is not None:
        values.update(momentum=momentum, eps=eps)
    return Case(label, **values)


def _expect_buffers_outside_the_graph(learner: ModuleType) -> None:
    """x requires grad: y must stay connected to it, the running statistics must not be."""
    g = torch.Generator().manual_seed(1)
    inputs = _bn_inputs(g, 4, 3, 3, 3)
    case = Case("training, x requires grad (inside a network being trained)",
                x=inputs["x"].requires_grad_(True), running_mean=inputs["running_mean"],
                running_var=inputs["running_var"], weight=inputs["weight"], bias=inputs["bias"], training=True,
                momentum=0.1, eps=1e-5)
    got = call_learner(learner.batch_norm_2d, case, in_place=("running_mean", "running_var"))
    expect(isinstance(got, torch.Tensor) and compare.grad_fn_name(got) is not None,
           "your output is cut off from autograd: y must stay connected to x (no .detach() or torch.no_grad() "
           "around the normalisation), or nothing before the layer learns.", case)
    for name in ("running_mean", "running_var"):
        expect(not case.passed[name].requires_grad,
               f"after your call {name} requires grad: the running statistics became part of the autograd graph, and "
               f"every later step would backpropagate into them.", case,
               mistake="update the running statistics under torch.no_grad() (or from detached statistics): they are "
                       "bookkeeping, not something to differentiate.")


def check_batch_norm_2d(learner: ModuleType) -> str:
    sequences = batch_norm_sequences()
    steps = 0
    for description, sequence, momentum, eps in sequences:
        first = sequence[0][0]
        theirs = [first["running_mean"].clone(), first["running_var"].clone()]
        yours = [first["running_mean"].clone(), first["running_var"].clone()]
        for number, (inputs, training) in enumerate(sequence, start=1):
            x, weight, bias = inputs["x"], inputs["weight"], inputs["bias"]
            label = description if len(sequence) == 1 else f"{description}: step {number} ({'train' if training else 'eval'})"
            case = _batch_norm_case(label, inputs, yours, training, momentum, eps)
            m, e = (0.1, 1e-5) if momentum is None else (momentum, eps)
            output_mistakes = _output_mistakes(x, theirs[0], theirs[1], weight, bias, training, e)
            running_mistakes = _running_mistakes(x, theirs[0].clone(), theirs[1].clone(), training, m)
            expected = F.batch_norm(x, theirs[0], theirs[1], weight, bias, training, m, e)
            got = call_learner(learner.batch_norm_2d, case, in_place=("running_mean", "running_var"))
            yours = [case.passed["running_mean"], case.passed["running_var"]]
            atol = _atol(x.dtype)
            expect_close(got, expected, case, atol=atol, rtol=atol, what="your output", mistakes=output_mistakes)
            compare.expect_no_alias(got, case, "your output")
            expect_close(yours[0], theirs[0], case, atol=atol, rtol=atol, what="running_mean after your call",
                         mistakes=running_mistakes["mean"])
            expect_close(yours[1], theirs[1], case, atol=atol, rtol=atol, what="running_var after your call",
                         mistakes=running_mistakes["var"])
            steps += 1
    _expect_buffers_outside_the_graph(learner)
    return (f"{steps} calls in {len(sequences)} cases: the output and both running buffers matched F.batch_norm; the "
            f"buffers stayed out of the autograd graph.")


# --- dropout ------------------------------------------------------------------------------------


def _run_dropout(learner: ModuleType, case: Case) -> torch.Tensor:
    got = call_learner(learner.dropout, case)
    expect(isinstance(got, torch.Tensor) and got.shape == case["x"].shape and got.dtype == case["x"].dtype,
           f"your function returned {describe_value(got)}; return a tensor shaped and typed like x "
           f"({tuple(case['x'].shape)}, {str(case['x'].dtype).removeprefix('torch.')}).", case)
    return got


def _dropout_case(description: str, x: torch.Tensor, p: float, training: bool, seed: int) -> Case:
    return Case(description, x=x, p=p, training=training, generator=torch.Generator().manual_seed(seed))


def _check_kept_values(got: torch.Tensor, case: Case) -> None:
    """Every value that is not 0 must be x / (1 - p)."""
    x, p = case["x"], case["p"]
    kept = got != 0
    if not bool(kept.any()):
        return
    ratio = (got[kept] / x[kept]).to(F64)  # what your function multiplied the kept values by
    right = 1 / (1 - p)
    if torch.allclose(ratio, torch.full_like(ratio, right), rtol=1e-6, atol=0):
        return
    mistake = None
    if torch.allclose(ratio, torch.ones_like(ratio), rtol=1e-6):
        mistake = "the kept values are x itself: in training divide them by (1 - p), so their expectation stays x."
    elif torch.allclose(ratio, torch.full_like(ratio, 1 - p), rtol=1e-6):
        mistake = "the kept values are multiplied by (1 - p): divide by it instead, x / (1 - p)."
    elif torch.allclose(ratio, torch.full_like(ratio, 1 / p), rtol=1e-6):
        mistake = "the kept values are divided by p: divide by the keep probability, 1 - p."
    worst = int((ratio - right).abs().argmax())
    raise compare.failure(f"a kept value is x * {ratio[worst].item():.6g}; it should be x / (1 - p) = x * {right:.6g}.",
                          case, mistake=mistake)


def _check_dropped_share(got: torch.Tensor, case: Case) -> float:
    p, n = case["p"], got.numel()
    share = (got == 0).double().mean().item()
    spread = 5 * (p * (1 - p) / n) ** 0.5
    mistake = None
    if abs(share - (1 - p)) <= spread:
        mistake = "the share dropped is 1 - p: p is the probability to DROP a value; keep with probability 1 - p."
    expect(abs(share - p) <= spread, f"your function set {share:.4f} of the values to 0; with p = {p:g} that share "
                                     f"should be within {spread:.4f} of {p:g}.", case, mistake=mistake)
    return share


def _expect_drop_probability_exactly_p(learner: ModuleType) -> None:
    """p equal to one of the generator's uniform draws: that element must be kept (drawn >= p), or P(drop) > p.

    Only decides when your mask is the comparison of torch.rand's draws with p (another way of drawing passes here).
    """
    x = torch.ones(1000)
    draws = torch.rand(1000, generator=torch.Generator().manual_seed(11))  # what torch.rand(x.shape, generator) gives
    p = float(draws.sort().values[300])  # a float32 number: exactly one of the draws
    case = _dropout_case(f"p = {p!r}, exactly one of the generator's draws", x, p, True, seed=11)
    got = _run_dropout(learner, case)
    strict = (draws > p) / (1 - p)
    expect(not torch.equal(got, strict.to(got.dtype)),
           "the element whose uniform draw equals p exactly was dropped.", case,
           mistake="keep an element when its draw is >= p: the draws are multiples of 2**-24, and dropping at draw <= p "
                   "drops with probability p + 2**-24, not p (p = 0 would then drop now and then).")


def check_dropout(learner: ModuleType) -> str:
    g = torch.Generator().manual_seed(0)
    positive = torch.rand(200_000, generator=g, dtype=F64) + 0.5  # no zeros: every 0 in the output was dropped
    for p in (0.3, 0.5, 0.9):
        case = _dropout_case(f"200,000 positive values, p = {p}, training", positive, p, True, seed=1)
        got = _run_dropout(learner, case)
        _check_kept_values(got, case)
        _check_dropped_share(got, case)
    grid = torch.rand(300, 700, generator=g) + 0.5
    case = _dropout_case("a (300, 700) float32 matrix, p = 0.5, training", grid, 0.5, True, seed=2)
    got = _run_dropout(learner, case)
    _check_kept_values(got, case)
    _check_dropped_share(got, case)
    row_shares = (got == 0).float().mean(dim=1)
    expect(not bool(((row_shares == 0) | (row_shares == 1)).all()),
           "every row is either all dropped or all kept: draw one random number per element, not per row.", case)
    mixed = torch.randn(3, 4, 5, generator=g) * (torch.rand(3, 4, 5, generator=g) > 0.2)  # signs mixed, some zeros
    case = _dropout_case("values of both signs and some zeros, p = 0.2, training", mixed, 0.2, True, seed=3)
    _check_kept_values(_run_dropout(learner, case), case)
    first = _run_dropout(learner, _dropout_case("seed 7, p = 0.5", positive[:1000], 0.5, True, seed=7))
    again = _run_dropout(learner, case := _dropout_case("seed 7 again, p = 0.5", positive[:1000], 0.5, True, seed=7))
    expect(torch.equal(first, again), "the same generator seed gave two different masks: draw the random numbers from "
                                      "the generator passed in, torch.rand(x.shape, generator=generator).", case)
    other = _run_dropout(learner, case := _dropout_case("seed 8, p = 0.5", positive[:1000], 0.5, True, seed=8))
    expect(not torch.equal(first, other), "seeds 7 and 8 gave the same mask: the mask must come from the generator's "
                                          "random numbers.", case)
    _expect_drop_probability_exactly_p(learner)
    for p in (0.0, 0.3, 1.0):
        case = _dropout_case(f"eval(), p = {p}", positive[:50], p, False, seed=4)
        got = _run_dropout(learner, case)
        mistake = None
        if bool((got == 0).any()):
            mistake = "values were dropped in eval mode: eval() returns x unchanged."
        elif p < 1 and torch.allclose(got, positive[:50] / (1 - p)):
            mistake = "the values were scaled in eval mode: eval() returns x unchanged."
        expect(torch.equal(got, positive[:50]), "in eval mode your function changed x; dropout is the identity there.",
               case, mistake=mistake)
    case = _dropout_case("p = 0, training: nothing dropped", positive[:100], 0.0, True, seed=5)
    expect(torch.equal(_run_dropout(learner, case), positive[:100]), "with p = 0 the output must equal x.", case)
    case = _dropout_case("p = 1, training: everything dropped", positive[:100], 1.0, True, seed=6)
    got = _run_dropout(learner, case)
    expect(not bool(torch.isnan(got).any()), "with p = 1 your function returned nan (0 / 0): when everything is "
                                             "dropped, return zeros.", case)
    expect(bool((got == 0).all()), "with p = 1 every value must be dropped (0).", case)
    return ("the dropped share matched p (0.3, 0.5, 0.9) on 200,000 values, kept values were x / (1 - p), masks followed "
            "the generator, eval() returned x, p = 0 and p = 1 behaved.")


# --- small-cnn ----------------------------------------------------------------------------------


def reference_cnn(dropout: float, seed: int) -> nn.Sequential:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return small_cnn(dropout)


def _expect_same_tensors(model: nn.Module, reference: nn.Module, case: Case) -> None:
    theirs = {name: tuple(t.shape) for name, t in reference.state_dict().items()}
    yours = {name: tuple(t.shape) for name, t in model.state_dict().items()}
    listed = ", ".join(name for name in yours) or "none"
    if any(name.endswith(".bias") and name.startswith("conv") for name in yours):
        raise compare.failure("your convolutions have a bias: the lesson's have none.", case,
                              mistake="BatchNorm right after a convolution subtracts each channel's mean, which "
                                      "cancels the convolution's bias: create it with bias=False.")
    for name, shape in theirs.items():
        expect(name in yours, f"your model has no tensor '{name}' (it has: {listed}). Name the layers conv1, bn1, conv2, "
                              f"bn2, conv3, bn3 and fc, as the lesson does.", case)
        mistake = None
        if name.startswith("conv") and len(yours[name]) == 4 and yours[name][2:] != shape[2:]:
            out, inputs, k = shape[0], shape[1], shape[2]
            mistake = (f"{name.split('.')[0]} has {yours[name][2]}x{yours[name][3]} kernels: its {out * inputs * k * k:,} "
                       f"parameters in the table are {out} filters x {inputs} channels x k x k with no bias, so k = {k}.")
        if name == "fc.weight" and yours[name] != shape:
            mistake = {64 * 7 * 7: "fc reads 64 * 7 * 7 numbers: the third block needs its MaxPool2d(2) too (7 -> 3).",
                       64: "fc reads 64 numbers: without padding=1 every 3x3 convolution shrinks the maps by 2 "
                           "(28 -> 26 -> 13 -> 11 -> 5 -> 3 -> 1)."}.get(yours[name][1])
        expect(yours[name] == shape, f"your tensor '{name}' has shape {yours[name]}; the lesson's has {shape}.", case,
               mistake=mistake)
    extra = [name for name in yours if name not in theirs]
    expect(not extra, f"your model has tensors the lesson's has not: {', '.join(extra)}.", case)


def _variants(reference: nn.Sequential, images: torch.Tensor) -> dict[str, torch.Tensor]:
    """Logits of known wrong networks with the reference weights, in eval mode."""
    r = reference

    def run(order: str, pool: Any = F.max_pool2d) -> torch.Tensor:
        x = images
        for conv, bn in ((r.conv1, r.bn1), (r.conv2, r.bn2), (r.conv3, r.bn3)):
            x = bn(torch.relu(conv(x))) if order == "relu-bn" else torch.relu(bn(conv(x)))
            x = pool(x, 2)
        return r.fc(x.flatten(1))

    return {
        "ReLU comes before BatchNorm: the lesson's blocks are conv -> BatchNorm -> ReLU -> pool.": run("relu-bn"),
        "the blocks use average pooling: the lesson's use MaxPool2d(2).": run("bn-relu", F.avg_pool2d),
        "the logits went through a softmax: return the Linear layer's output.": torch.softmax(r(images), dim=1),
    }


def _expect_dropout_off(first: torch.Tensor, second: torch.Tensor, case: Case) -> None:
    """In eval() the same digits must give the same logits twice."""
    expect(isinstance(first, torch.Tensor) and torch.equal(first, second),
           "in eval() your model gave two different answers for the same digits: dropout is still active.", case,
           mistake="F.dropout(x, p) defaults to training=True: pass training=self.training, or use an nn.Dropout "
                   "module, which follows model.train() and model.eval().")


def check_small_cnn(learner: ModuleType) -> str:
    g = torch.Generator().manual_seed(0)
    build = Case("SmallCNN() with the lesson's dropout 0.3")
    model = call_learner(learner.SmallCNN, build)
    expect(isinstance(model, nn.Module), f"SmallCNN() gave {describe_value(model)}, not an nn.Module.", build)
    reference = reference_cnn(0.3, seed=1)
    with torch.no_grad():  # running statistics that are not 0 and 1, as after training
        for bn in (reference.bn1, reference.bn2, reference.bn3):
            bn.running_mean.uniform_(-0.5, 0.5, generator=g)
            bn.running_var.uniform_(0.5, 2.0, generator=g)
            bn.weight.uniform_(0.5, 1.5, generator=g)
            bn.bias.uniform_(-0.3, 0.3, generator=g)
    _expect_same_tensors(model, reference, build)
    model.load_state_dict(reference.state_dict())
    checked = 0
    for batch, dtype, description in ((4, torch.float32, "4 digits"), (1, torch.float32, "a batch of one"),
                                      (3, F64, "float64 weights and digits")):
        model.to(dtype).eval()
        reference.to(dtype).eval()
        case = Case(f"eval(), {description}", images=torch.randn(batch, 1, 28, 28, generator=g, dtype=dtype))
        with torch.no_grad():
            got = call_learner(model, case)
            _expect_dropout_off(got, call_learner(model, case), case)
            expected = reference(case["images"])
            expect_close(got, expected, case, atol=_atol(dtype), rtol=_atol(dtype), what="your model",
                         mistakes=_variants(reference, case["images"]))
        checked += 1
    model.float()
    reference.float()
    case = Case("eval() twice with dropout 0.5: dropout must be off", images=torch.randn(4, 1, 28, 28, generator=g))
    twice = call_learner(learner.SmallCNN, Case("SmallCNN(dropout=0.5)", dropout=0.5))
    twice.load_state_dict(reference.state_dict())
    twice.eval()
    with torch.no_grad():
        _expect_dropout_off(call_learner(twice, case), call_learner(twice, case), case)
        twice.train()
        case = Case("train() twice with dropout 0.5: dropout must be on", images=case["images"])
        expect(not torch.equal(call_learner(twice, case), call_learner(twice, case)),
               "in train() your model gave the same answer twice with dropout 0.5: dropout drops nothing.", case,
               mistake="is the dropout probability passed on to the Dropout layer, and the layer used in forward?")
    fresh_reference = copy.deepcopy(reference).train()
    batch_stats = call_learner(learner.SmallCNN, Case("SmallCNN(dropout=0.0)", dropout=0.0))
    batch_stats.load_state_dict(reference.state_dict())
    batch_stats.train()
    fresh_reference.dropout.p = 0.0
    case = Case("train() with dropout 0: BatchNorm uses the batch's statistics", images=torch.randn(8, 1, 28, 28, generator=g))
    with torch.no_grad():
        expect_close(call_learner(batch_stats, case), fresh_reference(case["images"]), case, atol=1e-5, rtol=1e-5,
                     what="your model in train()")
    _expect_default_dropout(learner, reference, g)
    return (f"names and shapes matched the lesson's 29,178 parameters; {checked + 3} forward passes matched in eval() and "
            f"train(); the default dropout 0.3 acted on fc's input.")


def _expect_default_dropout(learner: ModuleType, reference: nn.Sequential, g: torch.Generator) -> None:
    """SmallCNN() in train(), with an fc that copies ten single features: its outputs show what dropout did to them."""
    p = 0.3
    images = torch.randn(16, 1, 28, 28, generator=g)
    selecting = copy.deepcopy(reference).float().train()
    selecting.dropout.p = 0.0
    with torch.no_grad():
        features = selecting[:-1](images)  # (16, 576): the flattened maps, in train() (batch statistics)
        columns = (features > 0).sum(dim=0).argsort(descending=True)[:10]  # the features most often above 0
        selecting.fc.weight.zero_()
        selecting.fc.weight[torch.arange(10), columns] = 1.0
        selecting.fc.bias.zero_()
        chosen = features[:, columns]  # (16, 10): what fc's outputs are without dropout
    model = call_learner(learner.SmallCNN, Case("SmallCNN() with its default dropout"))
    model.load_state_dict(selecting.state_dict())
    model.train()
    case = Case("train(), SmallCNN()'s default dropout: fc reads ten single features", images=images)
    with torch.no_grad():
        got = call_learner(model, case)
    positive = chosen > 0
    kept = positive & (got != 0)
    expect(bool((positive & (got == 0)).any()),
           "in train() with SmallCNN()'s default dropout nothing reaching fc was dropped.", case,
           mistake="the dropout layer must sit between the flattened maps and fc, with the constructor's probability.")
    ratio = (got[kept] / chosen[kept]).double()
    right = 1 / (1 - p)
    mistake = None
    if ratio.numel() and torch.allclose(ratio, torch.full_like(ratio, ratio[0].item()), rtol=1e-4):
        mistake = (f"the kept values were scaled by {ratio[0].item():.4g}, as dropout with p = "
                   f"{1 - 1 / ratio[0].item():.3g} does: is SmallCNN's default dropout 0.3 passed on to its dropout layer?")
    expect(bool(ratio.numel()) and torch.allclose(ratio, torch.full_like(ratio, right), rtol=1e-4),
           f"in train() the values reaching fc were not the flattened maps, some dropped and the rest scaled by "
           f"1 / (1 - 0.3) = {right:.4f}, as the default dropout of 0.3 gives.", case, mistake=mistake)


# --- confused-pairs -----------------------------------------------------------------------------


def _confusion(predicted: torch.Tensor, true: torch.Tensor) -> torch.Tensor:
    return torch.bincount(true * 10 + predicted, minlength=100).reshape(10, 10)


def _pairs(confusion: torch.Tensor, top: int, diagonal: bool = False, ascending: bool = False, zeros: bool = False,
           predicted_first: bool = False, swapped: bool = False) -> list[tuple[int, int, int]]:
    """The right list, or (with a flag) what a known mistake gives."""
    cells = [(int(confusion[t, p]), t, p) for t in range(10) for p in range(10)
             if (diagonal or t != p) and (zeros or confusion[t, p] > 0)]
    cells.sort(key=lambda c: ((c[0] if ascending else -c[0]), *((c[2], c[1]) if predicted_first else (c[1], c[2]))))
    return [((p, t, n) if swapped else (t, p, n)) for n, t, p in cells[:top]]


def confusion_cases() -> list[Case]:
    g = torch.Generator().manual_seed(0)
    cases = []
    for n in range(8):
        size = int(torch.randint(1, 400, (1,), generator=g))
        true = torch.randint(0, 10, (size,), generator=g)
        wrong = torch.rand(size, generator=g) < 0.15
        predicted = torch.where(wrong, torch.randint(0, 10, (size,), generator=g), true)
        cases.append(Case(f"random run {n + 1}: {size} digits, about 15 % misread", predicted=predicted, true=true))
    digits = torch.arange(10).repeat(5)
    cases += [
        Case("every digit right", predicted=digits.clone(), true=digits.clone()),
        Case("no digits at all", predicted=torch.zeros(0, dtype=torch.long), true=torch.zeros(0, dtype=torch.long)),
        Case("one 4 read as 9", predicted=torch.tensor([9]), true=torch.tensor([4])),
        Case("ties: 3 -> 5 and 5 -> 3 twice each, 1 -> 7 twice",
             predicted=torch.tensor([5, 5, 3, 3, 7, 7, 0]), true=torch.tensor([3, 3, 5, 5, 1, 1, 0])),
    ]
    return cases


def check_confused_pairs(learner: ModuleType) -> str:
    cases = confusion_cases()
    for case in cases:
        expected = _confusion(case["predicted"], case["true"])
        got = call_learner(learner.confusion_matrix, case)
        expect_close(got, expected, case, atol=0, what="your confusion matrix",
                     mistakes={"rows are the predicted digits: cell [t, p] counts true digit t read as p, so rows are "
                               "the true digits.": expected.T})
        for top in (5, 1, 100):
            pairs_case = Case(f"{case.description}; top {top}", confusion=expected, top=top)
            got_pairs = call_learner(learner.most_confused, pairs_case)
            try:
                got_pairs = [tuple(int(v) for v in item) for item in got_pairs]
            except (TypeError, ValueError):
                raise compare.failure(f"most_confused returned {describe_value(got_pairs)}; return a list of "
                                      f"(true, predicted, count) tuples.", pairs_case) from None
            expect_equal(got_pairs, _pairs(expected, top), pairs_case, what="most_confused", mistakes={
                "the diagonal is counted: correct answers are not confusions, skip t == p.": _pairs(expected, top, diagonal=True),
                "the smallest counts come first: sort largest first.": _pairs(expected, top, ascending=True),
                "cells with a count of 0 are listed: only pairs that happened.": _pairs(expected, top, zeros=True),
                "equal counts are ordered by the predicted digit: order them by the true digit first.":
                    _pairs(expected, top, predicted_first=True),
                "the tuples are (predicted, true, count): the lesson reads them as (true, predicted, count).":
                    _pairs(expected, top, swapped=True),
            })
    return f"{len(cases)} runs: the matrix matched torch.bincount and the pairs the sorted off-diagonal cells (top 1, 5, 100)."
