"""One axis of a convolution (W, K, P, S) and the user's own --case text, read without torch (the check hook uses it)."""

from __future__ import annotations

from dataclasses import dataclass

from nnlessons import LessonInputError

#: Largest input side a user case may ask for (keeps the shape probe tiny).
MAX_USER_SIZE = 1024


@dataclass(frozen=True)
class ShapeCase:
    """One setting along one axis: input size W, kernel K, padding P, stride S."""

    size: int
    kernel: int
    padding: int
    stride: int
    why: str = ""

    @property
    def leftover(self) -> int:
        """Padded pixels the last window never reaches: (W + 2P - K) mod S."""
        return (self.size + 2 * self.padding - self.kernel) % self.stride


def parse_user_cases(text: str) -> list[ShapeCase]:
    """Turn ``--case "13,4,1,3; 9,2,0,2"`` into ShapeCases, or raise LessonInputError saying what is wrong."""
    cases = []
    for part in (p.strip() for p in text.split(";")):
        if part:
            cases.append(parse_user_case(part))
    return cases


def parse_user_case(part: str) -> ShapeCase:
    """One 'W,K,P,S' string, checked so that PyTorch could run it on a small input."""
    shown = repr(part if len(part) <= 40 else part[:37] + "...")
    fields = [f.strip() for f in part.split(",")]
    if len(fields) != 4 or not all(f.lstrip("-").isdecimal() for f in fields):  # isdecimal: no '²', which int() refuses
        raise LessonInputError(
            f"--case {shown} is not four whole numbers W,K,P,S; write it like 13,4,1,3 (separate several cases with ';')."
        )
    size, kernel, padding, stride = (int(f) for f in fields)
    # P and S have a ceiling too: the probe pads a (W + 2P)^2 input, and torch refuses a stride past 2^63.
    if not (1 <= size <= MAX_USER_SIZE and kernel >= 1 and 0 <= padding <= MAX_USER_SIZE and 1 <= stride <= MAX_USER_SIZE):
        raise LessonInputError(
            f"--case {shown} needs 1 <= W <= {MAX_USER_SIZE}, K >= 1, P >= 0 and S >= 1, with P and S at most "
            f"{MAX_USER_SIZE}; for example 13,4,1,3."
        )
    if kernel > size + 2 * padding:
        raise LessonInputError(
            f"--case {shown}: a {kernel}-wide kernel does not fit in the padded input W + 2P = {size + 2 * padding}; "
            f"use K <= W + 2P."
        )
    return ShapeCase(size, kernel, padding, stride, "your --case")
