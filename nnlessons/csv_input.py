"""Read a user's numeric CSV file or raise LessonInputError with one bounded sentence.

A lesson that takes a ``--csv`` option reads the file with `read_csv` and then checks
only its own rules (labels 0/1, enough rows, real dates)::

    from nnlessons.csv_input import given_path, read_csv

    path = given_path(ctx.params.csv)  # None for "" or a missing option: use generated data
    if path is not None:
        table = read_csv(path, columns=("x1", "x2", "label"),
                         expect="a CSV with a header x1,x2,label and one point per row")
        x1 = table.column("x1")  # list of floats, one per data row

Every problem is a `LessonInputError` (exit code 2, no traceback) whose message is one
line of bounded length: a missing file, a folder, unreadable or non-UTF-8 bytes, an
empty file, a line longer than `MAX_LINE_BYTES` or a field longer than the csv module's
field limit (the file "looks wrong"), missing or repeated columns, rows of the wrong
width, empty or non-numeric cells, and numbers outside float32's finite range (``nan``,
``inf``, ``1e39``), which no float32 model can use. Whatever the message quotes of the
file is cut to `EXCERPT_CHARS` characters.

Nothing here imports torch, numpy or pandas, so a lesson may call it from its
``nnlessons_check_params`` hook and refuse a bad file before any folder is made.
"""

from __future__ import annotations

import codecs
import csv
import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from nnlessons.errors import LessonInputError

#: The largest finite float32 value; a value beyond it becomes inf in a float32 tensor.
FLOAT32_MAX = 3.4028234663852886e38
#: Longest line read (1 MiB). A real data line is far shorter; one this long means the file is not the CSV meant.
MAX_LINE_BYTES = 1 << 20
#: Most characters of the file's own text that a message quotes.
EXCERPT_CHARS = 40
#: Most characters of a path that a message quotes (longer ones keep their start and end).
PATH_CHARS = 120


@dataclass(frozen=True)
class CsvTable:
    """The rows of a CSV file that `read_csv` accepted.

    :ivar path: the file read.
    :ivar names: the kept columns' names, in the order of the ``columns`` asked for (the
        header's names, or ``"1"``, ``"2"``, ... without a header, when all columns are kept).
    :ivar rows: one tuple per data row in the kept columns' order: floats, and strings
        for ``text_columns``.
    :ivar line_numbers: the file line each row starts on, for the lesson's own messages.
    :ivar has_header: whether the file's first line was a header.
    """

    path: Path
    names: tuple[str, ...]
    rows: tuple[tuple[float | str, ...], ...]
    line_numbers: tuple[int, ...]
    has_header: bool

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[float | str]:
        """Every row's value in column `name` (KeyError if it was not kept)."""
        if name not in self.names:
            raise KeyError(name)
        index = self.names.index(name)
        return [row[index] for row in self.rows]


def given_path(value: str | Path | None) -> Path | None:
    """The file a ``--csv``-style option names, or None when it names none.

    None, ``""`` and blank text all mean "no file" (the lesson uses its generated data),
    so a ``str`` option behaves like a ``Path`` option, whose ``''`` the CLI turns into
    its default. ``~`` is expanded.
    """
    if value is None or not str(value).strip():
        return None
    return Path(value).expanduser()


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    """`text` quoted for a message: at most `limit` characters, escapes for newlines and control characters."""
    cut = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(cut)


def shown_path(path: Path | str) -> str:
    """A path for a message, quoted; a very long one keeps its start and its end."""
    text = str(path)
    if len(text) > PATH_CHARS:
        text = text[:40] + "…" + text[-(PATH_CHARS - 41):]
    return "'" + text + "'"


def read_csv(
    path: Path | str,
    *,
    expect: str,
    columns: Sequence[str] | None = None,
    text_columns: Sequence[str] = (),
    header: bool | None = True,
    min_rows: int = 1,
    option: str = "--csv",
) -> CsvTable:
    """Read the numeric CSV at `path`, or raise LessonInputError with one sentence.

    :param expect: what a right file is; each message ends ``--csv needs <expect>``:
        ``"a CSV with a header x1,x2,label and one point per row"``.
    :param columns: the columns to keep, found by their header names (the header is then
        required; other columns are ignored, whatever they hold). None keeps every column.
    :param text_columns: columns of `columns` kept as text (stripped), not numbers.
    :param header: True: the first line is a header. None: it is a header if any of its
        cells is not a number. False: there is none. Ignored when `columns` is given.
    :param min_rows: fewest data rows accepted.
    :param option: the option that named the file, for the messages.
    """
    path = Path(path)
    right = f"{option} needs {expect}"
    lines = list(_records(path, right))
    first_cells = lines[0][1] if lines else []
    has_header = columns is not None or header is True or (header is None and not all(_is_number(c) for c in first_cells))
    head = [cell.strip() for cell in first_cells] if has_header else None
    body = lines[1:] if has_header else lines
    if not body:
        what = "a header but no data rows" if lines else "no data rows, only blank lines"
        raise LessonInputError(f"CSV file {shown_path(path)} has {what}; {right}.")
    width = len(head) if head is not None else len(first_cells)
    names, picked = _pick_columns(path, head, width, columns, right)
    texts = set(text_columns)
    rows = []
    for number, cells in body:
        if len(cells) != width:
            first = "the header" if has_header else "the first line"
            raise LessonInputError(f"Line {number} of {shown_path(path)} has {len(cells)} cells but {first} has {width}; "
                                   f"every row needs the same columns ({right}).")
        rows.append(tuple(cells[i].strip() if names[k] in texts else _number(path, number, head, i, cells[i], right)
                          for k, i in enumerate(picked)))
    if len(rows) < min_rows:
        raise LessonInputError(f"CSV file {shown_path(path)} has {len(rows)} data row(s); the lesson needs at least {min_rows} ({right}).")
    return CsvTable(path, tuple(names), tuple(rows), tuple(n for n, _ in body), has_header)


