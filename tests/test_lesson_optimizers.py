"""optimizers: hand-written update rules against torch.optim, the fair start, the race's bookkeeping, the CLI."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from nnlessons import LessonInputError
from nnlessons.cli import cli
from nnlessons_optimizers.analysis import first_step_below, fraction_lower, repeat_summary, smooth
from nnlessons_optimizers.catalogue import OPTIMIZER_NAMES, Settings, make_torch_optimizer, parse_names
from nnlessons_optimizers.data import batch_orders, batches_of, make_parabola, noise_floor, steps_per_epoch
from nnlessons_optimizers.model import identical_copies, make_net, max_weight_difference
from nnlessons_optimizers.rules import RULES, adam_step, compare_with_torch, textbook_momentum_step
from nnlessons_optimizers.training import full_data_loss, race

NOTES_SETTINGS = Settings(lr=0.01, momentum=0.8, rms_alpha=0.9, adam_beta1=0.9, adam_beta2=0.99)
OTHER_SETTINGS = Settings(lr=0.05, momentum=0.5, rms_alpha=0.99, adam_beta1=0.8, adam_beta2=0.999)


pytestmark = pytest.mark.usefixtures("one_cpu_thread")


def generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


@pytest.fixture
def problem() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.nn.Module]:
    """200 points, two epochs of batch orders and a fresh net: small enough for milliseconds."""
    x, y = make_parabola(200, 0.1, generator(0))
    return x, y, batch_orders(200, 2, generator(1)), make_net(20, generator(2))


# ---- the update rules against torch.optim ------------------------------------------------------


@pytest.mark.parametrize("settings", [NOTES_SETTINGS, OTHER_SETTINGS], ids=["notes", "other"])
@pytest.mark.parametrize("name", OPTIMIZER_NAMES)
def test_hand_rule_matches_torch_optim(problem, name: str, settings: Settings) -> None:
    x, y, orders, net = problem
    check = compare_with_torch(name, net, settings, x, y, batches_of(orders[0], 16)[:12])
    assert check.steps == 12
    assert check.max_weight_change > 1e-3  # the weights really moved ...
    assert check.max_abs_diff < 1e-5  # ... and both ways moved them identically
    assert check.max_abs_diff < check.max_weight_change / 1000


def test_textbook_momentum_gives_pytorchs_weights(problem) -> None:
    x, y, orders, net = problem
    check = compare_with_torch("momentum", net, NOTES_SETTINGS, x, y, batches_of(orders[0], 16)[:12], rule=textbook_momentum_step)
    assert check.max_abs_diff < 1e-5 and check.max_weight_change > 1e-2


def adam_without_bias_correction(g, state, t, s):
    m = s.adam_beta1 * state.get("m", torch.zeros_like(g)) + (1 - s.adam_beta1) * g
    v = s.adam_beta2 * state.get("v", torch.zeros_like(g)) + (1 - s.adam_beta2) * g * g
    state["m"], state["v"] = m, v
    return s.lr * m / (v.sqrt() + 1e-8)


def momentum_with_dampening(g, state, t, s):
    velocity = s.momentum * state.get("v", torch.zeros_like(g)) + (1 - s.momentum) * g
    state["v"] = velocity
    return s.lr * velocity


@pytest.mark.parametrize(("name", "wrong_rule"), [("adam", adam_without_bias_correction), ("momentum", momentum_with_dampening),
                                                  ("rmsprop", RULES["adagrad"])])
def test_the_check_catches_a_wrong_rule(problem, name: str, wrong_rule) -> None:
    x, y, orders, net = problem
    check = compare_with_torch(name, net, NOTES_SETTINGS, x, y, batches_of(orders[0], 16)[:12], rule=wrong_rule)
    assert check.max_abs_diff > 1e-3


@pytest.mark.parametrize(("beta2", "low", "high"), [(0.99, 2.0, 2.2), (0.999, 6.0, 7.0)])
def test_adam_bias_correction_factor_stated_on_the_page(beta2: float, low: float, high: float) -> None:
    """The page: without correction the step is (1 - b1^t) / sqrt(1 - b2^t) times too big, about 2 at t = 10
    with beta2 = 0.99 and far more with 0.999."""
    settings = Settings(lr=0.01, momentum=0.8, rms_alpha=0.9, adam_beta1=0.9, adam_beta2=beta2)
    g = torch.full((3,), 0.2)
    corrected_state, plain_state = {}, {}
    for t in range(1, 11):
        corrected = adam_step(g, corrected_state, t, settings)
        plain = adam_without_bias_correction(g, plain_state, t, settings)
    factor = (1 - 0.9**10) / math.sqrt(1 - beta2**10)
    assert torch.allclose(plain / corrected, torch.full((3,), factor), rtol=1e-4)
    assert low < factor < high


# ---- a fair start and a fair race --------------------------------------------------------------


def test_make_net_is_reproducible_and_uses_pytorchs_init_range() -> None:
    first, again, other = make_net(20, generator(5)), make_net(20, generator(5)), make_net(20, generator(6))
    assert max_weight_difference([first, again]) == 0.0
    assert max_weight_difference([first, other]) > 0.1
    assert first[0].weight.abs().max() <= 1.0  # fan_in 1: U(-1, 1)
    assert first[2].weight.abs().max() <= 1 / math.sqrt(20)
    assert sum(p.numel() for p in first.parameters()) == 61


def test_identical_copies_are_equal_but_independent(problem) -> None:
    *_, net = problem
    copies = identical_copies(net, 5)
    assert max_weight_difference(copies) == 0.0
    with torch.no_grad():
        copies[3][0].bias += 1.0
    assert max_weight_difference(copies) == pytest.approx(1.0)
    assert max_weight_difference([net, copies[0]]) == 0.0  # the original is untouched


def test_race_equals_one_plain_training_loop_per_optimizer(problem) -> None:
    """Training side by side must give each optimizer exactly what it gets when trained alone."""
    x, y, orders, net = problem
    result = race(OPTIMIZER_NAMES, net, NOTES_SETTINGS, x, y, orders, 32)
    for column, name in enumerate(OPTIMIZER_NAMES):
        alone = identical_copies(net, 1)[0]
        optimizer = make_torch_optimizer(name, alone.parameters(), NOTES_SETTINGS)
        losses = []
        for order in orders:
            for indices in order.split(32):
                optimizer.zero_grad()
                loss = torch.nn.functional.mse_loss(alone(x[indices]), y[indices])
                loss.backward()
                optimizer.step()
                losses.append(loss.item())
        assert max_weight_difference([alone, result.models[column]]) == 0.0, name
        assert result.batch_loss[:, column].tolist() == pytest.approx(losses, abs=0.0), name


def test_race_histories_have_one_row_per_step(problem) -> None:
    x, y, orders, net = problem
    result = race(("sgd", "adam"), net, NOTES_SETTINGS, x, y, orders, 32)
    steps = 2 * steps_per_epoch(200, 32)
    assert steps == 14  # 6 full batches of 32 and one of 8, twice
    assert result.batch_loss.shape == result.full_loss.shape == (steps, 2)
    final = result.final_full_loss(x, y)
    assert final["adam"] == pytest.approx(result.full_loss[-1, 1].item(), abs=1e-7)
    assert final["sgd"] == pytest.approx(full_data_loss(result.models[0], x, y).item(), abs=0.0)
    assert race(("sgd",), net, NOTES_SETTINGS, x, y, orders, 32, track_full_loss=False).full_loss is None


def test_batch_orders_are_permutations_and_reproducible() -> None:
    orders = batch_orders(50, 3, generator(9))
    assert orders.shape == (3, 50)
    for order in orders:
        assert sorted(order.tolist()) == list(range(50))
    assert torch.equal(orders, batch_orders(50, 3, generator(9)))
    assert torch.equal(orders[:2], batch_orders(50, 2, generator(9)))  # a shorter run sees the same first epochs
    assert [len(b) for b in batches_of(orders[0], 16)] == [16, 16, 16, 2]


def test_noise_floor_is_the_noise_variance() -> None:
    x, y = make_parabola(100_000, 0.1, generator(0))
    assert noise_floor(x, y) == pytest.approx(0.01, rel=0.02)
    x, y = make_parabola(100, 0.0, generator(0))
    assert noise_floor(x, y) == 0.0
    assert x[0].item() == -1.0 and x[-1].item() == 1.0 and x.shape == (100, 1)


# ---- reading the curves ------------------------------------------------------------------------


def test_first_step_below() -> None:
    curve = torch.tensor([0.5, 0.3, 0.1, 0.05, 0.2])
    assert first_step_below(curve, 0.1) == 3  # 1-based, "<=" counts
    assert first_step_below(curve, 1.0) == 1
    assert first_step_below(curve, 0.01) is None


def test_smooth_is_a_bias_corrected_moving_average() -> None:
    assert smooth([1.0, 5.0, 2.0], 0.0) == [1.0, 5.0, 2.0]
    assert smooth([3.0] * 10, 0.9) == pytest.approx([3.0] * 10)  # no pull towards 0 at the start
    assert smooth([1.0, 3.0], 0.5) == pytest.approx([1.0, (0.25 + 1.5) / 0.75])


def test_repeat_summary_and_fraction_lower() -> None:
    finals = [{"sgd": 0.3, "adam": 0.1, "rmsprop": 0.2}, {"sgd": 0.3, "adam": 0.2, "rmsprop": 0.1},
              {"sgd": 0.1, "adam": 0.2, "rmsprop": 0.3}]
    summary = repeat_summary(finals, ("sgd", "adam", "rmsprop"))
    assert [summary[n]["wins"] for n in ("sgd", "adam", "rmsprop")] == [1, 1, 1]
    assert summary["sgd"]["mean"] == pytest.approx(0.7 / 3)
    assert summary["adam"]["std"] == pytest.approx(math.sqrt(2 / 9) * 0.1)
    assert (summary["rmsprop"]["min"], summary["rmsprop"]["max"]) == (0.1, 0.3)
    assert fraction_lower(finals, "adam", "rmsprop") == pytest.approx(2 / 3)


# ---- options and bad input ---------------------------------------------------------------------


def test_parse_names() -> None:
    assert parse_names("sgd, Adam ,rmsprop") == ("sgd", "adam", "rmsprop")
    for bad, fragment in [("", "empty"), ("sgd,adamw", "Unknown optimizer 'adamw'"), ("adam,adam", "twice")]:
        with pytest.raises(LessonInputError, match=fragment):
            parse_names(bad)


@pytest.mark.parametrize(("value", "message"), [("sgd,adamw", "Unknown optimizer 'adamw' in --optimizers; choose from sgd"),
                                                (" , ", "--optimizers is empty")])
def test_bad_optimizer_list_exits_with_code_2(tmp_path: Path, value: str, message: str) -> None:
    result = CliRunner().invoke(cli, ["run", "optimizers", "--device", "cpu", "--quick", "--out", str(tmp_path),
                                      "--optimizers", value])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_out_of_range_option_exits_with_code_2(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["run", "optimizers", "--device", "cpu", "--out", str(tmp_path), "--momentum", "1.5"])
    assert result.exit_code == 2
    assert "--momentum" in result.output


# ---- whole runs --------------------------------------------------------------------------------


def test_quick_run_shows_everything(run_lesson) -> None:
    torch.set_num_threads(3)  # the lesson runs on one thread and must put this back
    record = run_lesson("optimizers")
    metrics = record["metrics"]
    assert record["params"]["epochs"] == 3 and record["params"]["repeats"] == 2
    assert set(metrics["final_loss"]) == set(OPTIMIZER_NAMES)
    assert metrics["initial_weights_max_abs_diff"] == 0.0
    assert set(metrics["update_rule_max_abs_diff"]) == {*OPTIMIZER_NAMES, "momentum_textbook"}
    assert max(metrics["update_rule_max_abs_diff"].values()) < 1e-5
    assert metrics["final_loss"]["adam"] < metrics["final_loss"]["sgd"] / 2
    assert metrics["final_loss"]["rmsprop"] < metrics["final_loss"]["sgd"] / 2
    for name in OPTIMIZER_NAMES:
        assert metrics["best_loss"][name] <= metrics["final_loss"][name]
        assert metrics["best_loss"][name] > 0.9 * metrics["noise_floor_mse"]
    assert sum(metrics["repeat_wins"].values()) == 2
    pngs = {Path(p).name for p in record["artifacts"] if p.endswith(".png")}
    assert pngs == {"loss_curves.png", "fits.png"}
    for name in pngs:
        assert (record.out_dir / name).stat().st_size > 10_000
    assert torch.get_num_threads() == 3


def test_same_seed_same_numbers_other_seed_other_numbers(run_lesson) -> None:
    args = ("--optimizers", "sgd,adam", "--epochs", "1", "--repeats", "1")
    first = run_lesson("optimizers", *args)["metrics"]
    again = run_lesson("optimizers", *args)["metrics"]
    other = run_lesson("optimizers", *args, "--seed", "1")["metrics"]
    assert first == again
    assert first["final_loss"] != other["final_loss"]
    assert "adam_beats_rmsprop_fraction" not in first  # only when both race


def test_default_run_matches_the_lesson_page(run_lesson) -> None:
    """The numbers the lesson page quotes for seed 0."""
    metrics = run_lesson("optimizers", quick=False)["metrics"]
    assert metrics["noise_floor_mse"] == pytest.approx(0.0106, abs=5e-5)
    reached = metrics["steps_to_threshold"]
    assert set(reached) == {"momentum", "rmsprop", "adam"}  # SGD and AdaGrad never get within 0.02
    assert 40 <= reached["rmsprop"] <= 60 and 40 <= reached["adam"] <= 60
    assert 250 <= reached["momentum"] <= 350
    assert metrics["best_loss"]["rmsprop"] == pytest.approx(0.0110, abs=1e-4)
    assert metrics["final_loss"]["rmsprop"] == pytest.approx(0.0234, abs=1e-4)
    assert metrics["adam_beats_rmsprop_fraction"] == pytest.approx(2 / 3)
    assert max(metrics["update_rule_max_abs_diff"].values()) < 1e-6


def test_plugin_module_does_not_import_torch() -> None:
    code = "import sys, nnlessons_optimizers as m; m.nnlessons_lesson_info(); print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"


def test_plain_sgd_is_only_slow() -> None:
    """The page: with lr 0.1 instead of 0.01, SGD reaches the 0.02 threshold after about 150 steps."""
    x, y = make_parabola(1000, 0.1, generator(0))  # the lesson's generators for seed 0
    orders = batch_orders(1000, 12, generator(2000))
    start = make_net(20, generator(1000))
    fast = Settings(lr=0.1, momentum=0.8, rms_alpha=0.9, adam_beta1=0.9, adam_beta2=0.99)
    reached = first_step_below(race(("sgd",), start, fast, x, y, orders, 32).full_loss[:, 0], 0.02)
    assert reached is not None and 130 <= reached <= 170


# ---- the adam-optimizer exercise's own reference ------------------------------------------------


def test_the_build_checks_hand_written_adam_is_torch_optim_adam() -> None:
    """The check names mistakes by re-running Adam by hand with each one; without a mistake it is torch.optim.Adam."""
    from nnlessons_optimizers.exercises.checks import (OPTIMIZER_MISTAKES, adam_scenarios, simulated_history,
                                                       torch_adam_history)

    for scenario in adam_scenarios():
        ours, theirs = simulated_history(scenario), torch_adam_history(scenario)
        assert len(ours) == len(theirs)
        assert all(torch.allclose(a, b, atol=1e-6, rtol=1e-5) for a, b in zip(ours, theirs)), scenario.description
        for mistake in OPTIMIZER_MISTAKES:  # and every mistake makes a difference somewhere
            wrong = simulated_history(scenario, mistake)
            assert wrong is None or len(wrong) == len(theirs)
    grouped = adam_scenarios()[2]
    for mistake in OPTIMIZER_MISTAKES:
        if mistake != "shared_state":
            wrong = simulated_history(grouped, mistake)
            expected = torch_adam_history(grouped)
            assert not all(torch.allclose(a, b, atol=1e-10, rtol=1e-8) for a, b in zip(wrong, expected)), mistake
