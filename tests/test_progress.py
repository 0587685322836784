"""`ctx.progress`: the fields beside a bar, bars in a row, and a bar inside another."""

from __future__ import annotations

import io
from pathlib import Path

import torch
from rich.console import Console

from nnlessons.run_context import Params, RunContext

HIDE_CURSOR = "\x1b[?25l"  # rich prints it once per live display it starts


def terminal_context(show_progress: bool = True) -> tuple[RunContext, io.StringIO]:
    text = io.StringIO()
    console = Console(file=text, force_terminal=True, width=100, color_system=None)
    ctx = RunContext(lesson_id="progress", device=torch.device("cpu"), seed=0, out_dir=Path("."), params=Params({}),
                     console=console, show_progress=show_progress)
    return ctx, text


def test_fields_are_name_value_pairs_with_numbers_as_in_tables():
    ctx, text = terminal_context()
    with ctx.progress(2, "steps") as bar:
        bar.advance(loss=9.0)
        bar.advance(loss=0.123456789, n=12345, lr=1e-5, note="[bold]n/a")
    output = text.getvalue()
    assert "2/2" in output
    assert "loss 0.123457  n 12,345  lr 1e-05  note [bold]n/a" in output  # in order, plain text
    last_frame = output.rsplit("\r", 1)[-1]
    assert "loss 9" not in last_frame and "note [bold]n/a" in last_frame  # the last call's fields replace the first's


def test_bars_in_a_row_each_stay_complete():
    ctx, text = terminal_context()
    for name in ("epochs", "batches"):
        with ctx.progress(3, name) as bar:
            for _ in range(3):
                bar.advance(loss=0.5)
    lines = [line for line in text.getvalue().splitlines() if "3/3" in line]
    assert any(line.split("\r")[-1].lstrip("\x1b[2K").startswith("epochs") for line in lines)
    assert any("batches" in line for line in lines)
    assert text.getvalue().count(HIDE_CURSOR) == 2


def test_a_bar_inside_another_shares_its_display_and_goes_away():
    ctx, text = terminal_context()
    with ctx.progress(2, "epochs") as epochs:
        for epoch in range(2):
            with ctx.progress(3, f"batches of epoch {epoch}") as batches:
                for _ in range(3):
                    batches.advance(loss=0.25)
            epochs.advance(acc=0.9)
        with ctx.progress(1, "after") as later:  # the inner bars' blocks ended: a new inner bar works too
            later.advance()
    output = text.getvalue()
    assert output.count(HIDE_CURSOR) == 1  # one live display: nested ones used to leave stale lines behind
    assert "batches of epoch 1" in output and "2/2" in output
    last_frame = output.rsplit("\x1b[1A", 1)[-1]  # what is on screen at the end
    assert "epochs" in last_frame and "batches" not in last_frame
    with ctx.progress(1, "next") as bar:  # a later top-level bar gets its own display
        bar.advance()
    assert text.getvalue().count(HIDE_CURSOR) == 2


def test_progress_off_prints_nothing():
    ctx, text = terminal_context(show_progress=False)
    with ctx.progress(3, "steps") as bar:
        with ctx.progress(2, "inner") as inner:
            inner.advance(loss=1.0)
        bar.advance(loss=1.0)
    assert text.getvalue() == ""
