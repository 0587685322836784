"""Every allowed option value of every installed lesson runs, and every bad one is a clean exit 2.

The sweep runs each lesson in-process under ``--quick`` once per value at the edge of what an
option allows: its minimum and maximum (the nearest allowed value where a bound is open), every
choice of a choice option and both states of a flag. A run must end with exit 0, or with exit 2
and a one-line message; a crash (exit 1, a traceback) fails it. The MNIST lessons read 180
synthetic digits in MNIST's file format (so their whole run is swept, not only the part before the
data) and never download. Non-finite floats must be
refused at parse time for every float option. The rules between options (a lesson's
``nnlessons_check_params``) have their own tests at the end.
"""

from __future__ import annotations

import json
import math
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from mnist_fixtures import write_tiny_mnist
from nnlessons import LessonInputError, runner
from nnlessons.cli import cli
from nnlessons.lesson_info import Option
from nnlessons.memory_budget import MEMORY_LIMIT_BYTES, check_fits, largest_fitting
from nnlessons.registry import LessonRegistry

REGISTRY = LessonRegistry.from_entry_points()
LESSONS = [lesson for lesson in REGISTRY.ordered() if not lesson.broken]
#: MNIST's folder and download flag are set by the sweep itself: the tiny digits, never a download
DATA_OPTIONS = {"data_dir", "download"}
NON_FINITE = ("nan", "inf", "-inf")


# ---- the values to try ---------------------------------------------------------------------------


def nearest_allowed(bound: float, is_open: bool, toward: float, kind: type) -> int | float:
    """The bound itself, or for an open bound the next value of the option's type toward the inside."""
    if not is_open:
        return kind(bound)
    if kind is int:
        return int(bound) + (1 if toward > bound else -1)
    return math.nextafter(bound, toward)


def edge_values(option: Option) -> list[Any]:
    """The values of `option` worth a run: its bounds, its choices, or both flag states."""
    if option.type is bool:
        return [True, False]
    if option.choices:
        return list(option.choices)
    if option.type not in (int, float):
        return []  # free text and paths: their bad values are tested with each lesson
    values = []
    if option.min is not None:
        values.append(nearest_allowed(option.min, option.min_open, math.inf, option.type))
    if option.max is not None:
        values.append(nearest_allowed(option.max, option.max_open, -math.inf, option.type))
    return values


def option_args(option: Option, value: Any) -> list[str]:
    """The command-line words that give `option` the `value`."""
    if option.type is bool:
        return [option.flag if value else "--no-" + option.flag[2:]]
    return [option.flag, repr(value) if isinstance(value, float) else str(value)]


def sweep_cases() -> Iterator[Any]:
    for lesson in LESSONS:
        for option in lesson.info.options:
            if option.name in DATA_OPTIONS:
                continue
            for value in edge_values(option):
                args = option_args(option, value)
                yield pytest.param(lesson.id, args, id=f"{lesson.id}:{'='.join(args)}")


def non_finite_cases() -> Iterator[Any]:
    for lesson in LESSONS:
        for option in lesson.info.options:
            if option.type is float and not option.allow_nonfinite:
                for text in NON_FINITE:
                    yield pytest.param(lesson.id, option.flag, text, id=f"{lesson.id}:{option.flag}={text}")


SWEEP_CASES = list(sweep_cases())


# ---- running a lesson ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_mnist_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough synthetic digits for every split size the MNIST lessons' --quick runs ask for."""
    return write_tiny_mnist(tmp_path_factory.mktemp("mnist"), n_train=120, n_test=60)


@pytest.fixture(autouse=True)
def never_download(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NNLESSONS_DOWNLOAD", "0")


def run_quick(lesson_id: str, args: list[str], out: Path, data_dir: Path | None = None) -> Result:
    """``nnlessons run LESSON --device cpu --quick --json --out OUT ARGS`` in this process.

    On one thread: the values are under test, not the threads, and two threads on a busy CI machine
    can make a small LSTM ten times slower.
    """
    argv = ["run", lesson_id, "--device", "cpu", "--threads", "1", "--quick", "--json", "--out", str(out), *args]
    if data_dir is not None and "data_dir" in {o.name for o in REGISTRY.runnable(lesson_id).info.options}:
        argv += ["--data-dir", str(data_dir), "--no-download"]
    return CliRunner().invoke(cli, argv)


def error_line(result: Result) -> str:
    """The run's error message, checked to be one line, the last one, with no traceback anywhere."""
    assert "Traceback" not in result.output, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("Error:")]
    assert len(errors) == 1 and lines[-1] == errors[0], result.stderr[-2000:]
    return errors[0]