# ---- reading lines ------------------------------------------------------------------------


def _records(path: Path, right: str) -> Iterator[tuple[int, list[str]]]:
    """(first line number, cells) of every non-blank CSV record, each line read with a cap on its length."""
    handle = _open(path, right)
    with handle:
        lines = _decoded_lines(handle, path, right)
        reader = csv.reader(lines)
        done = 0  # lines the reader has consumed so far
        try:
            for cells in reader:
                start, done = done + 1, reader.line_num
                if any(cell.strip() for cell in cells):
                    yield start, cells
        except csv.Error as exc:
            line = reader.line_num
            if "field larger than field limit" in str(exc):
                raise LessonInputError(
                    f"Line {line} of {shown_path(path)} has a field over {csv.field_size_limit():,} characters "
                    f"(csv's limit), so the file looks wrong; {right}.") from None
            raise LessonInputError(f"Line {line} of {shown_path(path)} is not valid CSV ({excerpt(str(exc), 60)}); {right}.") from None
        if done == 0:
            raise LessonInputError(f"CSV file {shown_path(path)} is empty; {right}.")


def _open(path: Path, right: str):  # noqa: ANN202 - a binary file object
    if path.is_dir():
        raise LessonInputError(f"{shown_path(path)} is a folder, not a file; {right}.")
    if not path.exists():
        raise LessonInputError(f"CSV file {shown_path(path)} does not exist; {right}.")
    try:
        return path.open("rb")
    except OSError as exc:
        raise LessonInputError(f"Cannot read {shown_path(path)} ({exc.strerror or type(exc).__name__}); {right}.") from None


def _decoded_lines(handle, path: Path, right: str) -> Iterator[str]:  # noqa: ANN001 - a binary file object
    """The file's lines as text, never reading more than MAX_LINE_BYTES of one line."""
    number = 0
    while True:
        raw = handle.readline(MAX_LINE_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
            start = raw[:EXCERPT_CHARS * 4].decode("utf-8", errors="replace")
            raise LessonInputError(
                f"Line {number} of {shown_path(path)} is longer than {MAX_LINE_BYTES // (1 << 20)} MiB "
                f"(it starts {excerpt(start)}), so the file looks wrong; {right}.")
        if number == 1 and raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]  # the mark some spreadsheet programs put first
        try:
            yield raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise LessonInputError(
                f"Line {number} of {shown_path(path)} is not UTF-8 text (byte 0x{raw[exc.start]:02x} at position {exc.start + 1}); "
                f"save it as UTF-8 ({right}).") from None


# ---- columns and cells --------------------------------------------------------------------


def _pick_columns(path: Path, head: list[str] | None, width: int, columns: Sequence[str] | None,
                  right: str) -> tuple[list[str], list[int]]:
    """The kept columns' names and their positions in a row."""
    if columns is None:
        names = head if head is not None else [str(i + 1) for i in range(width)]
        return list(names), list(range(width))
    assert head is not None  # columns are found by name, so the header is required
    repeated = next((name for name in columns if head.count(name) > 1), None)
    if repeated is not None:
        raise LessonInputError(f"The header of {shown_path(path)} names the column {repeated} more than once; "
                               f"give each column one name ({right}).")
    missing = [name for name in columns if name not in head]
    if missing:
        raise LessonInputError(f"CSV file {shown_path(path)} lacks the column(s) {', '.join(missing)} "
                               f"(its first line has {_listed(head)}); {right}.")
    return list(columns), [head.index(name) for name in columns]


def _listed(names: list[str]) -> str:
    """The first few header names, quoted, within about EXCERPT_CHARS characters, then "and N more"."""
    shown: list[str] = []
    for name in names:
        quoted = excerpt(name, 20)
        if shown and sum(len(s) + 2 for s in shown) + len(quoted) > EXCERPT_CHARS:
            break
        shown.append(quoted)
    rest = len(names) - len(shown)
    return (", ".join(shown) or "nothing") + (f" and {rest} more" if rest else "")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _number(path: Path, line: int, head: list[str] | None, index: int, cell: str, right: str) -> float:
    """The cell as a float that float32 holds finitely, or LessonInputError naming line and column."""
    column = f"column {index + 1}" if head is None else f"column {excerpt(head[index], 20)}"
    where = f"Line {line}, {column} of {shown_path(path)}"
    if not cell.strip():
        raise LessonInputError(f"{where} is empty; every row needs a number there ({right}).")
    try:
        value = float(cell)
    except ValueError:
        raise LessonInputError(f"{where} holds {excerpt(cell.strip())}, which is not a number; {right}.") from None
    if not (math.isfinite(value) and abs(value) <= FLOAT32_MAX):
        raise LessonInputError(f"{where} holds {excerpt(cell.strip())}, which is not a finite number in float32's range "
                               f"(±3.4e38); {right}.")
    return value
