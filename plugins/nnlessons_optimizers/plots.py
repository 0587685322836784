"""The two figures: loss curves of every optimizer on one axis, and each optimizer's fitted curve."""

from __future__ import annotations

from collections.abc import Sequence

import torch
from matplotlib.figure import Figure
from torch import Tensor, nn

from nnlessons_optimizers.analysis import smooth
from nnlessons_optimizers.catalogue import OPTIMIZER_NAMES


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
    """Left: mini-batch loss (faint) and its moving average; right: loss on all data after each step."""
    fig = Figure(figsize=(13, 4.8), layout="constrained")
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
    batch_axis.set_title(f"Mini-batch loss, smoothed (EMA weight {smoothing:g}); faint: raw")
    full_axis.set_title("Loss on all the data after each step")
    full_axis.legend(loc="upper right", fontsize="small")
    fig.suptitle("Same start, same batches: only the update rule differs")
    return fig


def plot_fits(names: Sequence[str], labels: Sequence[str], models: Sequence[nn.Module], x: Tensor, y: Tensor) -> Figure:
    """One panel per optimizer: the data, the true curve x^2, and what the trained net predicts (with its loss)."""
    with torch.no_grad():
        predictions = [model(x).cpu() for model in models]  # each (N, 1)
    x_cpu, y_cpu = x.cpu().squeeze(1), y.cpu().squeeze(1)  # (N,), (N,)
    fig = Figure(figsize=(3.2 * len(models), 3.6), layout="constrained")
    axes = fig.subplots(1, len(models), sharey=True, squeeze=False)[0]
    for axis, name, text, prediction in zip(axes, names, labels, predictions, strict=True):
        loss = (prediction.squeeze(1) - y_cpu).pow(2).mean().item()
        axis.scatter(x_cpu, y_cpu, s=4, color="lightgrey", label="data")
        axis.plot(x_cpu, x_cpu.pow(2), color="black", linestyle="--", linewidth=1, label="true x^2")
        axis.plot(x_cpu, prediction.squeeze(1), color=colour(name), linewidth=2.2, label="net")
        axis.set_title(f"{text}: loss {loss:.4f}")
        axis.set_xlabel("x")
    axes[0].set_ylabel("y")
    axes[0].legend(loc="upper center", fontsize="small")
    fig.suptitle("Fitted curve of each optimizer after training")
    return fig
