"""Make a lesson package that Python finds through its entry-point metadata, as if pip had installed it."""

from __future__ import annotations

from pathlib import Path


def make_package(root: Path, dist: str, module: str, source: str, entry: str) -> None:
    """A distribution on sys.path: the module plus *.dist-info with entry_points.txt (what pip would write)."""
    (root / module).mkdir(parents=True)
    (root / module / "__init__.py").write_text(source)
    info = root / f"{dist}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[nnlessons.lessons]\n{entry} = {module}\n")
