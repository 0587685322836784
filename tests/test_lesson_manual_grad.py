"""manual-grad: the data, the hand network against nn.Linear and torch.optim.SGD, the gradient check, zeroing, the CLI."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
import torch
from click.testing import CliRunner

from nnlessons import LessonInputError
from nnlessons.cli import cli
from nnlessons_manual_grad.by_hand import HandNet, forward, init_hand_net, mse, train_by_hand, update_outside_no_grad
from nnlessons_manual_grad.features import FEATURE_NAMES, Standardiser, prepare
from nnlessons_manual_grad.gradient_check import autograd_gradients, backprop_by_hand, check_gradients, finite_differences
from nnlessons_manual_grad.lesson import checkpoints, largest_entry
from nnlessons_manual_grad.short_way import build_sequential, train_with_adam
from nnlessons_manual_grad.weather import generate_weather, generator_rule
from nnlessons_manual_grad.weather_csv import COLUMNS, read_weather_csv
from nnlessons_manual_grad.zeroing import compare_zeroing

CPU = torch.device("cpu")


pytestmark = pytest.mark.usefixtures("one_cpu_thread")


def small_net(n_features: int = 14, hidden: int = 6, seed: int = 0, dtype: torch.dtype = torch.float64) -> HandNet:
    return init_hand_net(n_features, hidden, torch.Generator().manual_seed(seed), CPU).copy(dtype=dtype)


def batch(rows: int = 5, n_features: int = 14, seed: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    generator = torch.Generator().manual_seed(seed)
    x = torch.randn(rows, n_features, generator=generator, dtype=torch.float64)
    return x, 60 + 10 * torch.randn(rows, 1, generator=generator, dtype=torch.float64)


# ---- data -------------------------------------------------------------------------------


def test_generated_weather_follows_the_documented_model():
    table = generate_weather(348, torch.Generator().manual_seed(0))
    assert tuple(table.columns) == COLUMNS and len(table) == 348
    assert table.equals(generate_weather(348, torch.Generator().manual_seed(0)))  # same seed, same days
    assert (table["temp_1"].iloc[1:].to_numpy() == table["actual"].iloc[:-1].to_numpy()).all()
    assert (table["temp_2"].iloc[2:].to_numpy() == table["actual"].iloc[:-2].to_numpy()).all()
    dates = pd.to_datetime(table[["year", "month", "day"]])
    assert dates.iloc[0] == pd.Timestamp("2016-01-01") and table["week"].iloc[0] == "Fri"  # 1 Jan 2016 was a Friday
    assert list(table["week"].iloc[:7]) == ["Fri", "Sat", "Sun", "Mon", "Tues", "Wed", "Thurs"]
    expected_average = 62 - 15 * torch.cos(2 * math.pi * (torch.tensor(dates.dt.day_of_year.to_numpy()) - 15) / 365.25)
    assert (torch.tensor(table["average"].to_numpy()) - expected_average).abs().max() <= 0.05 + 1e-9
    assert ((table["friend"] - table["average"]).abs() <= 20.5).all()
    # the generator's rule leaves only the daily shock, variance 4^2 = 16 (plus rounding)
    residual = torch.tensor(table["actual"].to_numpy()) - generator_rule(table)
    assert 12 < residual.pow(2).mean().item() < 20


def write_csv(table: pd.DataFrame, path: Path) -> Path:
    table.to_csv(path, index=False)
    return path


def test_csv_round_trip_accepts_other_spellings_and_extra_columns(tmp_path):
    table = generate_weather(40, torch.Generator().manual_seed(3))
    messy = table.assign(week=table["week"].str.upper().str.replace("THURS", "THURSDAY"), forecast_noaa=1.0)
    read = read_weather_csv(write_csv(messy[["forecast_noaa", *reversed(COLUMNS)]], tmp_path / "t.csv"))
    pd.testing.assert_frame_equal(read, table.astype({c: "float64" for c in COLUMNS if c != "week"}))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.drop(columns=["friend", "temp_1"]), "lacks the column(s) temp_1, friend"),
        (lambda t: t.assign(temp_2=["warm"] + list(t["temp_2"].iloc[1:])), "Line 2, column 'temp_2' of .* holds 'warm', which is not a number"),
        (lambda t: t.assign(week=["Mon"] * 5 + ["Funday"] + ["Mon"] * (len(t) - 6)), "Line 7, column 'week' of .* holds 'Funday'"),
        (lambda t: t.assign(month=[13] + list(t["month"].iloc[1:])), "Line 2 of .* is not a real date"),
        (lambda t: t.head(5), "has 5 data row(s); the lesson needs at least 20"),
    ],
)
def test_bad_csv_raises_lesson_input_error(tmp_path, change, message):
    path = write_csv(change(generate_weather(40, torch.Generator().manual_seed(3))), tmp_path / "bad.csv")
    with pytest.raises(LessonInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_weather_csv(path)


def test_missing_csv_file_is_an_input_error(tmp_path):
    with pytest.raises(LessonInputError, match="does not exist"):
        read_weather_csv(tmp_path / "nope.csv")


def test_features_are_the_notes_fourteen_standardised_on_training_days():
    table = generate_weather(100, torch.Generator().manual_seed(0))
    data = prepare(table, 0.25, torch.Generator().manual_seed(1), CPU)
    assert FEATURE_NAMES[:7] == ("year", "month", "day", "temp_2", "temp_1", "average", "friend")
    assert FEATURE_NAMES[7:] == tuple(f"week_{d}" for d in ("Fri", "Mon", "Sat", "Sun", "Thurs", "Tues", "Wed"))
    assert data.x.shape == (100, 14) and data.y.shape == (100, 1) and int(data.holdout.sum()) == 25
    train = data.x_train
    assert train[:, 1:].mean(0).abs().max() < 1e-5  # training days: mean 0 ...
    assert (train[:, 1:].std(0, unbiased=False) - 1).abs().max() < 1e-5  # ... std 1
    assert torch.equal(data.x[:, 0], torch.zeros(100))  # year is constant: 0, not NaN
    assert data.x_holdout[:, 1:].mean(0).abs().max() > 1e-3  # held-out days were not used for the statistics
    one_hot = data.x[:, 7:] * data.standardiser.std[7:] + data.standardiser.mean[7:]
    assert torch.allclose(one_hot.sum(1), torch.ones(100), atol=1e-5)  # exactly one weekday per row


def test_standardiser_divides_constant_columns_by_one():
    x = torch.tensor([[1.0, 5.0], [3.0, 5.0]])
    scaler = Standardiser.fit(x)
    assert scaler.constant.tolist() == [False, True]
    assert torch.equal(scaler(x), torch.tensor([[-1.0, 0.0], [1.0, 0.0]]))


# ---- the hand network -------------------------------------------------------------------


def test_hand_forward_equals_nn_sequential_with_the_same_weights():
    net = small_net(hidden=7, dtype=torch.float32)
    model = torch.nn.Sequential(torch.nn.Linear(14, 7), torch.nn.ReLU(), torch.nn.Linear(7, 1))
    with torch.no_grad():
        model[0].weight.copy_(net.weights.T)  # nn.Linear stores (out, in)
        model[0].bias.copy_(net.biases)
        model[2].weight.copy_(net.weights2.T)
        model[2].bias.copy_(net.biases2)
        x = torch.randn(9, 14)
        assert torch.allclose(forward(net, x), model(x), atol=1e-5)


def test_init_is_standard_normal_and_reproducible():
    a = init_hand_net(14, 128, torch.Generator().manual_seed(4), CPU)
    b = init_hand_net(14, 128, torch.Generator().manual_seed(4), CPU)
    assert all(torch.equal(a.tensors()[n], b.tensors()[n]) and t.requires_grad for n, t in a.tensors().items())
    assert [tuple(t.shape) for t in a.tensors().values()] == [(14, 128), (128,), (128, 1), (1,)]
    assert abs(a.weights.std().item() - 1) < 0.05


def test_mse_refuses_shapes_that_would_broadcast():
    with pytest.raises(ValueError, match="broadcast"):
        mse(torch.zeros(4, 1), torch.zeros(4))


def test_train_by_hand_follows_torch_optim_sgd():
    x, y = batch(rows=12)
    ours, theirs = small_net(), small_net()
    params = list(theirs.tensors().values())
    optimizer = torch.optim.SGD(params, lr=0.001)
    oracle_losses = []
    for _ in range(30):
        loss = torch.nn.functional.mse_loss(forward(theirs, x), y)
        oracle_losses.append(loss.item())
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    losses = train_by_hand(ours, x, y, iterations=30, lr=0.001)
    assert max(abs(a - b) for a, b in zip(losses, oracle_losses)) < 1e-9
    for name, tensor in ours.tensors().items():
        assert torch.allclose(tensor, theirs.tensors()[name], atol=1e-10)
        assert torch.count_nonzero(tensor.grad) == 0  # zeroed after the last update


def test_train_by_hand_stops_when_the_loss_is_no_longer_finite():
    x, y = batch(rows=12)
    losses = train_by_hand(small_net(), x, y, iterations=500, lr=5.0)
    assert len(losses) < 500 and not math.isfinite(losses[-1])


def test_update_outside_no_grad_is_refused():
    assert "leaf Variable that requires grad" in update_outside_no_grad(small_net(), 0.001)


# ---- zeroing and the gradient check ------------------------------------------------------


def test_not_zeroing_adds_the_two_gradients():
    x, y = batch()
    steps = compare_zeroing(small_net(), x, y, lr=0.001)
    assert steps.accumulation_error() < 1e-9
    for name in steps.first:
        assert torch.allclose(steps.second_not_zeroed[name], steps.first[name] + steps.second_zeroed[name])
        assert not torch.allclose(steps.second_not_zeroed[name], steps.second_zeroed[name])


@pytest.mark.parametrize(("hidden", "rows", "seed"), [(6, 5, 0), (32, 8, 1), (128, 3, 2)])
def test_backprop_by_hand_equals_autograd(hidden, rows, seed):
    net = small_net(hidden=hidden, seed=seed)
    x, y = batch(rows=rows, seed=seed + 10)
    by_hand, by_autograd = backprop_by_hand(net, x, y), autograd_gradients(net, x, y)
    for name in by_autograd:
        assert by_hand[name].shape == by_autograd[name].shape
        assert torch.allclose(by_hand[name], by_autograd[name], rtol=1e-12, atol=1e-9)


def test_finite_differences_agree_and_the_check_reports_it():
    net = small_net(hidden=10)
    x, y = batch(rows=4)
    by_differences, by_autograd = finite_differences(net, x, y, 1e-5), autograd_gradients(net, x, y)
    for name in by_autograd:
        assert torch.allclose(by_differences[name], by_autograd[name], atol=1e-5)
    check = check_gradients(net, x, y, 1e-5)
    assert check.max_abs_diff < 1e-5 and max(check.largest_gradient.values()) > 1  # tiny against real gradients
    # a wrong formula would be caught: the check sees a gradient scaled by 1.001
    wrong = {n: 1.001 * g for n, g in by_autograd.items()}
    assert max((wrong[n] - by_differences[n]).abs().max().item() for n in wrong) > 1e-3


def test_helpers_for_tables():
    assert checkpoints(1000) == [0, 100, 200, 300, 400, 500, 600, 700, 800, 900, 999]
    assert checkpoints(5) == [0, 1, 2, 3, 4]
    g = torch.tensor([[0.0, -3.0], [2.0, 1.0]])
    assert largest_entry(g) == (0, 1)


# ---- through the CLI ---------------------------------------------------------------------


def test_default_run_backs_every_claim_of_the_lesson_page(run_lesson):
    record = run_lesson("manual-grad", quick=False)
    m = record["metrics"]
    assert (m["n_days"], m["n_train"], m["n_holdout"], m["n_features"]) == (348, 278, 70, 14)
    curve = [m["loss_by_hand"][k] for k in sorted(m["loss_by_hand"], key=int)]
    assert 4500 < curve[0] < 5500 and curve[-1] < 10  # "from about 4,900 to under 10"
    assert all(a > b for a, b in zip(curve, curve[1:]))
    assert m["grad_check_max_abs_diff"] < 1e-6 and m["grad_check_hand_max_abs_diff"] < 1e-9
    assert m["accumulation_max_abs_diff"] < 1e-3 and m["update_outside_no_grad_raises"] == 1
    assert m["never_zeroed_best_loss"] > 5 * m["train_mse_by_hand"]  # never zeroed stays far above
    # overfitting: below the noise floor on training days, no better than the average column on held-out days
    assert m["train_mse_by_hand"] < m["train_mse_generator_rule"] < 17
    assert m["holdout_mse_by_hand"] > m["holdout_mse_average_column"]
    assert 25 < m["holdout_mse_by_hand"] < 29  # "stops near 27"
    # Adam ends closest to the floor on held-out days
    assert m["holdout_mse_generator_rule"] < m["holdout_mse_adam"] < min(m["holdout_mse_by_hand"], m["holdout_mse_average_column"])
    assert m["loss_labels_column"] == pytest.approx(m["train_mse_by_hand"], rel=1e-5)
    assert 240 < m["loss_labels_flat_broadcast"] < 256  # "about 248 instead of 8.6"
    names = {Path(p).name for p in record["artifacts"]}
    assert {"predictions.png", "loss_curves.png"} <= names


def test_quick_run_is_reproducible_and_reads_a_csv(run_lesson, tmp_path):
    table = generate_weather(60, torch.Generator().manual_seed(9))
    path = write_csv(table, tmp_path / "days.csv")
    first = run_lesson("manual-grad", "--csv", str(path), "--iterations", "30", "--adam-epochs", "2")
    again = CliRunner().invoke(cli, ["run", "manual-grad", "--device", "cpu", "--json", "--quick", "--csv", str(path),
                                     "--iterations", "30", "--adam-epochs", "2", "--out", str(tmp_path / "again")])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["metrics"] == first["metrics"]
    m = first["metrics"]
    assert m["n_days"] == 60 and m["n_holdout"] == 12
    assert "train_mse_generator_rule" not in m  # the rule is only shown for generated data
    assert len([p for p in first["artifacts"] if p.endswith(".png")]) == 2


def test_csv_with_wrong_columns_exits_with_code_2(tmp_path):
    path = write_csv(generate_weather(40, torch.Generator().manual_seed(3)).drop(columns=["actual"]), tmp_path / "x.csv")
    result = CliRunner().invoke(cli, ["run", "manual-grad", "--device", "cpu", "--quick", "--csv", str(path),
                                      "--out", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "lacks the column(s) actual" in result.output and "header year,month,day,week" in result.output


def test_adam_at_the_notes_lr_is_still_far_off_after_30_epochs():
    data = prepare(generate_weather(348, torch.Generator().manual_seed(0)), 0.2, torch.Generator().manual_seed(1), CPU)
    held_out_after_30 = {}
    for lr in (0.001, 0.003):
        torch.manual_seed(0)
        model = build_sequential(14, 128)
        history = train_with_adam(model, data.x_train, data.y_train, data.x_holdout, data.y_holdout, 30, lr, 16,
                                  torch.Generator().manual_seed(0))
        held_out_after_30[lr] = history.holdout[-1]
    assert held_out_after_30[0.001] > 3 * held_out_after_30[0.003]


def test_finite_differences_in_chunks_give_the_same_gradients(monkeypatch):
    import nnlessons_manual_grad.gradient_check as gradient_check

    net = small_net(hidden=12)
    x, y = batch(rows=4)
    monkeypatch.setattr(gradient_check, "MAX_STACK_ENTRIES", 50)  # weights: 168 entries in chunks of 3
    by_differences, by_autograd = finite_differences(net, x, y, 1e-5), autograd_gradients(net, x, y)
    for name in by_autograd:
        assert torch.allclose(by_differences[name], by_autograd[name], atol=1e-5)


def test_at_lr_0_002_only_the_never_zeroed_run_blows_up():
    data = prepare(generate_weather(348, torch.Generator().manual_seed(0)), 0.2, torch.Generator().manual_seed(1), CPU)
    start = init_hand_net(14, 128, torch.Generator().manual_seed(3), CPU)  # the lesson's start at seed 0
    zeroed = train_by_hand(start.copy(), data.x_train, data.y_train, 1000, 0.002, zero_grad=True)
    never_zeroed = train_by_hand(start.copy(), data.x_train, data.y_train, 1000, 0.002, zero_grad=False)
    assert len(zeroed) == 1000 and zeroed[-1] < 8.65  # trains, lower than at lr 0.001
    assert len(never_zeroed) <= 40 and not math.isfinite(never_zeroed[-1])


def test_the_constant_year_feature_never_gets_a_gradient():
    data = prepare(generate_weather(348, torch.Generator().manual_seed(0)), 0.2, torch.Generator().manual_seed(1), CPU)
    gradient = autograd_gradients(small_net(hidden=16, dtype=torch.float32), data.x_train, data.y_train)["weights"]
    assert torch.count_nonzero(gradient[0]) == 0 and torch.count_nonzero(gradient[1:]) > 0


def test_data_updates_hide_what_no_grad_updates_reveal():
    """The page's claim about `.data`: autograd notices an in-place update under no_grad, not one through .data."""
    x = torch.randn(3, 4, requires_grad=True)
    for through_data in (True, False):
        w = torch.randn(4, 2, requires_grad=True)
        out = x.mm(w).sum()  # backward needs w to compute x's gradient
        if through_data:
            w.data.add_(1.0)
            out.backward()  # silently uses the changed w
        else:
            with torch.no_grad():
                w += 1.0
            with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                out.backward()
