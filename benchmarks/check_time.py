"""How long one `nnlessons check` of a correct solution takes next to `python -c "import torch"`, in one run.

Target: at most 2.0 times the bare torch import (a learner waits on every check).

    python benchmarks/check_time.py [--repeats 7] [--exercise gd-variants/mse-gradient]

The learner's file is the exercise's reference solution in a temporary practice folder.
Both commands run as fresh subprocesses with this interpreter: once to warm the file cache,
then `--repeats` times each, interleaved so that a busy machine slows both alike; the
medians are compared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_RATIO = 2.0


def seconds(command: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, capture_output=True, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--exercise", default="gd-variants/mse-gradient")
    args = parser.parse_args()

    from nnlessons.practice import catalog
    from nnlessons.registry import LessonRegistry

    entry = catalog.resolve_one(LessonRegistry.from_entry_points(), args.exercise)
    with tempfile.TemporaryDirectory() as workspace:
        mine = Path(workspace) / entry.lesson.id / entry.exercise.file_name
        mine.parent.mkdir(parents=True)
        mine.write_text(entry.exercise.solution_text())
        env = {**os.environ, "NNLESSONS_WORKSPACE": workspace, "XDG_DATA_HOME": workspace}
        commands = {
            "python -c 'import torch'": [sys.executable, "-c", "import torch"],
            f"nnlessons check {args.exercise}": [sys.executable, "-m", "nnlessons", "check", args.exercise],
        }
        for command in commands.values():
            seconds(command, env)  # warm-up, not timed
        times: dict[str, list[float]] = {name: [] for name in commands}
        for _ in range(args.repeats):
            for name, command in commands.items():
                times[name].append(seconds(command, env))
    medians = {name: statistics.median(values) for name, values in times.items()}
    torch_import, check = medians.values()
    for name, value in medians.items():
        print(f"{name:<45} median {value:6.3f} s over {args.repeats} runs")
    ratio = check / torch_import
    print(f"check / torch import = {ratio:.2f} (target <= {TARGET_RATIO:.1f}): {'OK' if ratio <= TARGET_RATIO else 'TOO SLOW'}")


if __name__ == "__main__":
    main()
