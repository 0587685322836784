"""The benchmark scripts that judge the lessons: benchmarks/gpu_check.py's verdicts and table, and
benchmarks/threads.py's choice, on made-up results; then each script run briefly on this machine."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import torch
from mnist_fixtures import write_tiny_mnist

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "benchmarks"))

import gpu_check  # noqa: E402
import threads  # noqa: E402
from gpu_check import RunResult, compare, table_rows  # noqa: E402


def run(code: int, metrics: dict, status: str = "ok", seconds: float = 1.0) -> RunResult:
    return RunResult(code, seconds, {"status": status, "metrics": metrics})


CPU_METRICS = {"by_hand_max_abs_diff": 2e-7, "reload_max_abs_diff": 0.0, "no_batch_first_max_abs_diff": 0.3,
               "test_accuracy": 0.9, "nested": {"hand_vs_torch_diff": 1e-8}, "loss": 1.5}


def test_cuda_within_the_lessons_tolerance_is_ok_and_counted() -> None:
    cuda = {**CPU_METRICS, "by_hand_max_abs_diff": 9e-6, "test_accuracy": 0.85}
    c = compare("lesson", "quick", run(0, CPU_METRICS), run(0, cuda), tolerance=1e-5)
    assert c.ok and (c.agreement_total, c.agreement_cpu, c.agreement_cuda) == (3, 3, 3)
    assert c.accuracy == (0.9, 0.85)
    row = table_rows([c])[0]
    assert row[0:4] == ("lesson", "quick", "0", "0") and row[6] == "3/3 | 3/3" and row[-1] == "ok"
    assert row[7:9] == ("90.00 %", "85.00 %")


@pytest.mark.parametrize("change, words", [
    ({"by_hand_max_abs_diff": 1e-3}, "by_hand_max_abs_diff: 0.001 on CUDA"),  # TF32 convolutions, say
    ({"nested": {"hand_vs_torch_diff": 2e-5}}, "nested.hand_vs_torch_diff"),
    ({"no_batch_first_max_abs_diff": 0.0}, "meant to show a difference"),
    ({"claims_holding": 3, "claims_total": 4}, "claims holding on CUDA: 3 of 4"),
])
def test_a_claim_broken_on_cuda_fails_and_is_named(change: dict, words: str) -> None:
    c = compare("lesson", "quick", run(0, CPU_METRICS), run(0, {**CPU_METRICS, **change}), tolerance=1e-5)
    assert not c.ok and any(words in failure for failure in c.failures), c.failures
    assert table_rows([c])[0][-1] == "FAILED"


def test_a_different_exit_status_fails_and_skipped_runs_are_shown_as_skipped() -> None:
    c = compare("lesson", "defaults", run(0, CPU_METRICS), run(1, {}, status="failed"), tolerance=1e-5)
    assert not c.ok and "exit 0 (ok) on the CPU, 1 (failed) on CUDA" in c.failures[0]
    skipped = compare("lesson", "defaults", RunResult(None), RunResult(None), tolerance=1e-5)
    assert skipped.ok and table_rows([skipped])[0][2:6] == ("-", "-", "-", "-")
    assert table_rows([skipped])[0][-1] == "skipped"
    cpu_only = compare("lesson", "quick", run(0, CPU_METRICS), RunResult(None), tolerance=1e-5)
    assert cpu_only.ok and table_rows([cpu_only])[0][6] == "3/3 | -" and table_rows([cpu_only])[0][-1] == "CPU only"


def test_every_installed_lesson_is_planned_with_mnist_for_those_that_read_it() -> None:
    lessons = dict(gpu_check.lesson_ids())
    assert {"cnn-mnist", "lstm-mnist", "mnist-mlp", "cnn-shapes"} <= set(lessons)
    assert lessons["cnn-mnist"] and lessons["lstm-mnist"] and not lessons["cnn-shapes"]
    assert set(gpu_check.DEFAULT_RUNS) <= set(lessons)


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the message of a machine without CUDA")
def test_without_cuda_it_says_so_and_exits_0() -> None:
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "gpu_check.py")], capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0 and "CUDA is not available" in done.stdout


@pytest.mark.skipif(torch.cuda.is_available(), reason="the CPU column alone is for machines without CUDA")
def test_cpu_only_runs_the_cpu_column(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "gpu_check.py"), "--cpu-only", "--lessons",
                           "gd-variants", "--skip-defaults", "--skip-placement"], capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    row = next(line for line in done.stdout.splitlines() if "gd-variants" in line)
    assert "quick" in row and "CPU only" in row


# ---- threads.py ------------------------------------------------------------------------------------


def measured(lesson: str, threads_: int, condition: str, wall: float, code: int = 0) -> threads.Measured:
    return threads.Measured(lesson, threads_, condition, code, wall, wall)


def test_choice_takes_the_steadiest_thread_count_close_to_the_fastest_idle() -> None:
    results = [
        measured("lstm-mnist", 1, "idle", 16.0), measured("lstm-mnist", 1, "busy", 19.0),
        measured("lstm-mnist", 2, "idle", 14.0), measured("lstm-mnist", 2, "busy", 75.0),  # collapses under load
        measured("cnn-mnist", 1, "idle", 60.0), measured("cnn-mnist", 1, "busy", 70.0),
        measured("cnn-mnist", 2, "idle", 35.0), measured("cnn-mnist", 2, "busy", 65.0),  # 1 thread is far slower idle
        measured("mnist-mlp", 1, "idle", 10.0), measured("mnist-mlp", 2, "idle", 9.0, code=1),  # a failed run never wins
    ]
    assert threads.choose_threads(results, tolerance=0.15) == {"lstm-mnist": 1, "cnn-mnist": 2, "mnist-mlp": 1}
    assert threads.choose_threads(results, tolerance=1.0)["cnn-mnist"] == 2  # 65 s busy beats 70 s


def test_threads_script_measures_runs_on_tiny_files(tmp_path: Path) -> None:
    data = write_tiny_mnist(tmp_path / "data")
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "threads.py"), "--quick", "--lessons", "mnist-mlp",
                           "--threads", "1", "--data-dir", str(data), "--burn-limit", "60"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "mnist-mlp, 1 thread(s), idle: exit 0" in done.stdout and "mnist-mlp, 1 thread(s), busy: exit 0" in done.stdout
    assert "mnist-mlp: 1 thread(s)" in done.stdout


def test_mnist_benchmark_prints_the_three_lessons_side_by_side(tmp_path: Path) -> None:
    raw = write_tiny_mnist(tmp_path / "data", n_test=40, gz=True) / "MNIST" / "raw"
    done = subprocess.run([sys.executable, str(REPO / "benchmarks" / "mnist.py"), "--mnist-dir", str(raw), "--train", "30",
                           "--test", "10", "--skip-recipes", "--cnn-seeds", "0,1"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    tuning, tested = done.stdout.split("Trained on all")  # recipes chosen on validation, then tested once
    assert "Recipes compared on validation" in tuning and "chosen" in tuning and "test accuracy" not in tuning
    rows = [line for line in tested.splitlines() if line.startswith("│") and line.split("│")[1].strip()]
    assert [row.split("│")[1].strip() for row in rows] == ["cnn-mnist", "cnn-mnist", "cnn-mnist", "mnist-mlp", "lstm-mnist"]
    assert all("%" in row for row in rows) and "29,178" in rows[0] and "61,706" in rows[2]
