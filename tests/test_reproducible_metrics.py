"""Same seed, same device, same numbers: every installed lesson's metrics repeat exactly.

Measured times (seconds, samples per second, microseconds) differ from run to run, so a lesson
records them in ``ctx.timings`` (run.json's "timings"), never among its metrics.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from mnist_fixtures import write_tiny_mnist

from nnlessons.cli import cli
from nnlessons.registry import LessonRegistry

#: Bundled lessons that time something, and the timings each records.
TIMINGS = {
    "dataset-dataloader": {"throughput_samples_per_second", "throughput_times_slower_than_fastest",
                           "waiting_samples_per_second", "waiting_speedup_over_workers0"},
    "mnist-mlp": {"imagefolder_us_per_image", "tensor_index_us_per_image", "imagefolder_over_tensor_ratio"},
    "lstm-mnist": {"train_seconds", "train_seconds_by_epoch"},
    "cnn-mnist": {"lenet_seconds_by_epoch", "cnn_seconds_by_epoch", "mnist-mlp_seconds_by_epoch",
                  "lstm-mnist_seconds_by_epoch"},
}
BUNDLED = {"manual-grad", "gd-variants", "optimizers", "dataset-dataloader", "classification", "save-load",
           "cnn-shapes", "mnist-mlp", "lstm-mnist", "cnn-mnist", "generalization"}


def installed_lessons() -> list[tuple[str, bool]]:
    """(id, needs MNIST) of every lesson that loads."""
    return [(lesson.id, lesson.info.needs_download) for lesson in LessonRegistry.from_entry_points().ordered()
            if not lesson.broken]


@pytest.fixture(scope="module")
def mnist_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Tiny IDX files: without data the MNIST lessons stop (exit 2) after their data-free part."""
    return write_tiny_mnist(tmp_path_factory.mktemp("mnist") / "data", n_train=200, n_test=60)


def run_record(lesson_id: str, out: Path, extra: list[str]) -> dict[str, Any]:
    argv = ["run", lesson_id, "--quick", "--device", "cpu", "--seed", "3", "--json", "--out", str(out), *extra]
    result = CliRunner().invoke(cli, argv, catch_exceptions=False)
    assert result.exit_code == 0, result.output[-3000:]
    return json.loads(result.stdout)


@pytest.mark.parametrize(("lesson_id", "needs_mnist"), installed_lessons(), ids=lambda value: str(value))
def test_same_seed_same_device_same_metrics(lesson_id: str, needs_mnist: bool, tmp_path: Path, mnist_root: Path) -> None:
    extra = ["--data-dir", str(mnist_root), "--no-download"] if needs_mnist else []
    first = run_record(lesson_id, tmp_path / "first", extra)
    second = run_record(lesson_id, tmp_path / "second", extra)
    assert first["status"] == second["status"] == "ok"
    assert json.dumps(first["metrics"], sort_keys=True) == json.dumps(second["metrics"], sort_keys=True)
    assert "timings" in first and "timings" in second
    if lesson_id in BUNDLED:  # a bundled lesson records exactly the times it measures, and nothing else does
        assert set(first["timings"]) == set(second["timings"]) == TIMINGS.get(lesson_id, set())
        assert not TIMINGS.get(lesson_id, set()) & set(first["metrics"])


def test_every_bundled_lesson_is_checked() -> None:
    assert BUNDLED <= {lesson_id for lesson_id, _ in installed_lessons()}
