"""`RunContext`: what a lesson's run hook gets — device, seed, folder, console and helpers."""

from __future__ import annotations

import contextlib
import numbers
import os
import re
import shutil
import string
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console, RenderableType
from rich.markup import escape
from rich.measure import Measurement
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from nnlessons import atomic_files, seeding
from nnlessons.layer_table import layer_rows

if TYPE_CHECKING:
    import torch
    from matplotlib.figure import Figure


#: set (to anything) to print a marker line before each step's heading, for tools that split the output
#: by step (the docs site): ``<<nnlessons-step N>>`` on a line of its own, N counting from 1
STEP_MARKERS_ENVVAR = "NNLESSONS_STEP_MARKERS"
STEP_MARKER_PREFIX = "<<nnlessons-step "


def format_number(value: Any) -> str:
    """Numbers for tables: ints with separators, floats to 6 significant digits."""
    if isinstance(value, bool) or not isinstance(value, numbers.Number):
        return str(value)
    if isinstance(value, numbers.Integral):
        return f"{int(value):,}"
    value = float(value)
    if value == 0:
        return "0"
    return f"{value:.6g}"


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Number) and not isinstance(value, bool)


class _EscapingFormatter(string.Formatter):
    """str.format whose substituted values are escaped, so they print literally inside rich markup."""

    def format_field(self, value: Any, format_spec: str) -> str:
        return escape(super().format_field(value, format_spec))


def markup(template: str, *args: Any, **kwargs: Any) -> Text:
    """Rich markup from an author's `template` with the values put in as plain text.

    ``markup("Read [bold]{}[/] rows from {}", 120, path)``: the template's tags style the
    text; the values (file names, user input, exception messages) are escaped, so a value
    like ``points[v2].csv`` or ``[/]`` prints as written instead of being read as markup.
    """
    return Text.from_markup(_EscapingFormatter().format(template, *args, **kwargs))


def _formatted(value: Any, number_format: str | None) -> str:
    """A number as a table shows it: with the column's format spec, else `format_number`."""
    if number_format is None:
        return format_number(value)
    try:
        return format(value, number_format)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"ctx.table: format {number_format!r} does not apply to {value!r} ({exc})") from None


def _cell(value: Any, number_format: str | None = None) -> RenderableType:
    """A table cell: numbers formatted, strings as plain text (never markup), renderables as they are."""
    if value is None:
        return Text("")
    if isinstance(value, str):
        return Text(value)
    if _is_number(value):
        return Text(_formatted(value, number_format))
    if hasattr(value, "__rich_console__") or hasattr(value, "__rich__"):
        return value
    return Text(str(value))


#: A text column may not get narrower than this; a table that would need it is printed one block per row.
MIN_TEXT_COLUMN = 8

#: text that reads as one number: 1,234  -0.5  1e-05  +3  12.5%  nan  -inf (a table right-aligns it, never wraps it)
NUMBER_TEXT = re.compile(r"[+\-−]?(?:(?:\d[\d,_]*(?:\.\d*)?|\.\d+)(?:[eE][+\-]?\d+)?%?|inf|nan)", re.IGNORECASE)


def _looks_like_number(cell: RenderableType) -> bool:
    """Whether a cell (a Text, after formatting) reads as one number, whatever type the lesson passed."""
    return isinstance(cell, Text) and NUMBER_TEXT.fullmatch(cell.plain.strip()) is not None


@dataclass(frozen=True)
class _ColumnLayout:
    """How one column of `ctx.table` is laid out.

    :ivar right: every non-empty cell reads as a number, so the column is right-aligned.
    :ivar whole: the width of its widest cell that must stay on one line (any number, and every
        cell of a no-wrap column); 0 when it has none.
    :ivar solid: every cell must stay on one line (all numbers, or a no-wrap column), so the column
        can be given exactly `whole` columns; a column mixing text and numbers only gets it as a minimum.
    """

    right: bool
    whole: int
    solid: bool = False


