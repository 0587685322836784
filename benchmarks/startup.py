"""How long `nnlessons list` takes next to `python -c "import torch"`, measured in one run.

Target: `nnlessons list` takes at most 0.15 of the torch import.

    python benchmarks/startup.py [--repeats 7]

Both commands run as fresh subprocesses with the same interpreter; each is run
once to warm the file cache, then `--repeats` times; the medians are compared.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time

TARGET_RATIO = 0.15


def median_seconds(command: list[str], repeats: int) -> float:
    subprocess.run(command, check=True, capture_output=True)  # warm-up, not timed
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()

    commands = {
        "nnlessons list": [sys.executable, "-m", "nnlessons", "list"],
        "nnlessons --help": [sys.executable, "-m", "nnlessons", "--help"],
        "python -c 'import torch'": [sys.executable, "-c", "import torch"],
    }
    medians = {name: median_seconds(cmd, args.repeats) for name, cmd in commands.items()}
    torch_s = medians["python -c 'import torch'"]
    print(f"median of {args.repeats} runs each, {sys.executable}")
    print(f"{'command':<28}{'seconds':>10}{'vs import torch':>18}")
    for name, seconds in medians.items():
        print(f"{name:<28}{seconds:>10.3f}{seconds / torch_s:>18.3f}")
    ratio = medians["nnlessons list"] / torch_s
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"ratio list / import torch = {ratio:.3f} ({verdict} the target of <= {TARGET_RATIO})")


if __name__ == "__main__":
    main()
