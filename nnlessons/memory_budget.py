"""How much memory one lesson run may ask for, and the one way a lesson refuses more.

A lesson whose options set sizes (points, hidden units, batch size, grid) estimates the peak
memory of the values it was given with a short formula of its own, its largest tensors' bytes
times a small factor, and calls `check_fits` from its ``nnlessons_check_params`` hook. A run
that would not fit then stops with exit code 2 before anything is made, with a sentence saying
how much it would need and which value would fit. No torch here: the hook runs before torch
is imported.
"""

from __future__ import annotations

from collections.abc import Callable

from nnlessons.errors import LessonInputError

#: What one run may take: a laptop with 8 GB also holds the system, a browser and an editor.
MEMORY_LIMIT_BYTES = 2 * 1024**3
FLOAT32_BYTES = 4
INT64_BYTES = 8


def gigabytes(n_bytes: float) -> str:
    """``2147483648`` -> ``'2.0 GB'`` (GiB, as the system monitor counts)."""
    return f"{n_bytes / 1024**3:.1f} GB"


def largest_fitting(needed_bytes: Callable[[int], float], low: int, high: int) -> int | None:
    """The largest whole ``v`` in ``[low, high]`` whose ``needed_bytes(v)`` fits, or None if not even `low` does.

    `needed_bytes` must grow with ``v`` (a size: points, hidden units, batch size).
    """
    if needed_bytes(low) > MEMORY_LIMIT_BYTES:
        return None
    while low < high:  # invariant: low fits
        middle = (low + high + 1) // 2
        if needed_bytes(middle) <= MEMORY_LIMIT_BYTES:
            low = middle
        else:
            high = middle - 1
    return low


def check_fits(needed_bytes: float, combination: str, what_fits: str) -> None:
    """Refuse a run whose estimated peak memory is over `MEMORY_LIMIT_BYTES`.

    :param needed_bytes: the lesson's estimate for the given option values.
    :param combination: the values that make it big, as typed: ``"--n-points 200000 with --hidden 4096"``.
    :param what_fits: what the user could run instead: ``"with these values --hidden 409 or less fits"``.
    :raises LessonInputError: one sentence with the estimate, the limit and `what_fits`.
    """
    if needed_bytes > MEMORY_LIMIT_BYTES:
        raise LessonInputError(
            f"{combination} would need about {gigabytes(needed_bytes)} of memory, more than the "
            f"{gigabytes(MEMORY_LIMIT_BYTES)} a lesson run may use on a laptop; {what_fits}."
        )
