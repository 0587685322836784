"""Run every lesson on a CUDA GPU and set the results against the CPU's: exit status, time, key metrics, claims.

On a machine with CUDA this

1. runs every installed lesson with ``--quick`` on ``--device cpu`` and on ``--device cuda``;
2. runs cnn-mnist and lstm-mnist at their defaults on both devices, on MNIST files it writes itself
   (synthetic digits in MNIST's IDX format, a learnable bar per class: fit for checking that the runs
   work and agree, not for accuracy figures) or on ``--data-dir DIR`` (a folder holding MNIST/raw/);
3. runs the device-placement test (``tests/test_device_placement.py``) when the tests are at hand;
4. prints one table: each run's exit status and seconds on both devices, how many of the lesson's
   agreement claims hold on each (a hand-written computation against PyTorch, a reloaded model against
   the original: every metric whose name says ``diff`` and whose CPU value is within the lesson's
   tolerance must stay within it on CUDA; a lesson that reports ``claims_holding`` is held to all its
   claims), the "contrast" metrics that must stay large (``diff`` metrics above 0.01 on the CPU), and
   the test accuracy on both devices where the lesson reports one. Then every claim that failed.

Without CUDA it says so and exits 0; ``--cpu-only`` then runs the CPU column alone (to try the script).
It needs only the project's own dependencies (pytest for step 3, which it skips without it) and keeps
to a time budget (``--budget``, 360 s by default: runs that would start later are reported as skipped,
and none goes on more than a minute past it), so the whole check fits in 8 minutes on one GPU. Runs go
three at a time (``--jobs``), so their seconds include some sharing of the machine. Exit status: 0 when every run that was started ended
with the same status on both devices and every claim held.

    python benchmarks/gpu_check.py                     # on the GPU machine
    python benchmarks/gpu_check.py --cpu-only --lessons gd-variants --skip-defaults --skip-placement
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
sys.path.insert(0, str(BENCHMARKS))

from idx_files import synthetic_digits, write_mnist  # noqa: E402

#: lessons also run at their defaults (the two that train for a while on MNIST)
DEFAULT_RUNS = ("cnn-mnist", "lstm-mnist")
#: a lesson's tolerance for "equal" where it states one; others get DEFAULT_TOLERANCE
TOLERANCES = {"mnist-mlp": 1e-6, "gd-variants": 0.01}
DEFAULT_TOLERANCE = 1e-5
CONTRAST = 0.01  # a diff metric above this on the CPU shows a difference on purpose; it must stay above it
RUN_TIMEOUT = 300.0  # one run; and no run goes on more than GRACE seconds past the budget
GRACE = 60.0


@dataclass
class RunResult:
    """One ``nnlessons run``: how it ended, how long it took, and its run.json (empty when there is none)."""

    exit_code: int | None  # None: not started (time budget)
    seconds: float = 0.0
    record: dict[str, Any] = field(default_factory=dict)

    @property
    def metrics(self) -> dict[str, Any]:
        return self.record.get("metrics", {})


@dataclass
class Comparison:
    """A lesson run on both devices, judged."""

    lesson: str
    mode: str  # 'quick' or 'defaults'
    cpu: RunResult
    cuda: RunResult
    tolerance: float
    failures: list[str] = field(default_factory=list)
    agreement_total: int = 0
    agreement_cpu: int = 0
    agreement_cuda: int = 0
    accuracy: tuple[float | None, float | None] = (None, None)

    @property
    def ok(self) -> bool:
        return not self.failures


def flat_numbers(metrics: Mapping[str, Any], prefix: str = "") -> Iterator[tuple[str, float]]:
    """('a.b', 1.5) for every number in nested metrics (booleans left out)."""
    for key, value in metrics.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping):
            yield from flat_numbers(value, f"{name}.")
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            yield name, float(value)


def final_accuracy(metrics: Mapping[str, Any]) -> float | None:
    """The lesson's final test accuracy, if it reports one at the top level."""
    for key in ("test_accuracy", "cnn_test_accuracy"):
        if isinstance(metrics.get(key), (int, float)):
            return float(metrics[key])
    return None