def _layout(cells: Sequence[RenderableType], nowrap: bool) -> _ColumnLayout:
    filled = [c for c in cells if not (isinstance(c, Text) and not c.plain.strip())]
    numbers = [c for c in filled if _looks_like_number(c)]
    unbreakable = [c for c in filled if isinstance(c, Text)] if nowrap else numbers
    widest = max((max(len(line) for line in c.plain.splitlines() or [""]) for c in unbreakable), default=0)
    all_numbers = bool(numbers) and len(numbers) == len(filled)
    return _ColumnLayout(right=all_numbers, whole=widest, solid=all_numbers or (nowrap and bool(filled)))


def _number_column_width(name: str, widest: int) -> int:
    """A number column's fixed width: its widest number, or its header's longest word (headers wrap between words)."""
    return max(widest, *(len(word) for word in name.split()), 1)


def _natural_width(console: Console, table: Table) -> int:
    """How wide `table` is when nothing wraps (rich's measurement of it, not capped at the console's width)."""
    return Measurement.get(console, console.options.update_width(10_000), table).maximum


def _columns_fit(columns: Sequence[str], layouts: Sequence[_ColumnLayout], console_width: int) -> bool:
    """Whether solid columns at full width and text columns at MIN_TEXT_COLUMN (or their widest number) fit."""
    content = sum(_number_column_width(name, layout.whole) if layout.solid else max(MIN_TEXT_COLUMN, layout.whole)
                  for name, layout in zip(columns, layouts))
    return content + 3 * len(columns) + 1 <= console_width


def _text_width(cells: Sequence[RenderableType]) -> int:
    """The widest line among a column's text cells."""
    return max((max(len(line) for line in c.plain.splitlines() or [""]) for c in cells if isinstance(c, Text)), default=0)


def _mixed_widths(columns: Sequence[str], body: list[list[RenderableType]], layouts: Sequence[_ColumnLayout],
                  console_width: int) -> list[int | None]:
    """Exact widths for columns mixing text and numbers in a table too wide for the terminal.

    rich would squeeze such a column below its widest number; it gets its natural width, capped
    at an even share of the room the solid columns leave, but never less than its widest number.
    """
    solid = sum(_number_column_width(name, layout.whole) for name, layout in zip(columns, layouts) if layout.solid)
    flexible = [i for i, layout in enumerate(layouts) if not layout.solid]
    room = console_width - solid - 3 * len(columns) - 1
    share = room // max(len(flexible), 1)
    widths: list[int | None] = [None] * len(columns)
    for i in flexible:
        if layouts[i].whole:
            natural = max(_text_width([row[i] for row in body]), len(columns[i]))
            widths[i] = max(layouts[i].whole, min(natural, share))
    return widths


def _columns_table(title: str, columns: Sequence[str], body: list[list[RenderableType]],
                   footer: list[RenderableType] | None, caption: str | None, layouts: Sequence[_ColumnLayout],
                   fixed_widths: Sequence[int | None] | None = None) -> Table:
    """The table as columns: a column with unbreakable cells at least as wide as the widest; `fixed_widths`
    gives some columns an exact width (a table too wide for the terminal)."""
    table = Table(title=_cell(title), caption=_cell(caption), show_footer=footer is not None, title_justify="left")
    for index, (name, layout) in enumerate(zip(columns, layouts)):
        table.add_column(
            name,
            justify="right" if layout.right else "left",
            footer=footer[index] if footer is not None else "",
            min_width=layout.whole or None,
            width=fixed_widths[index] if fixed_widths is not None else None,
            overflow="fold",
        )
    for row in body:
        table.add_row(*row)
    return table


def _records_table(title: str, columns: Sequence[str], body: list[list[RenderableType]],
                   footer: list[RenderableType] | None, caption: str | None, widest: int, console_width: int) -> Table:
    """The table turned sideways for a narrow terminal: one block of 'column  value' lines per row.

    A value wider than the terminal's room for it folds: rich would crop it at the edge.
    """
    table = Table(title=_cell(title), caption=_cell(caption), show_header=False, title_justify="left")
    room = console_width - min(max(map(len, columns), default=0), MIN_TEXT_COLUMN) - 7  # borders and padding
    table.add_column(overflow="fold", style="bold")
    table.add_column(overflow="fold", min_width=min(widest, max(room, 1)) or None)
    for row in body + ([footer] if footer is not None else []):
        for index, (name, value) in enumerate(zip(columns, row)):
            table.add_row(Text(name), value, end_section=index == len(columns) - 1)
    return table


