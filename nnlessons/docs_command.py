"""`nnlessons docs`: serve (or build) the docs site of an nnlessons source checkout with mkdocs."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import tempfile
from pathlib import Path, PurePosixPath

import click

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


#: written into a finished build: every file it holds, so a later --build knows the folder is its own
BUILD_RECORD = ".nnlessons-build.json"


def _cannot_write(folder: Path, exc: OSError) -> LessonInputError:
    shown = str(folder) if len(str(folder)) <= 60 else str(folder)[:60] + "..."
    return LessonInputError(f"Cannot write the docs site into '{shown}' ({exc.strerror or type(exc).__name__}); "
                            f"choose a writable folder with --build.")


def folder_tree(folder: Path) -> tuple[list[str], list[str]]:
    """Everything below `folder`, as relative POSIX paths: (files and links, folders); links are never followed."""
    def unreadable(exc: OSError) -> None:
        raise LessonInputError(f"Cannot read '{exc.filename}' ({exc.strerror or type(exc).__name__}); "
                               f"choose a new or empty folder with --build.")

    files, folders = [], []
    for root, dirs, names in os.walk(folder, onerror=unreadable, followlinks=False):
        relative = Path(root).relative_to(folder)
        links = [name for name in dirs if os.path.islink(os.path.join(root, name))]
        files += [(relative / name).as_posix() for name in names + links]
        folders += [(relative / name).as_posix() for name in dirs if name not in links]
    return sorted(files), sorted(folders)


def built_files(folder: Path) -> set[str] | None:
    """The files an earlier build listed in its BUILD_RECORD, None if `folder` has no readable record."""
    record_path = folder / BUILD_RECORD
    try:
        if not stat.S_ISREG(record_path.lstat().st_mode):
            return None
        record = json.loads(record_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = record.get("files") if isinstance(record, dict) else None
    if not isinstance(files, list) or not all(isinstance(name, str) for name in files):
        return None
    return set(files)


def check_build_folder(folder: Path) -> None:
    """Refuse `folder` unless it is new, empty, or provably an earlier nnlessons build.

    An earlier build is a folder with a BUILD_RECORD that lists every file in it: regular
    files only (no links), in folders that hold listed files. A build replaces the whole
    folder, so anything else in it (a user's notes beside an index.html) would be lost.
    """
    if folder.is_symlink():
        raise LessonInputError(f"The folder '{folder}' is a symbolic link, and a build replaces the folder it names; "
                               f"give the folder it points to, or a new one, with --build.")
    if not os.path.lexists(folder):
        return  # new
    if not folder.is_dir():
        raise LessonInputError(f"'{folder}' is a file, not a folder; choose a new or empty folder with --build.")
    files, folders = folder_tree(folder)
    listed = built_files(folder)
    if listed is None:
        foreign = files + folders
    else:
        listed.add(BUILD_RECORD)
        parents = {parent.as_posix() for name in listed for parent in PurePosixPath(name).parents}
        foreign = [name for name in files if name not in listed or not stat.S_ISREG((folder / name).lstat().st_mode)]
        foreign += [name for name in folders if name not in parents]
    if foreign:
        shown = ", ".join(f"'{n}'" for n in sorted(foreign)[:3]) + (f" and {len(foreign) - 3} more" if len(foreign) > 3 else "")
        raise LessonInputError(f"The folder '{folder}' holds files ({shown}) that no earlier 'nnlessons docs --build' made, "
                               f"and a build replaces the whole folder; choose a new or empty folder with --build.")


def _new_sibling(folder: Path, purpose: str, shown: Path) -> Path:
    """A new empty folder next to `folder` (same file system, so a rename moves it): .NAME.PURPOSE-XXXXXXXX."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=f".{folder.name}.{purpose}-", dir=folder.parent))
    except OSError as exc:
        raise _cannot_write(shown, exc) from None


def write_build_record(site: Path) -> None:
    """List every file of the finished build `site` in its BUILD_RECORD."""
    files, _ = folder_tree(site)
    record = {"nnlessons_version": nnlessons.__version__, "files": files}
    (site / BUILD_RECORD).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")


def replace_folder(folder: Path, site: Path, shown: Path) -> None:
    """Put the finished build `site` where `folder` (absolute) is, and remove the earlier build's own files.

    The earlier folder is checked again (the build took a while), moved aside, and only the
    files its record lists are removed; anything added meanwhile is kept, and said so.
    """
    check_build_folder(folder)
    mask = os.umask(0)
    os.umask(mask)
    os.chmod(site, 0o777 & ~mask)  # mkdtemp made it private; a site is as readable as any folder
    aside = _new_sibling(folder, "old", shown)
    earlier = aside / "site"
    try:
        if os.path.lexists(folder):
            os.rename(folder, earlier)
        os.rename(site, folder)
    except OSError as exc:
        if os.path.lexists(earlier) and not os.path.lexists(folder):
            os.rename(earlier, folder)  # put the earlier build back
        with contextlib.suppress(OSError):
            aside.rmdir()
        raise _cannot_write(shown, exc) from None
    if os.path.lexists(earlier):
        remove_earlier_build(earlier)
    with contextlib.suppress(OSError):
        aside.rmdir()
    if aside.exists():
        click.echo(f"Kept '{earlier}': files appeared in the earlier build while this one ran.", err=True)


def remove_earlier_build(old: Path) -> None:
    """Remove the regular files `old`'s record lists (found without following a link), then its empty folders."""
    listed = (built_files(old) or set()) | {BUILD_RECORD}
    files, folders = folder_tree(old)
    for name in files:
        if name in listed and stat.S_ISREG((old / name).lstat().st_mode):
            (old / name).unlink()
    for name in sorted(folders, key=lambda n: n.count("/"), reverse=True):
        with contextlib.suppress(OSError):
            (old / name).rmdir()
    with contextlib.suppress(OSError):
        old.rmdir()


def build_site(config: Path, folder: Path) -> int:
    """``mkdocs build --strict`` into a new folder beside `folder`, then swap it in; mkdocs' exit code.

    mkdocs empties the folder it builds into, so it only ever gets a folder of its own: a
    failed or stopped build leaves `folder` as it was, and a finished one replaces it only
    if `folder` is new, empty, or an earlier build (`check_build_folder`).
    """
    check_build_folder(folder)
    target = Path(os.path.abspath(folder))
    site = _new_sibling(target, "building", folder)
    try:
        argv = mkdocs_argv(config, build=site)
        click.echo(f"Running {shlex.join(argv)}", err=True)
        code = run_mkdocs(argv, cwd=config.parent)
        if code == 0:
            write_build_record(site)
            replace_folder(target, site, folder)
            click.echo(f"Built the docs site into {folder}", err=True)
        return code
    finally:
        if site.exists():
            shutil.rmtree(site, ignore_errors=True)


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
