"""Write files so that nobody ever sees half of one: write a temporary name in the same folder, then rename.

A rename within one folder is atomic: the file under its real name is either the old
one, or absent, or the complete new one. An interrupted write (Ctrl-C, SIGTERM, a full
disk, a crash in the writer) removes the temporary file and leaves the real name as it was.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path next to `path`; on success it is renamed to `path`.

    The temporary name ends in the file's own suffix (``.name.XXXX.part.png``), so writers
    that look at the extension (matplotlib, PIL) still pick the right format::

        with atomic_path(folder / "model.pt") as tmp:
            torch.save(state, tmp)
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}", dir=path.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; give the file the usual permissions
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def write_text(path: Path | str, text: str, encoding: str = "utf-8") -> Path:
    """Write `text` to `path` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_text(text, encoding=encoding)
    return Path(path)


def write_bytes(path: Path | str, data: bytes) -> Path:
    """Write `data` to `path` atomically and return the path."""
    with atomic_path(path) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def create_text(path: Path | str, text: str, encoding: str = "utf-8") -> bool:
    """Write a new file atomically, but never replace one that exists: return False if `path` exists.

    The complete file is linked into place (``os.link`` fails if the name is taken), so a file
    someone else made or edited is never overwritten, even one that appears meanwhile.
    """
    path = Path(path)
    fd, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}", dir=path.parent)
    tmp = Path(name)
    try:
        with os.fdopen(fd, "w", encoding=encoding) as handle:
            handle.write(text)
        os.chmod(tmp, 0o666 & ~_umask())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        return True
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()
