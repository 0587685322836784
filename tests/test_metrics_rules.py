"""What a lesson's metrics may hold, as the nnlessons_run hookspec says, and the statuses run.json records."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from nnlessons import LessonInfo, LessonInputError, hookimpl
from nnlessons.cli import cli
from nnlessons.registry import LessonRegistry
from nnlessons.runner import Terminated


class MetricsLesson:
    """Returns what `metrics` holds; raises what `error` holds."""

    def __init__(self, metrics=None, error: Exception | None = None) -> None:
        self.metrics = metrics
        self.error = error

    @hookimpl
    def nnlessons_lesson_info(self):
        return LessonInfo(id="metrics", title="Metrics", summary="Returns metrics.")

    @hookimpl
    def nnlessons_run(self, ctx):
        if self.error is not None:
            raise self.error
        return self.metrics


def run(tmp_path: Path, lesson: MetricsLesson) -> tuple[int, dict]:
    registry = LessonRegistry()
    registry.add("metrics", lesson)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "metrics", "--device", "cpu", "--out", str(out)], obj={"registry": registry})
    return result.exit_code, json.loads((out / "run.json").read_text())


def test_metrics_may_hold_numbers_lists_nested_dicts_text_and_scalars_of_numpy_or_torch(tmp_path):
    metrics = {
        "accuracy": 0.9,
        "steps": 100,
        "converged": True,
        "loss_by_epoch": [0.5, 0.25, 0.125],  # lists are fine
        "shape": (1, 10),  # tuples become lists
        "by_lr": {"0.1": {"loss": 0.2}, 3: 0.1},  # nested dicts; keys become strings
        "optimizer": "adam",
        "numpy_scalar": np.float32(0.5),
        "torch_scalar": torch.tensor(2.0),
        "one_element_tensor": torch.tensor([3]),
        "diverged": [math.nan, math.inf, 1.0],  # NaN and infinity become null
        "nothing": None,
    }
    code, record = run(tmp_path, MetricsLesson(metrics))
    assert code == 0 and record["status"] == "ok"
    assert record["metrics"] == {
        "accuracy": 0.9, "steps": 100, "converged": True, "loss_by_epoch": [0.5, 0.25, 0.125], "shape": [1, 10],
        "by_lr": {"0.1": {"loss": 0.2}, "3": 0.1}, "optimizer": "adam", "numpy_scalar": 0.5, "torch_scalar": 2.0,
        "one_element_tensor": 3, "diverged": [None, None, 1.0], "nothing": None,
    }


@pytest.mark.parametrize(("error", "code", "message"), [
    (LessonInputError("--csv has 3 columns; give 2 features and a label."), 2, "--csv has 3 columns; give 2 features and a label."),
    (ValueError("a bug in the lesson"), 1, "ValueError: a bug in the lesson"),
])
def test_a_failed_run_records_its_error_sentence(tmp_path, error, code, message):
    exit_code, record = run(tmp_path, MetricsLesson(error=error))
    assert exit_code == code
    assert record["status"] == "failed" and record["error"] == message


@pytest.mark.parametrize(("stop", "status", "code"), [(KeyboardInterrupt(), "interrupted", 130),
                                                       (Terminated(), "terminated", 143)])
def test_a_stopped_run_says_how(tmp_path, stop, status, code):
    exit_code, record = run(tmp_path, MetricsLesson(error=stop))
    assert exit_code == code and record["status"] == status and "error" not in record
