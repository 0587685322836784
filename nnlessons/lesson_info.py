"""What a lesson tells the runner about itself: `LessonInfo` and its `Option`s."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Python types an option may have; each becomes a click parameter type.
OPTION_TYPES = (int, float, str, bool, Path)


@dataclass(frozen=True)
class Option:
    """One lesson-specific command-line option, e.g. ``--lr 0.05``.

    :param name: Python name; ``batch_size`` becomes ``--batch-size``.
    :param type: ``int``, ``float``, ``str``, ``bool`` (a ``--x/--no-x`` flag) or ``Path``.
    :param default: value of a normal run.
    :param help: one line for ``--help`` and ``nnlessons explain``.
    :param min: smallest allowed value (numbers only), inclusive unless `min_open`.
    :param max: largest allowed value (numbers only), inclusive unless `max_open`.
    :param choices: allowed values (``str`` only).
    :param quick: value used under ``--quick`` unless the user sets the option;
        ``None`` means ``--quick`` keeps the default.
    :param envvar: environment variable that overrides the default.
    :param min_open: True if `min` itself is not allowed (``p`` in ``(0, 1]``).
    :param max_open: True if `max` itself is not allowed (``p`` in ``[0, 1)``).
    :param allow_nonfinite: float options refuse ``nan`` and ``inf`` unless this is True.
    """

    name: str
    type: type
    default: Any
    help: str
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None
    quick: Any = None
    envvar: str | None = None
    min_open: bool = False
    max_open: bool = False
    allow_nonfinite: bool = False

    def __post_init__(self) -> None:
        if not self.name.isidentifier():
            raise ValueError(f"option name {self.name!r} is not a Python identifier")
        if self.type not in OPTION_TYPES:
            raise ValueError(f"option {self.name!r}: type must be one of int, float, str, bool, Path")
        if (self.min is not None or self.max is not None) and self.type not in (int, float):
            raise ValueError(f"option {self.name!r}: min/max only apply to int and float")
        if (self.min_open and self.min is None) or (self.max_open and self.max is None):
            raise ValueError(f"option {self.name!r}: min_open/max_open need min/max")

    @property
    def flag(self) -> str:
        """The command-line spelling, ``--batch-size``."""
        return "--" + self.name.replace("_", "-")

    def describe_range(self) -> str:
        """Human text for the allowed values, '' when anything of the type goes."""
        if self.choices:
            return " | ".join(self.choices)
        low = "" if self.min is None else f"{'>' if self.min_open else '>='} {self.min:g}"
        high = "" if self.max is None else f"{'<' if self.max_open else '<='} {self.max:g}"
        if low and high and not (self.min_open or self.max_open):
            return f"{self.min:g} .. {self.max:g}"
        return ", ".join(part for part in (low, high) if part)


@dataclass(frozen=True)
class LessonInfo:
    """How a lesson describes itself to ``nnlessons list``, ``explain`` and ``run``.

    :param id: the lesson id; must equal the entry-point name it is registered under.
    :param title: a short title, "CNN shapes".
    :param summary: one line saying what the learner will see.
    :param concepts: the ideas it covers, a few words each.
    :param cpu_seconds: rough run time of a default run on a laptop CPU.
    :param needs_download: True if a first run downloads data.
    :param options: the lesson-specific options.
    :param order: position in the course (bundled lessons use 10, 20, ...).
    :param cpu_threads: torch CPU threads for the run; tiny models run faster on 1
        thread than on many. ``None`` keeps torch's default. ``--threads`` overrides it.
    """

    id: str
    title: str
    summary: str
    concepts: tuple[str, ...] = ()
    cpu_seconds: float = 10.0
    needs_download: bool = False
    options: tuple[Option, ...] = field(default_factory=tuple)
    order: int = 1000
    cpu_threads: int | None = None

    def option(self, name: str) -> Option:
        """Return the option called `name` (KeyError if there is none)."""
        for option in self.options:
            if option.name == name:
                return option
        raise KeyError(name)
