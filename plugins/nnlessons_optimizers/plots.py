"""The two figures: loss curves of every optimizer on one axis, and each optimizer's fitted curve."""

from __future__ import annotations

import math
from collections.abc import Sequence

import torch
from matplotlib.figure import Figure
from torch import Tensor, nn

from nnlessons_optimizers.analysis import smooth
from nnlessons_optimizers.catalogue import OPTIMIZER_NAMES

#: Panels per row of the fits figure: three 3-inch panels read well in the docs column.
FITS_PER_ROW = 3


def colour(name: str) -> str:
    """A fixed colour per optimizer, so it is the same in every figure and every run."""
    return f"C{OPTIMIZER_NAMES.index(name)}"


def plot_loss_curves(
    names: Sequence[str],
    labels: Sequence[str],
    batch_loss: Tensor,
    full_loss: Tensor,
    smoothing: float,
    noise_floor: float,
    threshold: float,
    steps_per_epoch: int,
) -> Figure:
    """Left: mini-batch loss (faint) and its moving average; right: loss on all data after each step.

    9.5 inches wide (about 1050 px at dpi 110), so the docs column shrinks it at most 1.4x; the
    legend goes under both panels, where it hides no curve.
    """
    fig = Figure(figsize=(9.5, 5.2), layout="constrained")
    batch_axis, full_axis = fig.subplots(1, 2, sharey=True)
    steps = range(1, batch_loss.shape[0] + 1)
    for column, (name, text) in enumerate(zip(names, labels, strict=True)):
        raw = batch_loss[:, column].tolist()  # (steps,)
        batch_axis.plot(steps, raw, color=colour(name), alpha=0.15, linewidth=0.8)
        batch_axis.plot(steps, smooth(raw, smoothing), color=colour(name), linewidth=1.8, label=text)
        full_axis.plot(steps, full_loss[:, column].tolist(), color=colour(name), linewidth=1.8, label=text)
    for axis in (batch_axis, full_axis):
        if noise_floor > 0:  # a log axis cannot show 0 (--noise 0)
            axis.axhline(noise_floor, color="black", linestyle="--", linewidth=1, label=f"noise floor {noise_floor:.4f}")
        axis.axhline(threshold, color="grey", linestyle=":", linewidth=1, label=f"threshold {threshold:g}")
        axis.set_yscale("log")
        axis.set_xlabel(f"step ({steps_per_epoch} steps = 1 epoch)")
        axis.grid(True, alpha=0.3)
    batch_axis.set_ylabel("MSE loss (log scale)")
    batch_axis.set_title(f"Mini-batch loss, smoothed\n(EMA weight {smoothing:g}; faint: raw)")
    full_axis.set_title("Loss on all the data\nafter each step")
    handles, texts = full_axis.get_legend_handles_labels()
    fig.legend(handles, texts, loc="outside lower center", ncols=4)
    fig.suptitle("Same start, same batches: only the update rule differs")
    return fig


def plot_fits(names: Sequence[str], labels: Sequence[str], models: Sequence[nn.Module], x: Tensor, y: Tensor) -> Figure:
    """One panel per optimizer: the data, the true curve x^2, and what the trained net predicts (with its loss).

    At most FITS_PER_ROW panels a row, so the figure stays about 1000 px wide at dpi 110 however
    many optimizers race; the legend takes a spare panel when the last row has one.
    """
    with torch.no_grad():
        predictions = [model(x).cpu() for model in models]  # each (N, 1)
    x_cpu, y_cpu = x.cpu().squeeze(1), y.cpu().squeeze(1)  # (N,), (N,)
    columns = min(FITS_PER_ROW, len(models))
    rows = math.ceil(len(models) / columns)
    fig = Figure(figsize=(3.0 * columns, 0.4 + 2.9 * rows), layout="constrained")
    grid = fig.subplots(rows, columns, sharex=True, sharey=True, squeeze=False)
    axes = list(grid.flat)
    for axis, name, text, prediction in zip(axes, names, labels, predictions):
        loss = (prediction.squeeze(1) - y_cpu).pow(2).mean().item()
        axis.scatter(x_cpu, y_cpu, s=4, color="lightgrey", label="data")
        axis.plot(x_cpu, x_cpu.pow(2), color="black", linestyle="--", linewidth=1, label="true x^2")
        axis.plot(x_cpu, prediction.squeeze(1), color=colour(name), linewidth=2.2, label="net")
        axis.set_title(f"{text}\nloss {loss:.4f}")
    for axis in grid[-1]:
        axis.set_xlabel("x")
    for axis in grid[:, 0]:
        axis.set_ylabel("y")
    spare = axes[len(models):]
    for axis in spare:
        axis.axis("off")
    handles, texts = axes[0].get_legend_handles_labels()
    (spare[0] if spare else axes[0]).legend(handles, texts, loc="center" if spare else "upper center")
    if spare:  # the panel above a spare one has no x axis below it: give it back its tick labels
        for axis in spare:
            grid.flat[axes.index(axis) - columns].xaxis.set_tick_params(labelbottom=True)
            grid.flat[axes.index(axis) - columns].set_xlabel("x")
    fig.suptitle("Fitted curve of each optimizer after training")
    return fig
