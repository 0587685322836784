"""Checks of the lstm-mnist exercises: nn.LSTMCell, nn.LSTM and the lesson's RowLSTM are the oracle.

No MNIST here: the inputs are seeded random tensors shaped like digits (mostly background, some ink).
"""

from __future__ import annotations

from itertools import permutations
from types import ModuleType
from typing import Any

import torch
from torch import nn

from nnlessons.practice.compare import (Case, call_learner, describe_value, expect, expect_close, expect_counts,
                                       expect_no_alias, failure, in_learners_process)
from nnlessons_lstm_mnist.model import CLASSES, ROW_WIDTH, RowLSTM, without_batch_first

F64 = torch.float64




def digit_rows(batch: int, generator: torch.Generator, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """(batch, 28, 28) standardised like the lesson's default: background -0.42, ink up to 2.8."""
    ink = torch.rand(batch, 28, 28, generator=generator, dtype=dtype)
    pixels = ink * (torch.rand(batch, 28, 28, generator=generator) < 0.2)  # like bytes / 255
    return (pixels - 0.1307) / 0.3081


# --- lstm-cell-step -----------------------------------------------------------------------------

GATE_ORDER = "ifgo"



def _cell_case(description: str, generator: torch.Generator, batch: int, inputs: int, hidden: int,
               dtype: torch.dtype = F64, first_step: bool = False, x: torch.Tensor | None = None) -> Case:
    def randn(*shape: int, scale: float = 1.0) -> torch.Tensor:
        return torch.randn(*shape, generator=generator, dtype=dtype) * scale

    state = (torch.zeros(batch, hidden, dtype=dtype),) * 2 if first_step else (randn(batch, hidden, scale=0.5),
                                                                                randn(batch, hidden))
    return Case(description, x=randn(batch, inputs) if x is None else x.to(dtype), h=state[0], c=state[1],
                weight_ih=randn(4 * hidden, inputs, scale=0.5), weight_hh=randn(4 * hidden, hidden, scale=0.5),
                bias_ih=randn(4 * hidden, scale=0.5), bias_hh=randn(4 * hidden, scale=0.5))


def cell_cases() -> list[Case]:
    g = torch.Generator().manual_seed(0)
    cases = [
        _cell_case("the lesson's sizes: a row of 28 pixels for 4 digits, hidden 100", g, 4, ROW_WIDTH, 100,
                   x=digit_rows(4, g, F64)[:, 10]),
        _cell_case("the first step: h = c = 0", g, 3, 5, 4, first_step=True),
        _cell_case("a batch of one", g, 1, 6, 3),
        _cell_case("hidden size 1", g, 2, 3, 1),
        _cell_case("float32", g, 5, 28, 16, dtype=torch.float32),
        _cell_case("input size 4H (8 = 4 x 2): x @ weight_ih runs with or without the transpose", g, 3, 8, 2),
    ]
    for n in range(10):
        batch, inputs, hidden = (int(v) for v in torch.randint(1, 12, (3,), generator=g))
        cases.append(_cell_case(f"random case {n + 1}", g, batch, inputs, hidden))
    return cases


def _gates(case: Case, order: str = GATE_ORDER, bias_hh: bool = True) -> dict[str, torch.Tensor]:
    """The four pre-activations, read from z's blocks in `order` (PyTorch's is i, f, g, o)."""
    z = case["x"] @ case["weight_ih"].T + case["bias_ih"] + case["h"] @ case["weight_hh"].T
    if bias_hh:
        z = z + case["bias_hh"]
    return dict(zip(order, z.chunk(4, dim=1)))


def _step(case: Case, gates: dict[str, torch.Tensor], candidate=torch.tanh, show_tanh: bool = True,
          show_old_cell: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    i, f, g, o = torch.sigmoid(gates["i"]), torch.sigmoid(gates["f"]), candidate(gates["g"]), torch.sigmoid(gates["o"])
    c_new = f * case["c"] + i * g
    shown = case["c"] if show_old_cell else c_new
    return o * (torch.tanh(shown) if show_tanh else shown), c_new


def _cell_mistakes(case: Case) -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """(h, c) that known wrong cells give on this case."""
    mistakes = {}
    for order in ("".join(p) for p in permutations(GATE_ORDER)):
        if order != GATE_ORDER:
            read = ", ".join(order)
            mistakes[f"the gates are read in the order {read}: PyTorch stacks the 4H rows as i, f, g, o (input, "
                     f"forget, cell candidate, output)."] = _step(case, _gates(case, order))
    right = _gates(case)
    if case["x"].shape[1] == case["weight_ih"].shape[0]:  # (4H, 4H): x @ weight_ih runs without the transpose
        z = case["x"] @ case["weight_ih"] + case["bias_ih"] + case["h"] @ case["weight_hh"].T + case["bias_hh"]
        mistakes[TRANSPOSE] = _step(case, dict(zip(GATE_ORDER, z.chunk(4, dim=1))))
    mistakes.update({
        "the cell candidate g goes through a sigmoid: it uses tanh (content in -1..1); i, f and o use the sigmoid.":
            _step(case, right, candidate=torch.sigmoid),
        "h_new = o * c_new misses the tanh: h_new = o * tanh(c_new).": _step(case, right, show_tanh=False),
        "h_new uses the old cell state: compute c_new first, then h_new = o * tanh(c_new).":
            _step(case, right, show_old_cell=True),
        "bias_hh is missing: PyTorch adds both bias vectors, b_ih and b_hh.": _step(case, _gates(case, bias_hh=False)),
    })
    return mistakes


def _lstm_cell(case: Case) -> nn.LSTMCell:
    cell = nn.LSTMCell(case["x"].shape[1], case["h"].shape[1], dtype=case["x"].dtype)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(cell, name).copy_(case[name])
    return cell


TRANSPOSE = ("weight_ih and weight_hh are stored (4H, D) and (4H, H), one row per gate unit, as nn.Linear stores its "
             "weight: multiply by their transposes, x @ weight_ih.T and h @ weight_hh.T (or F.linear(x, weight_ih)).")


def _call_cell(learner: ModuleType, case: Case) -> Any:
    """call_learner, with a matrix product of mismatched shapes reported as the missing transpose."""
    try:
        return call_learner(learner.lstm_cell_step, case)
    except RuntimeError as error:
        if "cannot be multiplied" not in str(error) and "size mismatch" not in str(error):
            raise
        lines = getattr(error, "learner_traceback", "").strip().splitlines()
        raise failure("your code multiplied matrices whose shapes do not fit.", case,
                      details={"your code raised": lines[-1] if lines else str(error)}, mistake=TRANSPOSE) from None


def check_lstm_cell_step(learner: ModuleType) -> str:
    cases = cell_cases()
    for case in cases:
        with torch.no_grad():
            h_expected, c_expected = _lstm_cell(case)(case["x"], (case["h"], case["c"]))
        mistakes = _cell_mistakes(case)
        got = _call_cell(learner, case)
        expect(isinstance(got, (tuple, list)) and len(got) == 2,
               f"your function returned {describe_value(got)}; return a tuple (h_new, c_new).", case)
        atol = 1e-12 if case["x"].dtype == F64 else 1e-5
        expect_close(got[0], h_expected, case, atol=atol, what="your h_new",
                     mistakes={name: h for name, (h, _) in mistakes.items()})
        expect_close(got[1], c_expected, case, atol=atol, what="your c_new",
                     mistakes={name: c for name, (_, c) in mistakes.items()})
        expect_no_alias(got, case, "your (h_new, c_new)")
    return f"{len(cases)} steps: h_new and c_new matched nn.LSTMCell with the same weights."


# --- lstm-parameter-count -----------------------------------------------------------------------


def _numel(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


def _lstm_count_mistakes(inputs: int, hidden: int) -> dict[str, int]:
    return {
        "one bias vector is missing: PyTorch keeps two, bias_ih and bias_hh (4 * hidden each).":
            4 * hidden * (inputs + hidden) + 4 * hidden,
        "the biases are missing: bias_ih and bias_hh have 4 * hidden numbers each.": 4 * hidden * (inputs + hidden),
        "the factor 4 is missing: every LSTM tensor has 4 * hidden rows, one block per gate i, f, g, o.":
            hidden * (inputs + hidden) + 2 * hidden,
        "weight_hh is missing: the previous hidden state feeds the gates too, a (4 * hidden, hidden) matrix.":
            4 * hidden * inputs + 8 * hidden,
    }


def _classifier_count_mistakes(hidden: int) -> dict[str, int]:
    lstm = 4 * hidden * (ROW_WIDTH + hidden) + 8 * hidden
    return {
        "the Linear layer is missing: fc has hidden * 10 weights and 10 biases.": lstm,
        "fc's bias is missing: Linear(hidden, 10) has 10 biases.": lstm + hidden * CLASSES,
        ("fc reads all 28 steps (28 * hidden inputs): it reads only the state after the last row, "
         "hidden numbers."): lstm + ROW_WIDTH * hidden * CLASSES + CLASSES,
    }


def lstm_count_cases() -> list[tuple[str, Case, int, dict[str, int]]]:
    """(function name, case, PyTorch's count, mistakes)."""
    g = torch.Generator().manual_seed(0)
    sizes = [(ROW_WIDTH, 100, "the lesson's LSTM"), (1, 1, "the smallest LSTM"), (28, 1, "hidden size 1")]
    for n in range(40):
        inputs, hidden = (int(v) for v in torch.randint(1, 300, (2,), generator=g))
        sizes.append((inputs, hidden, f"random LSTM {n + 1}"))
    found = []
    for inputs, hidden, why in sizes:
        case = Case(f"{why}: nn.LSTM({inputs}, {hidden})", input_size=inputs, hidden_size=hidden)
        found.append(("lstm_parameter_count", case, _numel(nn.LSTM(inputs, hidden, device="meta")),
                      _lstm_count_mistakes(inputs, hidden)))
    for hidden in (100, 1, 16, 256, None):
        with torch.device("meta"):
            count = _numel(RowLSTM() if hidden is None else RowLSTM(hidden))
        case = (Case("the lesson's RowLSTM() with its default hidden size") if hidden is None else
                Case(f"the lesson's RowLSTM({hidden})", hidden_size=hidden))
        found.append(("row_classifier_parameter_count", case, count, _classifier_count_mistakes(hidden or 100)))
    return found


def check_lstm_parameter_count(learner: ModuleType) -> str:
    cases = lstm_count_cases()
    expect_counts(learner, cases)
    return (f"{len(cases)} counts matched sum(p.numel()) of nn.LSTM and of the lesson's RowLSTM "
            f"(53,010 with hidden 100).")


# --- row-classifier -----------------------------------------------------------------------------


def reference_row_lstm(hidden: int, seed: int) -> RowLSTM:
    """The lesson's model with PyTorch's default initialisation drawn from `seed` (global RNG untouched)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return RowLSTM(hidden)


def _expect_same_parameters(model: nn.Module, reference: nn.Module, case: Case) -> None:
    """The lesson's parameter names and shapes, so its weights can be copied in."""
    theirs = {name: tuple(p.shape) for name, p in reference.named_parameters()}
    yours = {name: tuple(p.shape) for name, p in model.named_parameters()}
    listed = ", ".join(f"{name} {shape}" for name, shape in yours.items()) or "none"
    for name, shape in theirs.items():
        expect(name in yours, f"your model has no parameter '{name}' (its parameters: {listed}). Create the layers in "
                              f"__init__ as attributes named like the lesson's: self.lstm (one nn.LSTM layer) and "
                              f"self.fc.", case)
        mistake = None
        if name == "fc.weight" and yours[name][1] == ROW_WIDTH * shape[1]:
            mistake = ("fc reads all 28 steps flattened: it reads only the hidden state after the last row, "
                       "Linear(hidden_size, 10).")
        elif name.startswith("lstm") and yours[name][0] != shape[0]:
            mistake = f"the LSTM's hidden size is {yours[name][0] // 4}: use the hidden_size argument ({shape[0] // 4})."
        expect(yours[name] == shape, f"your parameter '{name}' has shape {yours[name]}; the lesson's has {shape}.",
               case, mistake=mistake)
    extra = [name for name in yours if name not in theirs]
    expect(not extra, f"your model has parameters the lesson's has not: {', '.join(extra)}; the model is one "
                      f"LSTM(28, hidden_size) layer and Linear(hidden_size, 10).", case)


def _classifier_mistakes(reference: RowLSTM, images: torch.Tensor) -> dict[str, torch.Tensor]:
    with torch.no_grad():
        outputs, (h_n, _) = reference.lstm(images)  # (B, 28, H), (1, B, H)
        time_first, _ = without_batch_first(reference.lstm).to(images.dtype)(images)  # read as (time=B, batch=28, 28)
        return {
            ("batch_first is missing: the LSTM reads (B, 28, 28) as B time steps of 28 sequences and mixes the "
             "images; create it with batch_first=True."): reference.fc(time_first[:, -1, :]),
            "the classifier reads the state after the first row: take the last, outputs[:, -1, :].":
                reference.fc(outputs[:, 0, :]),
            "the classifier reads the mean over the 28 steps: take the state after the last row, outputs[:, -1, :].":
                reference.fc(outputs.mean(dim=1)),
            "the images are read by columns: row t of the image is the input of step t, so do not transpose them.":
                reference(images.transpose(1, 2)),
            ("the logits come from fc(h_n), shape (1, B, 10): h_n has a leading layers x directions axis; "
             "use h_n[-1] or outputs[:, -1, :]."): reference.fc(h_n),
            ("outputs[-1] is the last image of the batch, all 28 steps: the last time step is "
             "outputs[:, -1, :]."): reference.fc(outputs[-1]),
            "the outputs are softmax probabilities: return the logits.": torch.softmax(reference(images), dim=1),
        }


def check_row_classifier(learner: ModuleType) -> str:
    g = torch.Generator().manual_seed(0)
    checked = 0
    for hidden, build in ((100, Case("RowLSTM() with the lesson's hidden size 100")),
                          (16, Case("RowLSTM(hidden_size=16)", hidden_size=16))):
        model = call_learner(learner.RowLSTM, build)
        expect(isinstance(model, nn.Module), f"RowLSTM(...) gave {describe_value(model)}, not an nn.Module.", build)
        reference = reference_row_lstm(hidden, seed=hidden)
        _expect_same_parameters(model, reference, build)
        model.load_state_dict(reference.state_dict())
        batches = [(4, torch.float32, "four digits"), (1, torch.float32, "a batch of one"),
                   (33, torch.float32, "33 digits"), (28, torch.float32, "28 digits: as many as rows"),
                   (5, F64, "float64 weights and digits")]
        for batch, dtype, description in batches:
            model.to(dtype)
            reference.to(dtype)
            case = Case(f"{description}, hidden size {hidden}", images=digit_rows(batch, g, dtype))
            with torch.no_grad():
                expected = reference(case["images"])
                got = call_learner(model, case)
            expect_close(got, expected, case, atol=1e-10 if dtype == F64 else 1e-5,
                         rtol=0.0 if dtype == F64 else 1e-5, what="your model",
                         mistakes=_classifier_mistakes(reference, case["images"]))
            checked += 1
        model.float()
        reference.float()
        _expect_gradients(learner, model, reference, Case(f"gradients on six digits, hidden size {hidden}",
                                                          images=digit_rows(6, g)), g)
    return (f"parameter names and shapes matched (53,010 numbers with hidden 100); {checked} batches of logits and the "
            f"gradients matched the lesson's RowLSTM with the same weights.")


def _expect_gradients(learner: ModuleType, model: nn.Module, reference: RowLSTM, case: Case,
                      generator: torch.Generator) -> None:
    """A loss of the logits, backward through both models: every weight's gradient must agree."""
    weights = torch.randn(case["images"].shape[0], CLASSES, generator=generator)  # (B, 10)
    reference.zero_grad(set_to_none=True)
    (reference(case["images"]) * weights).sum().backward()
    gradients = in_learners_process(learner, "output_gradients", model, case["images"], weights)
    for name, theirs in reference.named_parameters():
        grad = gradients.get(name)
        expect(grad is not None, f"no gradient reached your '{name}': does forward run under torch.no_grad() or "
                                 f"detach something?", case)
        expect_close(grad, theirs.grad, case, atol=1e-5, rtol=1e-4, what=f"the gradient of your '{name}'")