def compare(lesson: str, mode: str, cpu: RunResult, cuda: RunResult, tolerance: float) -> Comparison:
    """Judge a lesson's CUDA run against its CPU run and the lesson's tolerance (the CPU run alone without CUDA).

    The CPU run sorts the ``diff`` metrics: within `tolerance` they are agreement claims (a computation
    against PyTorch, a reload against the original), above CONTRAST they show a difference on purpose.
    """
    result = Comparison(lesson, mode, cpu, cuda, tolerance)
    if cpu.exit_code is None:
        return result  # skipped: nothing to judge
    cpu_numbers = dict(flat_numbers(cpu.metrics))
    diffs = {name: value for name, value in cpu_numbers.items() if "diff" in name and not math.isnan(value)}
    agreement = [name for name, value in diffs.items() if abs(value) <= tolerance]
    contrast = [name for name, value in diffs.items() if abs(value) > CONTRAST]
    result.agreement_total = result.agreement_cpu = len(agreement)
    result.failures += claims_failures(cpu_numbers, "the CPU")
    result.accuracy = (final_accuracy(cpu.metrics), None)
    if cuda.exit_code is None:
        return result
    if cpu.exit_code != cuda.exit_code or cpu.record.get("status") != cuda.record.get("status"):
        result.failures.append(f"exit {cpu.exit_code} ({cpu.record.get('status')}) on the CPU, "
                               f"{cuda.exit_code} ({cuda.record.get('status')}) on CUDA: {cuda.record.get('error', '')}")
    if cuda.exit_code != 0:
        return result
    cuda_numbers = dict(flat_numbers(cuda.metrics))
    for name in agreement:
        if abs(cuda_numbers.get(name, math.inf)) <= tolerance:
            result.agreement_cuda += 1
        else:
            result.failures.append(f"{name}: {cuda_numbers.get(name, math.nan):.3g} on CUDA, {diffs[name]:.3g} on the "
                                   f"CPU (the lesson's tolerance {tolerance:g})")
    for name in contrast:
        if not abs(cuda_numbers.get(name, 0.0)) > CONTRAST:
            result.failures.append(f"{name}: {cuda_numbers.get(name, math.nan):.3g} on CUDA, {diffs[name]:.3g} on the "
                                   f"CPU (meant to show a difference above {CONTRAST:g})")
    result.failures += claims_failures(cuda_numbers, "CUDA")
    result.accuracy = (final_accuracy(cpu.metrics), final_accuracy(cuda.metrics))
    return result


def claims_failures(numbers: Mapping[str, float], device: str) -> list[str]:
    """A lesson that counts its own claims (claims_holding of claims_total) must hold them all."""
    if "claims_holding" in numbers and numbers["claims_holding"] != numbers.get("claims_total"):
        return [f"claims holding on {device}: {numbers['claims_holding']:g} of {numbers.get('claims_total', math.nan):g}"]
    return []


def seconds_text(run: RunResult) -> str:
    return "-" if run.exit_code is None else f"{run.seconds:.1f}"


def accuracy_text(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.2f} %"


def verdict(c: Comparison) -> str:
    if c.failures:
        return "FAILED"
    if c.cpu.exit_code is None:
        return "skipped"
    return "CPU only" if c.cuda.exit_code is None else "ok"


def table_rows(comparisons: list[Comparison]) -> list[tuple[str, ...]]:
    """One row per lesson run: lesson, mode, exits, seconds, agreement claims, accuracies, verdict."""
    rows = []
    for c in comparisons:
        rows.append((
            c.lesson, c.mode,
            "-" if c.cpu.exit_code is None else str(c.cpu.exit_code),
            "-" if c.cuda.exit_code is None else str(c.cuda.exit_code),
            seconds_text(c.cpu), seconds_text(c.cuda),
            "" if c.cpu.exit_code is None else f"{c.agreement_cpu}/{c.agreement_total} | "
            + ("-" if c.cuda.exit_code is None else f"{c.agreement_cuda}/{c.agreement_total}"),
            accuracy_text(c.accuracy[0]), accuracy_text(c.accuracy[1]),
            verdict(c),
        ))
    return rows


COLUMNS = ("lesson", "run", "exit CPU", "exit CUDA", "s CPU", "s CUDA", "agreement claims CPU | CUDA",
           "accuracy CPU", "accuracy CUDA", "verdict")


def print_report(comparisons: list[Comparison], placement: tuple[int, float] | None, device_name: str) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=160)
    table = Table(title=f"Every lesson on the CPU and on {device_name}", title_justify="left")
    for column in COLUMNS:
        table.add_column(column, justify="left" if column in ("lesson", "run", "verdict") else "right")
    for row in table_rows(comparisons):
        table.add_row(*row)
    console.print(table)
    if placement is not None:
        code, seconds = placement
        console.print(f"device-placement test: exit {code} in {seconds:.1f} s ({'passed' if code == 0 else 'FAILED'})")
    for c in comparisons:
        for failure in c.failures:
            console.print(f"{c.lesson} ({c.mode}): {failure}")


# ---- running ------------------------------------------------------------------------------------


def lesson_ids() -> list[tuple[str, bool]]:
    """(id, reads MNIST) of every installed lesson that loads, in course order."""
    from nnlessons.registry import LessonRegistry

    return [(lesson.id, any(o.name == "data_dir" for o in lesson.info.options))
            for lesson in LessonRegistry.from_entry_points().ordered() if not lesson.broken]


