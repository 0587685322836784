"""Every figure a bundled lesson saves has a caption and can be read at the docs column width.

The docs site shows a PNG at most about 750 px wide (its text column at 100% zoom); a wider PNG
is shrunk, and so is its text. Each lesson runs --quick here while every text matplotlib draws
during ``ctx.save_figure`` is recorded, so the test sees the real font sizes, tick labels included.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib.text
import pytest
import torch
from matplotlib.figure import Figure
from mnist_fixtures import write_tiny_mnist
from PIL import Image

from nnlessons.run_context import RunContext
from nnlessons.testing.lesson_runs import LessonRun

COLUMN_PX = 750  # the docs column at 100% zoom
MAX_WIDTH_PX = 1100  # so a figure is shrunk at most ~1.5x in the column
MIN_POINTS = 8  # no text smaller than this, whatever the figure's width
MIN_SHOWN_PX = 9.0  # the smallest text's font size once the PNG is shrunk to the column

#: Each bundled lesson and whether it needs MNIST (then it runs on tiny IDX files).
BUNDLED = {"manual-grad": False, "gd-variants": False, "optimizers": False, "dataset-dataloader": False,
           "classification": False, "save-load": False, "cnn-shapes": False, "mnist-mlp": True, "lstm-mnist": True,
           "cnn-mnist": True, "generalization": True}


@dataclass
class SavedFigure:
    """What one ``save_figure`` call drew: its file name, dpi and every text's (size in points, string)."""

    name: str
    dpi: int
    texts: list[tuple[float, str]] = field(default_factory=list)

    def smallest(self) -> tuple[float, str]:
        return min(self.texts)


@pytest.fixture
def saved_figures(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[SavedFigure]]:
    """The figures saved during the test, each with the texts matplotlib drew while saving it."""
    figures: list[SavedFigure] = []
    drawing: list[SavedFigure] = []  # the figure being saved now, if any
    save_figure, draw_text = RunContext.save_figure, matplotlib.text.Text.draw

    def recording_save(self: RunContext, fig: Figure, name: str, dpi: int = 110, caption: str | None = None) -> Path:
        drawing.append(SavedFigure(Path(name).with_suffix(".png").name, dpi))
        try:
            return save_figure(self, fig, name, dpi=dpi, caption=caption)
        finally:
            figures.append(drawing.pop())

    def recording_draw(self: matplotlib.text.Text, renderer: Any) -> None:
        draw_text(self, renderer)
        if drawing and self.get_visible() and self.get_text().strip():
            drawing[-1].texts.append((float(self.get_fontsize()), self.get_text()))

    monkeypatch.setattr(RunContext, "save_figure", recording_save)
    monkeypatch.setattr(matplotlib.text.Text, "draw", recording_draw)
    yield figures


@pytest.fixture(scope="module")
def mnist_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_tiny_mnist(tmp_path_factory.mktemp("mnist") / "data", n_train=200, n_test=60)


def shown_px(points: float, dpi: int, width_px: int) -> float:
    """The height in screen pixels of a `points` font in a PNG `width_px` wide shown in the column."""
    return points * dpi / 72 * min(1.0, COLUMN_PX / width_px)


def figure_problems(figure: SavedFigure, folder: Path, captions: dict[str, str]) -> list[str]:
    """What keeps one saved figure from being read in the docs column (nothing when it is fine)."""
    problems = []
    if len(captions.get(figure.name, "").strip()) < 20:
        problems.append("has no caption in run.json")
    width = Image.open(folder / figure.name).size[0]
    if width > MAX_WIDTH_PX:
        problems.append(f"is {width} px wide at dpi {figure.dpi} (at most {MAX_WIDTH_PX})")
    points, text = figure.smallest()
    if points < MIN_POINTS:
        problems.append(f"draws {text!r} at {points:g} pt (at least {MIN_POINTS})")
    if (px := shown_px(points, figure.dpi, width)) < MIN_SHOWN_PX:
        problems.append(f"shows {text!r} {px:.1f} px high in a {COLUMN_PX}-px column (at least {MIN_SHOWN_PX:g})")
    return [f"{figure.name} {problem}" for problem in problems]


@pytest.mark.parametrize("lesson_id", sorted(BUNDLED))
def test_every_figure_has_a_caption_and_readable_text(
    lesson_id: str, run_lesson: Callable[..., LessonRun], saved_figures: list[SavedFigure], mnist_root: Path
) -> None:
    extra = ["--data-dir", str(mnist_root), "--no-download"] if BUNDLED[lesson_id] else []
    record = run_lesson(lesson_id, *extra)
    pngs = {name for name in record["artifacts"] if name.endswith(".png")}
    assert pngs, f"{lesson_id} saved no figure"
    assert {figure.name for figure in saved_figures} == pngs
    problems = [problem for figure in saved_figures
                for problem in figure_problems(figure, record.out_dir, record.get("captions", {}))]
    assert not problems, "\n".join(problems)


def feature_maps(channels: int) -> Figure:
    from nnlessons_cnn_shapes.plots import feature_map_figure

    return feature_map_figure(torch.rand(28, 28), torch.randn(channels, 24, 24), "after a test layer", 1.0)


def optimizer_fits(count: int) -> Figure:
    from nnlessons_optimizers.catalogue import OPTIMIZER_NAMES
    from nnlessons_optimizers.plots import plot_fits

    names = OPTIMIZER_NAMES[:count]
    x = torch.linspace(-1, 1, 50).unsqueeze(1)  # (50, 1)
    return plot_fits(names, [f"{name} 0.9/0.99" for name in names], [torch.nn.Linear(1, 1) for _ in names], x, x**2)


#: Figures whose layout follows an option (--feature-maps 1..64, 1..5 --optimizers), at its extremes.
OPTION_SIZED = {"feature maps, 1 channel": lambda: feature_maps(1), "feature maps, 64 channels": lambda: feature_maps(64),
                "fits of 1 optimizer": lambda: optimizer_fits(1), "fits of 4 optimizers": lambda: optimizer_fits(4)}


@pytest.mark.parametrize("case", sorted(OPTION_SIZED))
def test_figures_sized_by_an_option_stay_readable(case: str, tmp_path: Path, saved_figures: list[SavedFigure]) -> None:
    ctx = RunContext(lesson_id="t", device=None, seed=0, out_dir=tmp_path, params=None)  # type: ignore[arg-type]
    ctx.save_figure(OPTION_SIZED[case](), "figure.png")
    [figure] = saved_figures
    assert not figure_problems(figure, tmp_path, {"figure.png": "a caption is not what this test is about"})


def test_the_recorder_sees_tick_labels_and_small_legends(
    tmp_path: Path, saved_figures: list[SavedFigure]
) -> None:
    """The check can fail: a wide figure with a small legend and no caption breaks every rule."""
    ctx = RunContext(lesson_id="t", device=None, seed=0, out_dir=tmp_path, params=None)  # type: ignore[arg-type]
    fig = Figure(figsize=(16, 3))
    axis = fig.subplots()
    axis.plot([0, 1], [0, 1], label="line")
    axis.legend(fontsize=6)
    axis.tick_params(labelsize=7)
    ctx.save_figure(fig, "wide.png")
    [figure] = saved_figures
    assert (7.0, "0.0") in figure.texts  # a tick label, created only while saving
    problems = figure_problems(figure, tmp_path, {})
    assert [problem.split()[1] for problem in problems] == ["has", "is", "draws", "shows"], problems
