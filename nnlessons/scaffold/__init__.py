"""`nnlessons new ID`: write a complete, installable lesson package to start from.

The files are rendered from the templates in ``nnlessons/scaffold/templates``
(``string.Template``: ``${id}``, ``${module}``, ``${dist}``, ``${title}``,
``${requirement}``). Everything is checked before the first file is written.
"""

from __future__ import annotations

import importlib.util
import re
import shlex
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.resources import files
from pathlib import Path
from string import Template

from rich.console import Console
from rich.markup import escape

from nnlessons import __version__, atomic_files
from nnlessons.errors import LessonInputError

ID_PATTERN = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
MAX_ID_LENGTH = 64  # the id becomes a folder, module and package name; file systems allow 255 bytes per name
SHOWN_CHARACTERS = 40  # of a user's id or path quoted in an error

#: (path in the new package, template, what it is); paths may use {module}.
FILES = (
    ("pyproject.toml", "pyproject.toml.tmpl", "the package and its nnlessons.lessons entry point"),
    ("README.md", "README.md.tmpl", "how to install, run and test it"),
    ("{module}/__init__.py", "lesson.py.tmpl", "the lesson page (docstring) and its hooks"),
    ("tests/test_{module}.py", "test_lesson.py.tmpl", "its tests, with the fixtures of nnlessons.testing"),
    ("{module}/exercises/__init__.py", "exercises_init.py.tmpl", "its exercises, for nnlessons practice"),
    ("{module}/exercises/gradient_by_hand.py", "exercise_starter.py.tmpl", "an exercise's starter file (the task)"),
    ("{module}/exercises/solutions/__init__.py", "solutions_init.py.tmpl", "the reference solutions' package"),
    ("{module}/exercises/solutions/gradient_by_hand.py", "exercise_solution.py.tmpl", "its reference solution"),
    ("{module}/exercises/checks.py", "exercise_checks.py.tmpl", "its check: autograd as the oracle, mistakes named"),
)


@dataclass(frozen=True)
class Names:
    """What a lesson id turns into: ``my-lesson`` -> ``nnlessons_my_lesson``, ``nnlessons-my-lesson``."""

    id: str
    module: str
    dist: str
    title: str

    @classmethod
    def of(cls, lesson_id: str) -> Names:
        words = lesson_id.split("-")
        return cls(
            id=lesson_id,
            module="nnlessons_" + "_".join(words),
            dist="nnlessons-" + lesson_id,
            title=" ".join(words).capitalize(),
        )


def requirement() -> str:
    """The nnlessons this package was made with, up to the next major version: ``nnlessons>=0.1.0,<1``."""
    major = int(__version__.split(".")[0])
    return f"nnlessons>={__version__},<{major + 1}"


def excerpt(text: str) -> str:
    """`text` quoted, or its start and '...' when it is long."""
    return repr(text) if len(text) <= SHOWN_CHARACTERS else repr(text[:SHOWN_CHARACTERS]) + "..."


def check_id(lesson_id: str, installed: Mapping[str, str]) -> Names:
    """The names for `lesson_id`; LessonInputError if it is malformed, too long or taken.

    :param installed: installed lesson ids -> the module that provides each.
    """
    if not ID_PATTERN.fullmatch(lesson_id):
        raise LessonInputError(
            f"{excerpt(lesson_id)} is not a valid lesson id: use lowercase letters, digits and single hyphens, "
            "starting with a letter (e.g. 'my-lesson')."
        )
    if len(lesson_id) > MAX_ID_LENGTH:
        raise LessonInputError(f"The lesson id {excerpt(lesson_id)} has {len(lesson_id)} characters; "
                               f"use at most {MAX_ID_LENGTH} (e.g. 'my-lesson').")
    if lesson_id in installed:
        raise LessonInputError(f"A lesson called {lesson_id!r} is already installed (from {installed[lesson_id]}); choose another id.")
    names = Names.of(lesson_id)
    spec = importlib.util.find_spec(names.module)
    if spec is not None:
        where = spec.origin or ", ".join(spec.submodule_search_locations or [])
        raise LessonInputError(f"A Python module called {names.module!r} already exists ({where}); choose another id.")
    return names


