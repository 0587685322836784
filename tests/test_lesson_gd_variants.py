"""gd-variants: the gradient formula, the three variants against torch.optim.SGD, the notes' early-return bug."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner

from nnlessons.cli import cli
from nnlessons_gd_variants.descent import (
    batch_slices,
    count_increases,
    descend,
    epoch_shrink_factor,
    gradient_autograd,
    gradient_formula,
    least_squares_w,
    make_data,
    measured_shrink_factor,
)
from nnlessons_gd_variants.early_return_bug import (
    batch_descent_returning_early,
    cost_returning_early,
    gradient_returning_early,
)
from nnlessons_gd_variants.plots import FLOOR_NOTE, LOSS_FLOOR, floored, loss_curves_figure

CPU = torch.device("cpu")
X, Y = [1.0, 2.0, 3.0], [2.0, 4.0, 6.0]


def torch_sgd_trajectory(x: torch.Tensor, y: torch.Tensor, w0: float, lr: float, batch_size: int, epochs: int) -> list[float]:
    """The oracle: a real parameter, nn.MSELoss, autograd and torch.optim.SGD, batches in order."""
    w = torch.nn.Parameter(torch.tensor(w0, dtype=x.dtype))
    optimizer = torch.optim.SGD([w], lr=lr)
    loss_fn = torch.nn.MSELoss()
    trajectory = [w.item()]
    for _ in range(epochs):
        for batch in batch_slices(len(x), batch_size):
            optimizer.zero_grad()
            loss_fn(w * x[batch], y[batch]).backward()
            optimizer.step()
            trajectory.append(w.item())
    return trajectory


@pytest.mark.parametrize("w", [-3.0, 0.0, 1.0, 2.0, 7.5])
def test_gradient_formula_matches_autograd_on_random_batches(w):
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(5, generator=generator, dtype=torch.float64)
    y = torch.randn(5, generator=generator, dtype=torch.float64)
    weight = torch.tensor(w, dtype=torch.float64)
    for size in (1, 2, 5):
        assert gradient_formula(weight, x[:size], y[:size]).item() == pytest.approx(
            gradient_autograd(weight, x[:size], y[:size]).item(), abs=1e-12
        )
    # and a value worked by hand: w = 1 on all three course samples: mean(2*1*(-1), 2*2*(-2), 2*3*(-3)) = -28/3
    xs, ys = make_data(X, Y, CPU)
    assert gradient_formula(torch.tensor(1.0, dtype=torch.float64), xs, ys).item() == pytest.approx(-28 / 3)


@pytest.mark.parametrize(("batch_size", "lr"), [(3, 0.1), (1, 0.01), (2, 0.01), (2, 0.05)])
def test_descend_follows_torch_optim_sgd_step_by_step(batch_size, lr):
    x, y = make_data(X, Y, CPU)
    ours = descend(x, y, w0=1.0, lr=lr, batch_size=batch_size, epochs=20)
    oracle = torch_sgd_trajectory(x, y, 1.0, lr, batch_size, 20)
    assert len(ours.w) == len(oracle) == 1 + 20 * len(batch_slices(3, batch_size))
    assert max(abs(a - b) for a, b in zip(ours.w, oracle)) < 1e-12


def test_descend_with_disagreeing_samples_reaches_least_squares():
    x, y = make_data(X, [2.0, 4.0, 7.0], CPU)
    assert least_squares_w(x, y) == pytest.approx(31 / 14)
    assert descend(x, y, 1.0, 0.1, 3, 100).w[-1] == pytest.approx(31 / 14, abs=1e-9)


def test_updates_per_epoch_and_short_last_batch():
    assert [(s.start, s.stop) for s in batch_slices(3, 2)] == [(0, 2), (2, 3)]
    x, y = make_data(X, Y, CPU)
    run = descend(x, y, 1.0, 0.01, 2, epochs=7)
    assert run.updates_per_epoch == 2 and run.total_updates == 14 and len(run.batch_loss) == 14


@pytest.mark.parametrize(("batch_size", "lr", "shuffle"), [(3, 0.1, False), (1, 0.01, True), (2, 0.01, False), (2, 0.01, True), (1, 0.05, False)])
def test_predicted_shrink_factor_is_what_one_epoch_does(batch_size, lr, shuffle):
    x, y = make_data(X, Y, CPU)
    for seed in range(4):
        run = descend(x, y, 1.0, lr, batch_size, 1, shuffle=shuffle, generator=torch.Generator().manual_seed(seed))
        predicted = epoch_shrink_factor(x, lr, batch_size, run.first_order)
        assert measured_shrink_factor(run, 2.0) == pytest.approx(predicted, abs=1e-12)


def test_shuffling_changes_only_the_minibatch_factor():
    x, _ = make_data(X, Y, CPU)
    assert epoch_shrink_factor(x, 0.01, 1, [2, 0, 1]) == pytest.approx(epoch_shrink_factor(x, 0.01, 1))
    assert epoch_shrink_factor(x, 0.01, 2, [2, 0, 1]) != pytest.approx(epoch_shrink_factor(x, 0.01, 2))
    assert epoch_shrink_factor(x, 0.01, 2) == pytest.approx(0.95 * 0.82)


def test_early_return_uses_only_the_first_sample():
    x, y = make_data(X, [2.0, 4.0, 7.0], CPU)
    w = torch.tensor(1.0, dtype=torch.float64)
    assert cost_returning_early(w, x, y).item() == pytest.approx((1 * 1 - 2) ** 2 / 3)
    assert gradient_returning_early(w, x, y).item() == pytest.approx(2 * 1 * (1 * 1 - 2) / 3)
    assert gradient_returning_early(w, x, y).item() != pytest.approx(gradient_formula(w, x, y).item())
    buggy = batch_descent_returning_early(x, y, 1.0, 0.1, 400)
    assert buggy.w[-1] == pytest.approx(2.0, abs=1e-6)  # y0 / x0, not 31/14
    assert abs(buggy.w[-1] - least_squares_w(x, y)) > 0.2


def test_count_increases():
    assert count_increases([3.0, 1.0, 2.0, 2.0, 5.0, 0.0]) == 2


def test_default_run_metrics_and_plots(run_lesson):
    record = run_lesson("gd-variants", quick=False)
    metrics = record["metrics"]
    for name in ("batch", "sgd", "minibatch"):
        assert abs(metrics["final_w"][name] - 2.0) < 1e-10  # the page: "within 0.01 of 2 (in fact within 1e-10)"
        assert metrics["final_loss"][name] < 1e-6
    assert metrics["total_updates"] == {"batch": 100, "sgd": 300, "minibatch": 200}
    assert metrics["updates_to_tolerance"] == {"batch": 2, "sgd": 47, "minibatch": 38}
    # both comparisons: each variant's own learning rate (batch 0.1), then 0.01 for all three
    assert metrics["epochs_to_tolerance"] == {"own_lr": {"batch": 2.0, "sgd": pytest.approx(47 / 3), "minibatch": 19.0},
                                              "equal_lr": {"batch": 48.0, "sgd": pytest.approx(47 / 3), "minibatch": 19.0}}
    assert metrics["updates_to_tolerance_equal_lr"] == {"batch": 48, "sgd": 47, "minibatch": 38}
    check_page_numbers(metrics)
    assert metrics["grad_formula_max_abs_diff"] < 1e-12
    assert metrics["shrink_factor_max_abs_diff"] < 1e-12
    # the notes' SGD curve goes up at 2 of every 3 updates; the loss on all samples never does
    assert metrics["loss_increases"]["sgd"] == {"batch_loss": 200, "full_loss": 0}
    assert metrics["loss_increases"]["minibatch"]["full_loss"] == 0
    bug = metrics["early_return"]
    assert bug["least_squares_w_perturbed"] == pytest.approx(31 / 14)
    assert bug["correct_final_w_perturbed"] == pytest.approx(31 / 14, abs=1e-9)
    assert bug["buggy_final_w_clean"] == pytest.approx(2.0, abs=0.01)
    # only sample 1 counts: |w - 2| shrinks by 1 - 2 * 0.1 * 1/3 = 0.933 per epoch, not by 0.067
    assert 2.0 - bug["buggy_final_w_clean"] == pytest.approx((1 - 2 * 0.1 / 3) ** 100, rel=1e-9)
    assert bug["buggy_final_w_clean"] == pytest.approx(1.99899, abs=1e-5)
    assert bug["buggy_final_w_perturbed"] == pytest.approx(bug["buggy_final_w_clean"])  # blind to the third sample
    assert bug["true_start_loss"] == pytest.approx(14 / 3)
    assert bug["reported_start_loss"] == pytest.approx(1 / 3)
    names = {Path(p).name for p in record["artifacts"]}
    assert {"loss_curves.png", "sgd_per_sample_loss.png", "early_return_bug.png"} <= names
    for name in names:
        assert (record.out_dir / name).stat().st_size > 0


def check_page_numbers(metrics: dict) -> None:
    """The page's numbers for both comparisons are the run's, rounded as the page rounds them."""
    import nnlessons_gd_variants

    page = " ".join(nnlessons_gd_variants.__doc__.split())
    own, equal = metrics["epochs_to_tolerance"]["own_lr"], metrics["epochs_to_tolerance"]["equal_lr"]
    updates = metrics["updates_to_tolerance_equal_lr"]
    assert (f"at lr 0.01 for all three, batch GD needs {equal['batch']:.0f} epochs ({updates['batch']} updates), "
            f"SGD still {equal['sgd']:.1f} ({updates['sgd']} updates) and mini-batch {equal['minibatch']:.0f} "
            f"({updates['minibatch']} updates)") in page
    assert (f"At those rates batch GD needs the fewest epochs here ({own['batch']:.0f};" in page
            and f"At the same 0.01 it needs the most ({equal['batch']:.0f} epochs against {equal['sgd']:.1f} for SGD "
            f"and {equal['minibatch']:.0f} for mini-batch)") in page
    x, _ = make_data(X, Y, CPU)
    assert f"`|1 - 0.02 * 14/3| = {epoch_shrink_factor(x, 0.01, 3):.3f}` per epoch" in page
    assert max(equal.values()) == equal["batch"] and min(own.values()) == own["batch"]  # "the most", "the fewest"
    assert "Per epoch it is the fastest variant here" not in page


@pytest.mark.parametrize(("equal_lr", "winner", "depends"), [("0.01", "SGD", True), ("0.1", "batch", False)])
def test_the_run_names_the_fastest_variant_of_each_comparison(tmp_path, equal_lr, winner, depends):
    result = CliRunner().invoke(cli, ["run", "gd-variants", "--device", "cpu", "--equal-lr", equal_lr,
                                      "--out", str(tmp_path / "run")], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert f"Fewest epochs: batch with the learning rates above, {winner} with lr {equal_lr} for all three." in text
    assert ("depends on the learning rates being compared" in text) is depends  # said only when the run shows it


def test_loss_plots_say_every_loss_below_the_floor_is_clamped():
    assert floored([0.0, 1e-25, 1e-3, 1e31])[:3] == [LOSS_FLOOR, LOSS_FLOOR, 1e-3]
    assert math.isnan(floored([1e31])[0])
    x, y = make_data(X, Y, CPU)
    runs = {name: descend(x, y, 1.0, 0.1, size, 3) for name, size in (("batch", 3), ("sgd", 1), ("minibatch", 2))}
    rows = {"own": (runs, dict.fromkeys(runs, "x")), "equal": (runs, dict.fromkeys(runs, "y"))}
    texts = [t.get_text() for ax in loss_curves_figure(rows).axes for t in ax.texts]
    assert texts == [FLOOR_NOTE, FLOOR_NOTE] and "below 1e-20 (0 included)" in FLOOR_NOTE  # under the bottom row only
    assert not any("exactly 0" in t for t in texts)


def test_quick_run_shows_everything_and_same_seed_same_numbers(run_lesson, tmp_path):
    first = run_lesson("gd-variants", "--shuffle", "--seed", "5")
    second = json.loads(
        CliRunner().invoke(cli, ["run", "gd-variants", "--device", "cpu", "--json", "--quick", "--shuffle",
                                 "--seed", "5", "--out", str(tmp_path / "again")]).stdout
    )
    assert first["metrics"] == second["metrics"]
    assert len([p for p in first["artifacts"] if p.endswith(".png")]) == 3
    assert all(abs(w - 2.0) < 0.01 for w in first["metrics"]["final_w"].values())


def test_too_large_batch_size_is_rejected_with_exit_code_2(tmp_path):
    result = CliRunner().invoke(cli, ["run", "gd-variants", "--device", "cpu", "--batch-size", "4", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "--batch-size" in result.output and "1<=x<=3" in result.output


def loss_curve_legends(monkeypatch, run_lesson, *args: str) -> tuple[list[list[str]], dict]:
    """Run gd-variants; the legend entries of loss_curves.png's four axes, and the run record."""
    from nnlessons_gd_variants import lesson as gd_lesson

    figures = []
    build = gd_lesson.loss_curves_figure

    def recording(rows):
        figures.append(build(rows))
        return figures[-1]

    monkeypatch.setattr(gd_lesson, "loss_curves_figure", recording)
    record = run_lesson("gd-variants", *args)
    return [[t.get_text() for t in ax.get_legend().get_texts()] for ax in figures[0].axes], record