def assert_clean_refusal(result: Result) -> str:
    assert result.exit_code == 2, result.output[-3000:]
    return error_line(result)


# ---- 1. every value at the edge of what an option allows ---------------------------------------------


def test_the_sweep_covers_every_lesson() -> None:
    assert len(LESSONS) >= 9
    swept = {case.values[0] for case in SWEEP_CASES}
    assert swept == {lesson.id for lesson in LESSONS if any(edge_values(o) for o in lesson.info.options)}


@pytest.mark.parametrize(("lesson_id", "args"), SWEEP_CASES)
def test_edge_value_runs_or_stops_cleanly(tmp_path: Path, tiny_mnist_dir: Path, lesson_id: str, args: list[str]) -> None:
    out = tmp_path / "out"
    result = run_quick(lesson_id, args, out, tiny_mnist_dir)
    if result.exit_code == 2:
        error_line(result)
        return
    assert result.exit_code == 0, result.output[-3000:]
    assert json.loads(result.stdout)["status"] == "ok"
    assert (out / "run.json").is_file()


# ---- 2. nan and inf are refused for every float option -------------------------------------------------


@pytest.mark.parametrize(("lesson_id", "flag", "text"), list(non_finite_cases()))
def test_non_finite_float_is_refused_before_anything_is_made(tmp_path: Path, lesson_id: str, flag: str, text: str) -> None:
    out = tmp_path / "out"
    result = run_quick(lesson_id, [flag, text], out)
    message = assert_clean_refusal(result)
    assert flag in message
    # nan passes every comparison, so only the finite check catches it; +-inf may fail the range first
    assert "not a finite number" in message or (text != "nan" and "not in the range" in message)
    assert not out.exists()


# ---- 3. memory: a combination that would not fit a laptop is refused before anything is made ----------

TOO_BIG = [
    pytest.param("save-load", ["--points", "100000", "--hidden", "4096"], id="save-load:points-x-hidden"),
    pytest.param("classification", ["--grid", "1000", "--hidden", "4096"], id="classification:grid-x-hidden"),
    pytest.param("classification", ["--points-per-class", "100000", "--hidden", "4096"], id="classification:points-x-hidden"),
    pytest.param("lstm-mnist", ["--limit-train", "60000", "--batch-size", "10000"], id="lstm-mnist:batch"),
]
SUGGESTION = re.compile(r"(--[a-z-]+) (\d+) or less fits")


def check_params(lesson_id: str, given: dict[str, Any]) -> None:
    """The lesson's own check hook on its default values with `given` changed (what `run` would check)."""
    lesson = REGISTRY.runnable(lesson_id)
    runner.check_params(REGISTRY, lesson, runner.resolve_params(lesson.info, given, quick=False))


@pytest.mark.parametrize(("lesson_id", "args"), TOO_BIG)
def test_too_big_for_memory_is_refused_before_anything_is_made(tmp_path: Path, lesson_id: str, args: list[str]) -> None:
    out = tmp_path / "out"
    message = assert_clean_refusal(run_quick(lesson_id, args, out, tmp_path / "no-mnist"))
    assert "GB of memory, more than the 2.0 GB" in message and "fits" in message
    assert not out.exists()


@pytest.mark.parametrize(("lesson_id", "args"), TOO_BIG)
def test_the_suggested_value_is_the_largest_that_fits(lesson_id: str, args: list[str]) -> None:
    given = {flag[2:].replace("-", "_"): int(value) for flag, value in zip(args[::2], args[1::2])}
    with pytest.raises(LessonInputError) as refusal:
        check_params(lesson_id, given)
    flag, largest = SUGGESTION.search(refusal.value.message).groups()
    name = flag[2:].replace("-", "_")
    check_params(lesson_id, {**given, name: int(largest)})
    with pytest.raises(LessonInputError):
        check_params(lesson_id, {**given, name: int(largest) + 1})


