"""How many CPU threads should the MNIST lessons use? Each lesson's default run at 1 and 2 threads, idle and busy.

For every MNIST lesson (mnist-mlp, cnn-mnist, lstm-mnist) this runs ``nnlessons run LESSON --threads N``
at the lesson's defaults, for each thread count, once on its own ("idle") and once beside a process that
keeps one CPU core busy ("busy": a plain Python loop that stops itself after ``--burn-limit`` seconds and
is stopped as soon as the run ends). It prints, per run, the wall-clock seconds and the CPU seconds of
the run's process (user + system, every thread), and per lesson the thread count that is within
``--tolerance`` of the fastest idle run and slowest least under load.

The data: the shared MNIST test set (``../shared/data/mnist``), split 8,000 / 2,000 and written as a
training and a test split in a temporary folder, so every lesson runs whole on real digits (a lesson that
asks for more images uses the 8,000 there are). ``--data-dir`` uses a folder of MNIST files instead.

On a machine other people use at the same time the wall clock of every run grows; CPU seconds much less,
which is why both are printed. The numbers are this machine's: run it where the lessons will run.

    .venv/bin/python benchmarks/threads.py                          # all three lessons, 12 runs
    .venv/bin/python benchmarks/threads.py --lessons lstm-mnist --threads 1,2
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.table import Table

BENCHMARKS = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCHMARKS))  # the sibling modules, when run as a script or imported by the tests

from idx_files import write_mnist  # noqa: E402

MNIST_LESSONS = ("mnist-mlp", "cnn-mnist", "lstm-mnist")
CONDITIONS = ("idle", "busy")
#: one busy core: what another program on the same machine does; it stops itself after the given seconds
BURN = "import sys, time\nend = time.monotonic() + float(sys.argv[1])\nwhile time.monotonic() < end:\n    pass\n"


@dataclass(frozen=True)
class Measured:
    lesson: str
    threads: int
    condition: str
    exit_code: int
    wall: float
    cpu: float


def write_real_split(folder: Path, mnist_dir: Path, n_train: int, n_test: int, seed: int) -> Path:
    """The shared MNIST test set split in two and written as a training and a test split under `folder`."""
    from mnist import load_test_set, split  # benchmarks/mnist.py (imports torch)

    train, test = split(load_test_set(mnist_dir), n_train, n_test, seed)
    return write_mnist(folder, (train.images.numpy(), train.labels.numpy()), (test.images.numpy(), test.labels.numpy()))


def run_once(lesson: str, threads: int, data_dir: Path, out: Path, extra: list[str]) -> tuple[int, float, float]:
    """(exit code, wall seconds, CPU seconds) of one ``nnlessons run`` in a process of its own."""
    command = [sys.executable, "-m", "nnlessons", "run", lesson, "--device", "cpu", "--threads", str(threads),
               "--data-dir", str(data_dir), "--no-download", "--quiet", "--out", str(out), *extra]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)  # this child's own CPU time, not the burner's
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, time.perf_counter() - start, usage.ru_utime + usage.ru_stime


def measure(lesson: str, threads: int, condition: str, data_dir: Path, out: Path, extra: list[str],
            burn_limit: float, repeats: int) -> Measured:
    """The fastest of `repeats` runs (the one other programs disturbed least), with its CPU seconds."""
    runs = []
    for repeat in range(repeats):
        burner = subprocess.Popen([sys.executable, "-c", BURN, str(burn_limit)]) if condition == "busy" else None
        try:
            runs.append(run_once(lesson, threads, data_dir, out.with_name(f"{out.name}-{repeat}"), extra))
        finally:
            if burner is not None:
                burner.terminate()
                burner.wait()
    code, wall, cpu = min(runs, key=lambda run: (run[0] != 0, run[1]))
    return Measured(lesson, threads, condition, max(run[0] for run in runs), wall, cpu)


def choose_threads(results: list[Measured], tolerance: float) -> dict[str, int]:
    """Per lesson: among thread counts whose idle wall time is within `tolerance` of the best idle one,
    the one with the shortest busy wall time (the idle time when there is no busy run)."""
    chosen = {}
    for lesson in dict.fromkeys(r.lesson for r in results):
        runs = {(r.threads, r.condition): r.wall for r in results if r.lesson == lesson and r.exit_code == 0}
        idle = {t: wall for (t, c), wall in runs.items() if c == "idle"}
        if not idle:
            continue
        fast_enough = [t for t, wall in idle.items() if wall <= (1 + tolerance) * min(idle.values())]
        chosen[lesson] = min(fast_enough, key=lambda t: (runs.get((t, "busy"), idle[t]), t))
    return chosen


def results_table(results: list[Measured]) -> Table:
    table = Table(title="Default runs by CPU threads, idle and beside one busy core", title_justify="left")
    for column in ("lesson", "threads", "condition", "exit", "wall s", "CPU s", "wall / best idle wall"):
        table.add_column(column, justify="left" if column in ("lesson", "condition") else "right")
    for r in results:
        best = min((q.wall for q in results if q.lesson == r.lesson and q.condition == "idle" and q.exit_code == 0),
                   default=float("nan"))
        table.add_row(r.lesson, str(r.threads), r.condition, str(r.exit_code), f"{r.wall:.1f}", f"{r.cpu:.1f}",
                      f"{r.wall / best:.2f}")
    return table


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", default=",".join(MNIST_LESSONS), help="comma-separated lesson ids")
    parser.add_argument("--threads", default="1,2", help="comma-separated thread counts")
    parser.add_argument("--conditions", default=",".join(CONDITIONS), help="idle, busy or both")
    parser.add_argument("--mnist-dir", type=Path, default=BENCHMARKS.parent.parent / "shared" / "data" / "mnist",
                        help="folder with the gzip IDX test set to split")
    parser.add_argument("--data-dir", type=Path, help="a folder holding MNIST/raw/ to use instead of the split")
    parser.add_argument("--train", type=int, default=8000, help="training images of the split")
    parser.add_argument("--test", type=int, default=2000, help="test images of the split")
    parser.add_argument("--burn-limit", type=float, default=900.0, help="seconds after which the busy loop stops itself")
    parser.add_argument("--tolerance", type=float, default=0.15, help="idle slowdown accepted for a steadier choice")
    parser.add_argument("--repeats", type=int, default=1, help="runs per setting; the fastest is kept")
    parser.add_argument("--quick", action="store_true", help="--quick runs (checks this script, measures nothing useful)")
    args = parser.parse_args(argv)

    console = Console(width=140)
    with tempfile.TemporaryDirectory(prefix="nnlessons-threads-") as scratch:
        scratch_dir = Path(scratch)
        data_dir = args.data_dir or write_real_split(scratch_dir / "data", args.mnist_dir, args.train, args.test, seed=0)
        console.print(f"data: {data_dir}; {os.cpu_count()} logical CPUs; runs at the lessons' defaults"
                      + (" (--quick)" if args.quick else ""))
        results = []
        for lesson in args.lessons.split(","):
            for threads in (int(t) for t in args.threads.split(",")):
                for condition in args.conditions.split(","):
                    out = scratch_dir / f"{lesson}-{threads}-{condition}"
                    result = measure(lesson, threads, condition, data_dir, out, ["--quick"] if args.quick else [],
                                     args.burn_limit, args.repeats)
                    console.print(f"{lesson}, {threads} thread(s), {condition}: exit {result.exit_code}, "
                                  f"{result.wall:.1f} s wall, {result.cpu:.1f} s CPU")
                    results.append(result)
    console.print(results_table(results))
    for lesson, threads in choose_threads(results, args.tolerance).items():
        console.print(f"{lesson}: {threads} thread(s): within {100 * args.tolerance:g} % of the fastest idle run, "
                      f"and the fastest of those beside a busy core")
    return 0 if all(r.exit_code == 0 for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
