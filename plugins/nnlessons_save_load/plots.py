"""The lesson's figure: the original fit and the two restored fits on the data, and the training loss."""

from __future__ import annotations

import torch
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator


def fits_figure(x: torch.Tensor, y: torch.Tensor, fits: dict[str, torch.Tensor], noise: float, max_diff: float,
                losses: list[float], floor: float) -> Figure:
    """Left: data, the best curve x^2 + noise/2 and every fit. Right: the loss per step against the floor."""
    xs, ys = x.cpu().squeeze(1).numpy(), y.cpu().squeeze(1).numpy()
    fig = Figure(figsize=(9.5, 4.4))  # about 1050 px at dpi 110: its text stays readable in the docs column
    fit_ax, loss_ax = fig.subplots(1, 2)
    fit_ax.scatter(xs, ys, s=12, color="lightgray", label="data: y = x^2 + noise")
    fit_ax.plot(xs, xs**2 + noise / 2, color="black", linewidth=1, linestyle=(0, (1, 2)), label=f"best curve x^2 + {noise / 2:g}")
    styles = [("-", 6, 0.35), ("--", 2.5, 1.0), (":", 2.5, 1.0)]
    for (name, fit), (style, width, alpha) in zip(fits.items(), styles):
        fit_ax.plot(xs, fit.cpu().squeeze(1).numpy(), linestyle=style, linewidth=width, alpha=alpha, label=name)
    fit_ax.set(title=f"Original and restored fits\n(max |difference| = {max_diff:g})", xlabel="x", ylabel="y")
    fit_ax.xaxis.set_major_locator(MaxNLocator(5))  # at this width, 0.25 steps run into each other
    fit_ax.legend(fontsize=9)
    loss_ax.plot(range(1, len(losses) + 1), losses, label="training MSE\n(all points, each step)")
    loss_ax.axhline(floor, color="grey", linestyle=":", label=f"MSE of the best\ncurve ({floor:.4f})")
    loss_ax.set_yscale("log")
    loss_ax.set(title="Training loss", xlabel="SGD step", ylabel="MSE (log scale)")
    loss_ax.legend(fontsize=9)
    fig.tight_layout()
    return fig