def test_optimizers_memory_formula_refuses_the_reported_combination() -> None:
    """200000 points in one batch with 4096 hidden units grew past 10 GB; today's bounds refuse it, and so would the formula."""
    from nnlessons_optimizers import nnlessons_check_params

    params = {"optimizers": "sgd,momentum,adagrad,rmsprop,adam", "n_points": 200_000, "batch_size": 200_000,
              "hidden": 4096, "epochs": 12}
    with pytest.raises(LessonInputError, match="GB of memory"):
        nnlessons_check_params(params)


@pytest.mark.parametrize("lesson_id", ["optimizers", "save-load", "classification", "lstm-mnist"])
def test_the_largest_values_each_option_allows_fit_alone(lesson_id: str) -> None:
    """Only a combination is refused: each option at its maximum, the others at their defaults, fits."""
    for option in REGISTRY.runnable(lesson_id).info.options:
        if option.type is int and option.max is not None:
            check_params(lesson_id, {option.name: int(option.max)})


def test_lstm_memory_formula_uses_the_models_sizes() -> None:
    import nnlessons_lstm_mnist
    from nnlessons_lstm_mnist import model

    assert (nnlessons_lstm_mnist.ROWS, nnlessons_lstm_mnist.HIDDEN) == (model.ROWS, model.HIDDEN)


def test_largest_fitting_finds_the_edge() -> None:
    gib = 1024**3
    assert largest_fitting(lambda v: v * gib, 1, 100) == 2
    assert largest_fitting(lambda v: v * gib, 3, 100) is None
    assert largest_fitting(lambda v: v, 1, 100) == 100
    with pytest.raises(LessonInputError, match=r"--x 3 would need about 3.0 GB of memory, more than the 2.0 GB"):
        check_fits(3 * gib, "--x 3", "--x 2 fits")
    check_fits(MEMORY_LIMIT_BYTES, "--x 2", "")


# ---- 4. rules between options are checked before anything is made ----------------------------------------

BETWEEN_OPTIONS = [
    pytest.param("optimizers", ["--optimizers", "sgd,adamw"], "Unknown optimizer 'adamw'", id="optimizers:unknown-name"),
    pytest.param("optimizers", ["--optimizers", " , "], "--optimizers is empty", id="optimizers:empty"),
    pytest.param("optimizers", ["--optimizers", "adam,sgd,adam"], "names an optimizer twice", id="optimizers:twice"),
    pytest.param("cnn-shapes", ["--case", "13,4,1"], "not four whole numbers", id="cnn-shapes:three-numbers"),
    pytest.param("cnn-shapes", ["--case", "²,3,0,1"], "not four whole numbers", id="cnn-shapes:superscript"),
    pytest.param("cnn-shapes", ["--case", "13,4,1000000,1"], "P and S at most 1024", id="cnn-shapes:huge-padding"),
    pytest.param("cnn-shapes", ["--case", "13,4,1,99999999999999999999"], "P and S at most 1024", id="cnn-shapes:huge-stride"),
    pytest.param("cnn-shapes", ["--case", "5,9,1,1"], "does not fit", id="cnn-shapes:kernel-too-big"),
]


@pytest.mark.parametrize(("lesson_id", "args", "expected"), BETWEEN_OPTIONS)
def test_rule_between_options_is_checked_before_anything_is_made(tmp_path: Path, lesson_id: str, args: list[str],
                                                                  expected: str) -> None:
    out = tmp_path / "out"
    message = assert_clean_refusal(run_quick(lesson_id, args, out))
    assert expected in message
    assert not out.exists()


def test_check_hooks_do_not_import_torch() -> None:
    """The hooks run before torch is imported, so a refusal is instant."""
    code = (
        "import sys\n"
        "from nnlessons.registry import LessonRegistry\n"
        "from nnlessons import runner\n"
        "registry = LessonRegistry.from_entry_points()\n"
        "for lesson in (lesson for lesson in registry.ordered() if not lesson.broken):\n"
        "    runner.check_params(registry, lesson, runner.resolve_params(lesson.info, {}, quick=False))\n"
        "assert 'torch' not in sys.modules, 'a check hook imported torch'\n"
    )
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr[-2000:]