def print_rule(console: Console, title: Text) -> None:
    """A rule with `title`; a title too long for the terminal goes whole under a plain rule (a rule would cut it)."""
    if title.cell_len <= console.width - 4:  # rich's rule keeps 4 columns for its ends and spaces
        console.rule(title)
    else:
        console.rule()
        console.print(title)


class Params(Mapping[str, Any]):
    """The lesson's option values, readable as ``ctx.params.lr`` or ``ctx.params["lr"]``.

    A read-only mapping from each [`Option`][nnlessons.lesson_info.Option]'s name to its value,
    already of the option's type (``int``, ``float``, ``str``, ``bool``, ``pathlib.Path``, or
    ``None`` for an option left unset), within its bounds, and the ``--quick`` value under
    ``--quick`` unless the user gave one. ``dict(ctx.params)`` copies it. A name the lesson
    did not declare raises ``AttributeError`` (``KeyError`` with brackets). To change a
    value once the run has started, use
    [`adjust_param`][nnlessons.run_context.RunContext.adjust_param]: run.json then records it.
    """

    def __init__(self, values: Mapping[str, Any]) -> None:
        self._values = dict(values)

    def __getattr__(self, name: str) -> Any:
        try:
            return self._values[name]
        except KeyError:
            raise AttributeError(f"lesson has no option {name!r}") from None

    def __getitem__(self, name: str) -> Any:
        return self._values[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Params({self._values!r})"

    def _use(self, name: str, value: Any) -> None:
        """Replace one value in place (for `RunContext.adjust_param`): holders of this object see it too."""
        if name not in self._values:
            raise KeyError(f"lesson has no option {name!r}")
        self._values[name] = value


class ProgressTask:
    """One progress bar, from [`ctx.progress`][nnlessons.run_context.RunContext.progress].

    `advance` it once per step, optionally with a few numbers to show beside the bar::

        with ctx.progress(epochs, "epochs") as bar:
            for epoch in range(epochs):
                ...
                bar.advance(loss=loss.item(), acc=accuracy)

    When progress is off (``--quiet``, or output that is not a terminal) it does nothing.
    """

    def __init__(self, progress: Progress | None, task_id: Any) -> None:
        self._progress = progress
        self._task_id = task_id

    def advance(self, steps: int = 1, **fields: float) -> None:
        """Move the bar `steps` steps on and show `fields` beside it.

        Each field prints as ``name value``, two spaces apart, in the order given; they
        replace the fields of the previous call. Numbers are shown by
        [`format_number`][nnlessons.run_context.format_number] (``0.123457``, ``12,345``,
        ``1e-05``); anything else as ``str(value)``, as plain text (never markup). The bar's
        line is as wide as the terminal: keep to two or three short fields (``loss=``,
        ``acc=``) so they fit 80 columns.
        """
        if self._progress is None:
            return
        status = "  ".join(f"{k} {format_number(v)}" for k, v in fields.items())  # shown without markup
        self._progress.update(self._task_id, advance=steps, status=status)


@dataclass
class RunContext:
    """Everything a lesson's run hook needs.

    :ivar lesson_id: the id of the lesson being run.
    :ivar device: the torch.device every tensor and module must live on.
    :ivar seed: the seed the runner already applied to random, numpy and torch.
    :ivar out_dir: the run's output folder (exists and is writable).
    :ivar params: the lesson's option values (``ctx.params.lr``).
    :ivar quick: True under ``--quick``: the smallest run that still shows everything.
    :ivar console: a rich Console for the lesson's text and tables. Its markup is off:
        ``ctx.console.print(text)`` prints `text` exactly as written, square brackets
        included. For styled text use [`say`][nnlessons.run_context.RunContext.say].
    :ivar show_progress: False when output is not a terminal or with ``--quiet``.
    :ivar artifacts: files the run saved, in order (filled by the helpers).
    :ivar timings: measured wall-clock times (seconds, throughputs) for run.json's
        ``timings`` section. They differ from run to run, so they are kept apart from
        the metrics, which the same seed on the same device must reproduce exactly.
    :ivar clock: the clock a lesson reads for timings and time budgets
        (``time.perf_counter``); tests replace it with a fake one.
    :ivar steps: the run's steps, one per `heading`, in order: ``{"title": ..., "artifacts":
        [files saved during the step]}``; run.json records them, and the docs site shows each
        step's output under its own heading with its plots right after it.
    :ivar captions: a caption for each figure that has one (from `save_figure`).
    :ivar params_adjusted: options whose value the run changed with
        [`adjust_param`][nnlessons.run_context.RunContext.adjust_param]:
        ``{name: {"asked": ..., "used": ..., "reason": ...}}``; run.json records them.
    """

    lesson_id: str
    device: torch.device
    seed: int
    out_dir: Path
    params: Params
    quick: bool = False
    console: Console = field(default_factory=Console)
    show_progress: bool = True
    artifacts: list[Path] = field(default_factory=list)
    timings: dict[str, Any] = field(default_factory=dict)
    clock: Callable[[], float] = time.perf_counter
    steps: list[dict[str, Any]] = field(default_factory=list)
    captions: dict[Path, str] = field(default_factory=dict)
    params_adjusted: dict[str, dict[str, Any]] = field(default_factory=dict)
    _scratch: list[Path] = field(default_factory=list, repr=False)
    _live_progress: Progress | None = field(default=None, repr=False)  # the bar on screen, for bars inside it

    # ---- text -----------------------------------------------------------------------------
    def heading(self, text: str) -> None:
        """A section rule with a title, to split the lesson's output into steps (plain text).

        A title too long for the terminal goes whole under a plain rule: a rule would cut it with "…".
        """
        self.steps.append({"title": text, "artifacts": []})
        if os.environ.get(STEP_MARKERS_ENVVAR):
            self.console.print(Text(f"{STEP_MARKER_PREFIX}{len(self.steps)}>>"), soft_wrap=True)
        print_rule(self.console, Text(text, style="bold"))

    def say(self, template: str, *args: Any, **kwargs: Any) -> None:
        """Print styled text: `template` is rich markup, the values are put in as plain text.

        ``ctx.say("[yellow]{}:[/] lr {:g} is too large", label, lr)``; see
        [`markup`][nnlessons.run_context.markup].
        """
        self.console.print(markup(template, *args, **kwargs))

    def adjust_param(self, name: str, value: Any, reason: str) -> None:
        """Use `value` for option `name` instead of what was asked, and say so in one line.

        For a value the run can only check once it has started: ``--train-images 60000`` when
        the data holds 8,000 images. ``ctx.params`` then holds the used value, run.json's
        ``params`` and its re-run command carry it, ``params_adjusted`` keeps what was asked,
        and the run prints one line now and the changed setting again at its end.
        Setting the value that was asked changes nothing and prints nothing.

        :param reason: why, in a few words: "the training data holds 8,000 images".
        """
        asked = self.params[name]
        if value == asked:
            return
        self.params._use(name, value)
        self.params_adjusted[name] = {"asked": asked, "used": value, "reason": reason}
        flag = "--" + name.replace("_", "-")
        self.console.print(Text(f"{flag}: {format_number(asked)} asked, {format_number(value)} used: {reason}.",
                                style="yellow"))

    def table(
        self,
        title: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        caption: str | None = None,
        footer: Sequence[Any] | None = None,
        formats: Mapping[str, str] | None = None,
        nowrap: Sequence[str] = (),
    ) -> Table:
        """Print a table; columns whose cells all read as numbers are right-aligned.

        Numbers are shown by [`format_number`][nnlessons.run_context.format_number] (ints
        with thousands separators, floats to 6 significant digits) unless `formats` names
        their column. Cells are plain text: a string prints exactly as written, square
        brackets included; a string that reads as a number (``"1,234"``, ``"-0.5"``,
        ``"1e-05"``, ``"12.5%"``) counts as one. For a styled cell pass a
        ``rich.text.Text`` (e.g. ``markup("[green]ok")``).

        Numbers are never cut: a column is at least as wide as its widest number, and text
        columns wrap when the terminal is narrow; where even the number columns do not fit
        side by side, the table prints one block of "column  value" lines per row. To keep
        an 80-column table on one line per row, round with `formats` and keep text short.

        :param footer: an optional last row (totals), printed below a line.
        :param formats: column name -> a format spec for that column's numbers, as in
            ``format(value, spec)``: ``{"loss": ".3g", "lr": ".0e", "share": ".1%"}``.
        :param nowrap: names of text columns whose cells must stay on one line (ids, file
            names), like numbers: the column is as wide as its widest cell.
        :raises ValueError: `formats` or `nowrap` names no column, or a spec does not apply
            to a value (a mistake in the lesson, not in the user's input).
        """
        formats = dict(formats or {})
        unknown = sorted((set(formats) | set(nowrap)) - set(columns))
        if unknown:
            raise ValueError(f"ctx.table: formats/nowrap name no column: {unknown} (columns: {list(columns)})")
        specs = [formats.get(name) for name in columns]
        body = [[_cell(value, spec) for value, spec in zip(row, specs)] for row in rows]
        last = [_cell(value, spec) for value, spec in zip(footer, specs)] if footer is not None else None
        layouts = [_layout([row[i] for row in body] + ([last[i]] if last is not None else []), name in nowrap)
                   for i, name in enumerate(columns)]
        table = _columns_table(title, columns, body, last, caption, layouts)
        if _natural_width(self.console, table) > self.console.width:
            # Too wide: rich would shrink every column, then widen the number columns back to their
            # numbers and crop the lines at the terminal's edge. Number columns get exactly their
            # width instead and only text wraps; when even that does not fit, one block per row.
            exact = [_number_column_width(name, layout.whole) if layout.solid and layout.whole else mixed
                     for name, layout, mixed in zip(columns, layouts, _mixed_widths(columns, body, layouts, self.console.width))]
            table = (_columns_table(title, columns, body, last, caption, layouts, exact)
                     if _columns_fit(columns, layouts, self.console.width)
                     else _records_table(title, columns, body, last, caption,
                                         max((layout.whole for layout in layouts), default=0), self.console.width))
        self.console.print(table)
        return table

    def layer_table(self, model: torch.nn.Module, example_input: torch.Tensor, title: str) -> int:
        """Print each layer's output shape and parameter count with totals (like torchinfo).

        :return: the model's total parameter count.
        """
        rows = layer_rows(model, example_input)
        total = sum(p.numel() for p in model.parameters())
        trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
        self.table(
            title,
            ["layer", "type", "output shape", "parameters"],
            [(r.name, r.kind, r.output_shape, r.params) for r in rows],
            footer=["total", "", f"input {list(example_input.shape)}", total],
            caption=f"trainable parameters: {trainable:,}",
        )
        return total

    # ---- files ----------------------------------------------------------------------------
    def path(self, name: str) -> Path:
        """A path inside the output folder; record it as an artifact once written with `add_artifact`."""
        return self.out_dir / name

    def add_artifact(self, path: Path | str) -> Path:
        """Record a file the lesson wrote, so run.json lists it and the run prints it."""
        path = Path(path)
        if path not in self.artifacts:
            self.artifacts.append(path)
            if self.steps:
                self.steps[-1]["artifacts"].append(path)
        return path

    def save_figure(self, fig: Figure, name: str, dpi: int = 110, caption: str | None = None) -> Path:
        """Save a matplotlib Figure as PNG in the output folder and record it.

        Build figures with ``matplotlib.figure.Figure()`` (no pyplot, no GUI backend).
        The file is written under a temporary name and renamed, so an interrupted run
        never leaves half a PNG.

        :param caption: one or two sentences saying what the figure shows and what to look
            at; run.json records it and the docs site prints it under the figure.
        """
        if not name.endswith(".png"):
            name += ".png"
        with self.writing(name) as tmp:
            fig.savefig(tmp, dpi=dpi, bbox_inches="tight", format="png")
        if caption:
            self.captions[self.path(name)] = caption
        return self.path(name)

    @contextlib.contextmanager
    def writing(self, name: str) -> Iterator[Path]:
        """Write a file of the output folder safely and record it as an artifact.

        Yields a temporary path in the output folder; when the block ends without an
        error the file is renamed to `name` (an interruption leaves no partial file)::

            with ctx.writing("model.pt") as tmp:
                torch.save(model.state_dict(), tmp)
        """
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_files.atomic_path(path) as tmp:
            yield tmp
        self.add_artifact(path)

    def write_text(self, name: str, text: str) -> Path:
        """Write a text file into the output folder (atomically) and record it."""
        with self.writing(name) as tmp:
            tmp.write_text(text, encoding="utf-8")
        return self.path(name)

    def scratch_dir(self) -> Path:
        """A new empty folder of the run's own, outside the output folder, removed when the run ends.

        For files a lesson makes only to read them back (an ImageFolder tree, say): nothing
        of the user's is ever in it, so the run may fill and delete it freely.
        """
        folder = Path(tempfile.mkdtemp(prefix=f"nnlessons-{self.lesson_id}-"))
        self._scratch.append(folder)
        return folder

    def remove_scratch(self) -> None:
        """Delete the folders `scratch_dir` made (the runner calls this when the run ends)."""
        while self._scratch:
            shutil.rmtree(self._scratch.pop(), ignore_errors=True)

    # ---- randomness and progress ----------------------------------------------------------
    def generator(self, offset: int = 0) -> torch.Generator:
        """A torch.Generator on the CPU seeded with ``seed + offset``, for data and shuffles."""
        import torch

        return torch.Generator().manual_seed(self.seed + offset)

    def seeded(self, offset: int = 0) -> contextlib.AbstractContextManager[None]:
        """A block in which models get the same starting weights every time: seed ``seed + offset``.

        Inside the block torch's CPU random generator starts from ``seed + offset``; after it,
        the generator is back where it was, so nothing else the run draws changes. Build each
        model in a block of its own, on the CPU, then move it to ``ctx.device``: two models
        built with the same offset start identical (to compare optimizers, or train and eval
        settings, fairly), and the same seed gives the same weights on every run::

            def fresh_net():
                with ctx.seeded(1):
                    return Net().to(ctx.device)

            sgd_net, adam_net = fresh_net(), fresh_net()  # identical starting weights

        The weights come from PyTorch's own initialisation for every kind of layer. Two
        models built in one block differ (the second continues the first's random numbers).
        See [`nnlessons.seeding.seeded`][nnlessons.seeding.seeded], the same without a run.
        """
        return seeding.seeded(self.seed + offset)

    @contextlib.contextmanager
    def progress(self, total: int, description: str) -> Iterator[ProgressTask]:
        """A progress bar for `total` steps; silent when progress is off.

        Bars in a row are fine: each stays on screen, complete, when its block ends. A bar
        opened inside another's block (batches inside epochs) shows under it while its block
        runs and goes away when the block ends, leaving the outer bar; see
        [`ProgressTask.advance`][nnlessons.run_context.ProgressTask.advance] for the fields.
        """
        if not self.show_progress:
            yield ProgressTask(None, None)
            return
        if self._live_progress is not None:  # a second live display would leave stale lines: share the outer one
            task_id = self._live_progress.add_task(description, total=total, status="")
            try:
                yield ProgressTask(self._live_progress, task_id)
            finally:
                self._live_progress.remove_task(task_id)
            return
        progress = Progress(
            TextColumn("{task.description}", style="bold", markup=False),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[status]}", markup=False),
            console=self.console,
            transient=False,
        )
        with progress:
            task_id = progress.add_task(description, total=total, status="")
            self._live_progress = progress
            try:
                yield ProgressTask(progress, task_id)
            finally:
                self._live_progress = None
