"""A file pinned by its SHA-256 when this run wrote it, and read back only while it is unchanged.

``torch.load(..., weights_only=False)`` runs whatever the file's pickle says, so the lesson
only ever unpickles the very bytes it saved: it records their SHA-256 when it writes the
file, and right before loading reads the file once, checks those bytes and loads them from
memory (nothing can change between the check and the load). A swapped file is refused.

Imports neither torch nor the lesson's nets: the fresh process uses it before torch.load.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from nnlessons import LessonInputError


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class PinnedFile:
    """`path` as written by this run, with the SHA-256 of its bytes then."""

    path: Path
    sha256: str

    @classmethod
    def of(cls, written: Path, path: Path | None = None) -> PinnedFile:
        """Pin the bytes now in `written`; `path` is where they will live (the name after an atomic rename)."""
        return cls(Path(path or written), sha256_of(Path(written).read_bytes()))

    def read(self) -> bytes:
        """The file's bytes, or LessonInputError when they are not the ones this run wrote."""
        try:
            data = self.path.read_bytes()
        except OSError as exc:
            raise LessonInputError(f"Cannot read back {self.path.name}, which this run saved "
                                   f"({exc.strerror or type(exc).__name__}); run the lesson again.") from None
        if sha256_of(data) != self.sha256:
            raise LessonInputError(
                f"{self.path.name} is not the file this run saved (its SHA-256 changed), so it is not "
                f"unpickled with weights_only=False; run the lesson again into a new --out folder."
            )
        return data
