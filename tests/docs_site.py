"""Build the docs site for tests: once per test session for the full site, shared by every docs test module.

The full build runs every lesson ``--quick`` (35-60 s on two cores), so tests/test_docs.py and
tests/test_docs_browser.py read the same build: `full_site` builds it the first time either asks.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_FULL_SITE: dict[str, Path] = {}


def build_site(out: Path, **env: str) -> tuple[subprocess.CompletedProcess, float]:
    """mkdocs build --strict; MNIST lessons find no data and download nothing (they show their data-free part)."""
    offline = {"NNLESSONS_DATA_DIR": str(out.parent / f"{out.name}-no-mnist"), "NNLESSONS_DOWNLOAD": "0",
               "NO_MKDOCS_2_WARNING": "1"}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=900, env={**os.environ, **offline, **env})
    return result, time.perf_counter() - start


def full_site(tmp_path_factory) -> Path:
    """The whole site, every lesson run, built once per session (the first module to ask builds it)."""
    if "site" not in _FULL_SITE:
        out = tmp_path_factory.mktemp("site")
        result, seconds = build_site(out)
        assert result.returncode == 0, result.stderr[-3000:]
        print(f"\nmkdocs build --strict: {seconds:.1f} s, {len(list(out.rglob('*.html')))} pages")
        _FULL_SITE["site"] = out
    return _FULL_SITE["site"]
