"""The five optimizers' names and the parsing of --optimizers (no torch: the check hook uses it)."""

from __future__ import annotations

from nnlessons import LessonInputError

#: Course order: each one adds an idea to the one before (see the lesson page).
OPTIMIZER_NAMES = ("sgd", "momentum", "adagrad", "rmsprop", "adam")


def parse_names(text: str) -> tuple[str, ...]:
    """Turn 'sgd, adam' into ('sgd', 'adam'), or raise LessonInputError naming the bad entry."""
    names = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    allowed = ", ".join(OPTIMIZER_NAMES)
    if not names:
        raise LessonInputError(f"--optimizers is empty; give a comma-separated list from {allowed}.")
    for name in names:
        if name not in OPTIMIZER_NAMES:
            raise LessonInputError(f"Unknown optimizer {name[:40]!r} in --optimizers; choose from {allowed}.")
    if len(set(names)) != len(names):
        raise LessonInputError(f"--optimizers names an optimizer twice ({text[:80]!r}); list each of {allowed} at most once.")
    return names
