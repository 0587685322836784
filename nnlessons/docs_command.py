"""`nnlessons docs`: serve (or build) the docs site of an nnlessons source checkout with mkdocs."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import tempfile
from pathlib import Path

import nnlessons
from nnlessons.errors import LessonInputError

#: the import names of the docs extra (mkdocs, mkdocs-material, mkdocstrings)
DOCS_MODULES = ("mkdocs", "material", "mkdocstrings")
INSTALL_HINT = "pip install -e '.[docs]' in the nnlessons source folder"


def source_checkout() -> Path:
    """The folder nnlessons was installed from (an editable install); site-packages otherwise."""
    return Path(nnlessons.__file__).resolve().parents[1]


def is_checkout(folder: Path) -> bool:
    """A folder with mkdocs.yml next to the nnlessons package: an nnlessons source checkout."""
    return (folder / "mkdocs.yml").is_file() and (folder / "nnlessons" / "__init__.py").is_file()


def find_config(cwd: Path | None = None) -> Path:
    """mkdocs.yml of the checkout in `cwd`, else of the checkout nnlessons was installed from."""
    candidates = [(cwd or Path.cwd()).resolve(), source_checkout()]
    for folder in candidates:
        if is_checkout(folder):
            return folder / "mkdocs.yml"
    raise LessonInputError(
        f"No nnlessons mkdocs.yml in the current folder or in {candidates[1]}; run 'nnlessons docs' inside a "
        f"clone of the nnlessons repository, installed with {INSTALL_HINT}."
    )


def check_mkdocs_installed() -> None:
    missing = [name for name in DOCS_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        verb = "is" if len(missing) == 1 else "are"
        raise LessonInputError(f"The docs site needs {', '.join(missing)}, which {verb} not installed; install the docs extra with {INSTALL_HINT}.")


#: files every mkdocs build writes at the top of its site folder: their presence marks an earlier build
BUILD_MARKERS = ("index.html", "sitemap.xml")


def check_build_folder(folder: Path) -> None:
    """Make `folder` and check a file can be written in it, so mkdocs never starts only to fail with a traceback.

    mkdocs empties its site folder before building, so a folder holding anything but an earlier
    build (a user's files) is refused: nothing of theirs is ever deleted.
    """
    if folder.is_dir():
        names = [p.name for p in folder.iterdir() if not p.name.startswith(".")]
        if names and not all((folder / marker).is_file() for marker in BUILD_MARKERS):
            shown = ", ".join(f"'{n}'" for n in sorted(names)[:3])
            raise LessonInputError(f"The folder '{folder}' holds files ({shown}) and no earlier docs build, and mkdocs "
                                   f"empties the folder it builds into; choose a new or empty folder with --build.")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):  # permissions alone do not tell (root, read-only mounts, /proc)
            pass
    except OSError as exc:
        shown = str(folder) if len(str(folder)) <= 60 else str(folder)[:60] + "..."
        raise LessonInputError(f"Cannot write the docs site into '{shown}' ({exc.strerror or type(exc).__name__}); "
                               f"choose a writable folder with --build.") from None


def mkdocs_argv(config: Path, port: int = 8000, build: Path | None = None) -> list[str]:
    """The mkdocs command line: ``serve`` on 127.0.0.1:PORT, or a strict ``build`` into `build`."""
    base = [sys.executable, "-m", "mkdocs"]
    if build is not None:
        return [*base, "build", "--strict", "-f", str(config), "--site-dir", str(build.resolve())]
    return [*base, "serve", "-f", str(config), "-a", f"127.0.0.1:{port}"]


def run_mkdocs(argv: list[str], cwd: Path) -> int:
    """Run mkdocs and return its exit code; Ctrl-C (which mkdocs also gets) lets it shut down first."""
    process = subprocess.Popen(argv, cwd=cwd)
    try:
        return process.wait()
    except KeyboardInterrupt:
        try:
            return process.wait(timeout=10)
        except BaseException:
            process.kill()
            process.wait()
            raise
