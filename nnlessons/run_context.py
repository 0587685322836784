"""`RunContext`: what a lesson's run hook gets — device, seed, folder, console and helpers."""

from __future__ import annotations

import contextlib
import numbers
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from nnlessons.layer_table import layer_rows

if TYPE_CHECKING:
    import torch
    from matplotlib.figure import Figure


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


class Params(Mapping[str, Any]):
    """The lesson's option values, readable as ``ctx.params.lr`` or ``ctx.params["lr"]``."""

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


class ProgressTask:
    """One progress bar; `advance` it once per step, optionally with the current loss."""

    def __init__(self, progress: Progress | None, task_id: Any) -> None:
        self._progress = progress
        self._task_id = task_id

    def advance(self, steps: int = 1, **fields: float) -> None:
        if self._progress is None:
            return
        status = "  ".join(f"{k} {format_number(v)}" for k, v in fields.items())
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
    :ivar console: a rich Console for the lesson's text and tables.
    :ivar show_progress: False when output is not a terminal or with ``--quiet``.
    :ivar artifacts: files the run saved, in order (filled by the helpers).
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

    # ---- text -----------------------------------------------------------------------------
    def heading(self, text: str) -> None:
        """A section rule with a title, to split the lesson's output into steps."""
        self.console.rule(f"[bold]{text}")

    def table(
        self,
        title: str,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        caption: str | None = None,
        footer: Sequence[Any] | None = None,
    ) -> Table:
        """Print a table; columns whose values are all numbers are right-aligned.

        String cells are rich markup (``"[green]ok[/]"``); pass text containing square
        brackets through ``rich.markup.escape`` first.

        :param footer: an optional last row (totals), printed below a line.
        """
        body = [list(row) for row in rows]
        table = Table(title=title, caption=caption, show_footer=footer is not None, title_justify="left")
        for index, name in enumerate(columns):
            values = [row[index] for row in body] + ([footer[index]] if footer is not None else [])
            numeric = bool(values) and all(_is_number(v) or v in ("", None) for v in values)
            table.add_column(
                name,
                justify="right" if numeric else "left",
                footer=format_number(footer[index]) if footer is not None else "",
            )
        for row in body:
            table.add_row(*(format_number(v) if v is not None else "" for v in row))
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
        return path

    def save_figure(self, fig: Figure, name: str, dpi: int = 110) -> Path:
        """Save a matplotlib Figure as PNG in the output folder and record it.

        Build figures with ``matplotlib.figure.Figure()`` (no pyplot, no GUI backend).
        """
        if not name.endswith(".png"):
            name += ".png"
        path = self.path(name)
        fig.savefig(path, dpi=dpi, bbox_inches="tight")
        return self.add_artifact(path)

    # ---- randomness and progress ----------------------------------------------------------
    def generator(self, offset: int = 0) -> torch.Generator:
        """A torch.Generator on the CPU seeded with ``seed + offset``, for data and shuffles."""
        import torch

        return torch.Generator().manual_seed(self.seed + offset)

    @contextlib.contextmanager
    def progress(self, total: int, description: str) -> Iterator[ProgressTask]:
        """A progress bar for `total` steps; silent when progress is off."""
        if not self.show_progress:
            yield ProgressTask(None, None)
            return
        progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("{task.fields[status]}"),
            console=self.console,
            transient=False,
        )
        with progress:
            task_id = progress.add_task(description, total=total, status="")
            yield ProgressTask(progress, task_id)