def time_left(deadline: float) -> float:
    """Seconds a run may take: RUN_TIMEOUT, and never past the deadline plus GRACE."""
    return min(RUN_TIMEOUT, deadline + GRACE - time.monotonic())


def run_lesson(lesson: str, device: str, quick: bool, data_dir: Path | None, out: Path, deadline: float) -> RunResult:
    """``nnlessons run`` in a process of its own; skipped (exit None) once the deadline has passed."""
    if time.monotonic() > deadline:
        return RunResult(None)
    command = [sys.executable, "-m", "nnlessons", "run", lesson, "--device", device, "--json", "--quiet",
               "--out", str(out)] + (["--quick"] if quick else [])
    if data_dir is not None:
        command += ["--data-dir", str(data_dir), "--no-download"]
    start = time.perf_counter()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=time_left(deadline))
        code = done.returncode
    except subprocess.TimeoutExpired:
        code = 124
    seconds = time.perf_counter() - start
    record_file = out / "run.json"
    record = json.loads(record_file.read_text()) if record_file.is_file() else {}
    return RunResult(code, seconds, record)


def placement_test(deadline: float) -> tuple[int, float] | None:
    """Run tests/test_device_placement.py; None when the tests or pytest are not here, or time is up."""
    test_file = REPO / "tests" / "test_device_placement.py"
    try:
        import pytest  # noqa: F401
    except ImportError:
        return None
    if not test_file.is_file() or time.monotonic() > deadline:
        return None
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test_file)], cwd=REPO,
                              capture_output=True, text=True, timeout=time_left(deadline))
        code = done.returncode
    except subprocess.TimeoutExpired:
        code = 124
    return code, time.perf_counter() - start


def tolerance_of(lesson: str) -> float:
    return TOLERANCES.get(lesson, DEFAULT_TOLERANCE)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="a folder holding MNIST/raw/ (default: synthetic files written here)")
    parser.add_argument("--lessons", help="comma-separated lesson ids (default: every installed lesson)")
    parser.add_argument("--skip-defaults", action="store_true", help="only the --quick runs")
    parser.add_argument("--skip-placement", action="store_true", help="do not run the device-placement test")
    parser.add_argument("--cpu-only", action="store_true", help="without CUDA: run the CPU column alone")
    parser.add_argument("--jobs", type=int, default=3, help="runs at the same time")
    parser.add_argument("--budget", type=float, default=360.0,
                        help=f"seconds after which no new run starts (and none goes on {GRACE:g} s longer)")
    args = parser.parse_args(argv)

    import torch

    if torch.cuda.is_available():
        devices, device_name = ("cpu", "cuda"), torch.cuda.get_device_name(0)
    elif args.cpu_only:
        devices, device_name = ("cpu",), "no GPU (--cpu-only)"
    else:
        print("CUDA is not available on this machine: nothing to check on a GPU (--cpu-only runs the CPU column alone).")
        return 0
    deadline = time.monotonic() + args.budget
    lessons = lesson_ids()
    if args.lessons:
        wanted = args.lessons.split(",")
        lessons = [(lesson, mnist) for lesson, mnist in lessons if lesson in wanted]
    with tempfile.TemporaryDirectory(prefix="nnlessons-gpu-check-") as scratch:
        folder = Path(scratch)
        data_dir = args.data_dir or write_mnist(folder / "data", synthetic_digits(10_000, 0), synthetic_digits(2_000, 1))
        plan = [(lesson, mode, mnist) for lesson, mnist in lessons for mode in ("quick", "defaults")
                if mode == "quick" or (lesson in DEFAULT_RUNS and not args.skip_defaults)]
        jobs = sorted(((lesson, mode, device, mnist) for lesson, mode, mnist in plan for device in devices),
                      key=lambda job: job[1] == "quick")  # the long default runs first, the quick ones fill in
        with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
            placement_future = None if args.skip_placement else pool.submit(placement_test, deadline)
            futures = {(lesson, mode, device): pool.submit(run_lesson, lesson, device, mode == "quick",
                                                           data_dir if mnist else None,
                                                           folder / f"{lesson}-{mode}-{device}", deadline)
                       for lesson, mode, device, mnist in jobs}
            results = {key: future.result() for key, future in futures.items()}
            placement = None if placement_future is None else placement_future.result()
    comparisons = []
    for lesson, mode, _ in plan:
        cpu = results[(lesson, mode, "cpu")]
        cuda = results.get((lesson, mode, "cuda"), RunResult(None))  # --cpu-only: no CUDA column
        comparisons.append(compare(lesson, mode, cpu, cuda, tolerance_of(lesson)))
    print_report(comparisons, placement, device_name)
    failed = any(not c.ok for c in comparisons) or (placement is not None and placement[0] != 0)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