def test_the_main_figure_gives_every_learning_rate_and_compares_like_with_like(monkeypatch, run_lesson):
    """Legend and caption carry the run's own rates; the top row's unequal rates are named and explained,
    and the bottom row runs all three at --equal-lr."""
    legends, record = loss_curve_legends(monkeypatch, run_lesson)
    own = ["batch GD (B=3), lr 0.1", "stochastic GD (B=1), lr 0.01", "mini-batch GD (B=2), lr 0.01"]
    same = ["batch GD (B=3), lr 0.01", "stochastic GD (B=1), lr 0.01", "mini-batch GD (B=2), lr 0.01"]
    assert legends == [own, own, same, same]
    caption = record["captions"]["loss_curves.png"]
    epochs = record["metrics"]["epochs_to_tolerance"]
    assert "each variant's own learning rate: batch GD 0.1, SGD 0.01 and mini-batch GD 0.01." in caption
    assert "These are the notes' rates (the options' defaults), kept to reproduce the notes' plot" in caption
    assert "batch GD's rate is 10 times SGD's and 10 times mini-batch's, so the top row does not compare" in caption
    assert (f"Batch GD needs {epochs['own_lr']['batch']:.1f} epochs at lr 0.1 and "
            f"{epochs['equal_lr']['batch']:.1f} at lr 0.01.") in caption
    assert "Bottom row, like with like: all three at lr 0.01." in caption
    assert "batch in the top row, SGD in the bottom row" in caption  # the --quick run's own winners
    assert epochs["own_lr"]["batch"] < epochs["equal_lr"]["batch"]  # the rate alone moves batch GD


def test_the_main_figure_follows_the_rates_given(monkeypatch, run_lesson):
    legends, record = loss_curve_legends(monkeypatch, run_lesson, "--batch-lr", "0.05", "--equal-lr", "0.02")
    assert legends[0][0] == "batch GD (B=3), lr 0.05" and legends[2] == [
        "batch GD (B=3), lr 0.02", "stochastic GD (B=1), lr 0.02", "mini-batch GD (B=2), lr 0.02"]
    caption = record["captions"]["loss_curves.png"]
    assert "These are the rates this run was given: batch GD's rate is 5 times SGD's" in caption
    assert "notes' rates" not in caption and "all three at lr 0.02" in caption
    _, equal = loss_curve_legends(monkeypatch, run_lesson, "--batch-lr", "0.01")
    assert "The three rates are equal, so both rows compare like with like." in equal["captions"]["loss_curves.png"]