def cannot_write(folder: Path, exc: OSError) -> LessonInputError:
    return LessonInputError(f"Cannot write the lesson package into {excerpt(str(folder))} "
                            f"({exc.strerror or type(exc).__name__}); choose a writable folder with --dir.")


def check_folder(folder: Path) -> None:
    """LessonInputError unless `folder` is missing or an empty folder, and can be made and written to.

    Makes the folder (and its parents), so that a path that cannot be written is found before the first file.
    """
    try:
        if folder.exists() and not folder.is_dir():
            raise LessonInputError(f"{folder} exists and is not a folder; choose another one with --dir.")
        if folder.is_dir() and any(folder.iterdir()):
            raise LessonInputError(f"{folder} already exists and is not empty; choose another folder with --dir.")
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=folder):  # can files be made in it? (permissions alone do not tell root)
            pass
    except OSError as exc:  # a name too long, a read-only or virtual file system (/proc), no permission
        raise cannot_write(folder, exc) from None


def render(names: Names) -> dict[str, str]:
    """Every file of the package: relative path -> text."""
    values = {**vars(names), "requirement": requirement()}
    templates = files(__name__) / "templates"
    return {
        path.format(module=names.module): Template((templates / template).read_text(encoding="utf-8")).substitute(values)
        for path, template, _ in FILES
    }


def describe(names: Names) -> dict[str, str]:
    """Relative path -> one line saying what the file is (for the command's output)."""
    return {path.format(module=names.module): what for path, _, what in FILES}


def default_folder(lesson_id: str) -> Path:
    return Path(f"nnlessons-{lesson_id}")


def create(lesson_id: str, folder: Path | None, installed: Mapping[str, str]) -> tuple[Names, Path, list[Path]]:
    """Check everything, then write the package for `lesson_id` into `folder`.

    :return: the names, the folder, and the files written.
    """
    names = check_id(lesson_id, installed)
    folder = folder if folder is not None else default_folder(lesson_id)
    check_folder(folder)
    written = []
    try:
        for relative, text in render(names).items():
            path = folder / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            written.append(atomic_files.write_text(path, text))  # never half a file, even on a full disk
    except OSError as exc:
        raise cannot_write(folder, exc) from None
    return names, folder, written


def shown_path(folder: Path) -> str:
    """``./nnlessons-x`` for a folder under the current one, the absolute path otherwise."""
    absolute = folder.resolve()
    try:
        return "./" + absolute.relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return str(absolute)


def _print_pairs(console: Console, pairs: list[tuple[str, str]], style: str = "") -> None:
    """Two aligned columns, one line each, never wrapped (paths and commands must stay whole)."""
    width = max(len(left) for left, _ in pairs)
    for left, right in pairs:
        text = escape(left.ljust(width))
        console.print(f"  [{style}]{text}[/]  [dim]{escape(right)}[/]" if style else f"  {text}  [dim]{escape(right)}[/]",
                      soft_wrap=True, highlight=False)


def print_summary(console: Console, names: Names, folder: Path) -> None:
    """What was written, and the commands to install, list, run and test the new lesson."""
    where = shown_path(folder)
    console.print(f"Created the lesson package [bold]{names.dist}[/] (lesson id [bold]{names.id}[/]):", highlight=False)
    _print_pairs(console, [(f"{where}/{relative}", what) for relative, what in describe(names).items()])
    console.print("Next, in the environment nnlessons is installed in:")
    _print_pairs(console, [
        (f"pip install -e {shlex.quote(where + '[test]')}", "# install it; editable, so your edits apply at once"),
        ("nnlessons list", f"# {names.id} is listed"),
        (f"nnlessons run {names.id} --quick", "# run it"),
        (f"pytest {shlex.quote(where)}", "# run its tests"),
    ], style="bold")
    console.print(f"Then make it yours: edit {escape(where)}/{names.module}/__init__.py, starting with its docstring.",
                  soft_wrap=True, highlight=False)
