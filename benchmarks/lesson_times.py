"""Wall-clock time of every installed lesson, --quick and default, measured in one run.

Targets (issue 3): --quick finishes in a few seconds, a default run in under 30 s
on a 2-core CPU. Each run is a fresh `nnlessons run ID --device cpu --quiet --json`
subprocess, so the time includes Python and torch start-up; "in lesson" is the
run hook's own time from run.json.

    python benchmarks/lesson_times.py [--data-dir DIR] [--only ID ...]

Lessons that need MNIST run only when --data-dir points at a folder holding
MNIST/raw (they get --no-download); otherwise they are listed as skipped.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_DEFAULT_SECONDS = 30.0


def installed_lessons() -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "nnlessons", "list", "--json"], check=True, capture_output=True, text=True)
    return [lesson for lesson in json.loads(out.stdout) if not lesson["broken"]]


def time_run(lesson_id: str, quick: bool, extra: list[str], out: Path) -> tuple[float, float | None, int]:
    command = [sys.executable, "-m", "nnlessons", "run", lesson_id, "--device", "cpu", "--quiet", "--json",
               "--out", str(out), *extra, *(["--quick"] if quick else [])]
    start = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True)
    wall = time.perf_counter() - start
    inside = json.loads(result.stdout)["duration_seconds"] if result.returncode == 0 else None
    return wall, inside, result.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, help="folder with MNIST/raw for the MNIST lessons")
    parser.add_argument("--only", nargs="*", help="lesson ids to time (default: all)")
    args = parser.parse_args()

    print(f"{'lesson':<20}{'mode':<9}{'wall s':>8}{'in lesson s':>13}  verdict")
    with tempfile.TemporaryDirectory() as tmp:
        for lesson in installed_lessons():
            if args.only and lesson["id"] not in args.only:
                continue
            names = {option["name"] for option in lesson["options"]}
            extra: list[str] = []
            if "data_dir" in names:
                if args.data_dir is None:
                    print(f"{lesson['id']:<20}{'-':<9}{'':>8}{'':>13}  skipped (needs MNIST: pass --data-dir)")
                    continue
                extra = ["--data-dir", str(args.data_dir), "--no-download"]
            for quick in (True, False):
                mode = "quick" if quick else "default"
                wall, inside, code = time_run(lesson["id"], quick, extra, Path(tmp) / f"{lesson['id']}-{mode}")
                if code != 0:
                    verdict = f"FAILED (exit {code})"
                elif quick:
                    verdict = ""
                else:
                    verdict = "meets < 30 s" if wall < TARGET_DEFAULT_SECONDS else "MISSES < 30 s"
                inside_text = f"{inside:.1f}" if inside is not None else "-"
                print(f"{lesson['id']:<20}{mode:<9}{wall:>8.1f}{inside_text:>13}  {verdict}", flush=True)


if __name__ == "__main__":
    main()
