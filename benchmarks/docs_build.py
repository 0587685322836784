"""How long the docs site takes to build, and what it contains, measured in one run.

Target: `mkdocs build --strict` finishes in under 120 s on a 2-core CPU.

    python benchmarks/docs_build.py [--site-dir DIR]

The build is the real one (every installed lesson runs once with --quick while
it builds). It prints the wall time, its ratio to the target, the number of
pages, lesson pages, output images and terminal blocks.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 120.0
ROOT = Path(__file__).resolve().parents[1]


def build(site_dir: Path) -> float:
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
                            cwd=ROOT, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"mkdocs build --strict failed:\n{result.stderr[-3000:]}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site-dir", type=Path, help="keep the site here (default: a temporary folder)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site_dir or Path(tmp) / "site"
        seconds = build(site)
        # the offline build writes one NAME.html per page (links work opened from disk)
        pages = sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts)
        lessons = sorted((site / "lessons").glob("*.html"))
        images = sorted((site / "lessons").glob("*/output/*.png"))
        terminals = sum(p.read_text().count('class="nnl-terminal"') for p in pages)
        print(f"cpu cores            {os.cpu_count()}")
        print(f"build --strict       {seconds:.1f} s  (target < {TARGET_SECONDS:.0f} s, ratio {seconds / TARGET_SECONDS:.2f})")
        print(f"pages                {len(pages)}")
        print(f"lesson pages         {len(lessons)}")
        print(f"output images        {len(images)}")
        print(f"terminal blocks      {terminals}")
        for page in lessons:
            count = len(list((page.parent / page.stem).glob("output/*.png")))
            print(f"  {page.stem:<20} {count} image(s)")


if __name__ == "__main__":
    main()
