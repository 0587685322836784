"""The two figures: the plane coloured by the prediction with the decision boundary, and the training curves."""

from __future__ import annotations

import torch
from matplotlib.figure import Figure
from torch import Tensor, nn

CLASS_COLOURS = ("tab:blue", "tab:orange")


def probability_grid(model: nn.Module, x: Tensor, resolution: int) -> tuple[Tensor, Tensor, Tensor]:
    """P(class 1) on a resolution x resolution grid covering the points with a margin; CPU tensors."""
    low = x.min(dim=0).values.cpu() - 1.0  # (2,)
    high = x.max(dim=0).values.cpu() + 1.0  # (2,)
    axis_1 = torch.linspace(float(low[0]), float(high[0]), resolution)  # (R,)
    axis_2 = torch.linspace(float(low[1]), float(high[1]), resolution)  # (R,)
    grid_1, grid_2 = torch.meshgrid(axis_1, axis_2, indexing="xy")  # (R, R) each
    grid_points = torch.stack([grid_1.flatten(), grid_2.flatten()], dim=1).to(x.device)  # (R*R, 2)
    with torch.no_grad():
        probability = torch.softmax(model(grid_points), dim=1)[:, 1]  # (R*R,)
    return grid_1, grid_2, probability.cpu().reshape(resolution, resolution)  # (R, R)


def plot_decision_boundary(model: nn.Module, x: Tensor, y: Tensor, resolution: int, title: str) -> Figure:
    """Background: P(class 1); line: P = 0.5; points: colour = predicted class, marker = true class."""
    grid_1, grid_2, probability = probability_grid(model, x, resolution)
    with torch.no_grad():
        predicted = model(x).argmax(dim=1).cpu()  # (N,)
    points, truth = x.cpu(), y.cpu()  # (N, 2), (N,)
    fig = Figure(figsize=(7, 6))
    axis = fig.subplots()
    shading = axis.contourf(grid_1, grid_2, probability, levels=20, cmap="RdBu_r", alpha=0.35, vmin=0.0, vmax=1.0)
    fig.colorbar(shading, ax=axis, label="P(class 1) = softmax(logits)[1]")
    axis.contour(grid_1, grid_2, probability, levels=[0.5], colors="black", linewidths=1.5)
    axis.plot([], [], color="black", label="decision boundary P = 0.5")
    for true_class, marker in ((0, "o"), (1, "^")):
        for predicted_class in (0, 1):
            chosen = (truth == true_class) & (predicted == predicted_class)  # (N,) bool
            if chosen.any():
                axis.scatter(points[chosen, 0], points[chosen, 1], marker=marker, s=28, edgecolors="black", linewidths=0.4,
                             color=CLASS_COLOURS[predicted_class], label=f"true {true_class}, predicted {predicted_class}")
    wrong = truth != predicted  # (N,)
    if wrong.any():
        axis.scatter(points[wrong, 0], points[wrong, 1], s=160, facecolors="none", edgecolors="red", linewidths=1.5, label="misclassified")
    axis.set_xlabel("x1")
    axis.set_ylabel("x2")
    axis.set_title(title)
    axis.legend(loc="upper left", fontsize=9)
    return fig


def plot_training(loss: list[float], train_accuracy: list[float], test_accuracy: float | None) -> Figure:
    """Loss and accuracy per step, side by side (the model before each update)."""
    steps = range(1, len(loss) + 1)
    fig = Figure(figsize=(9.5, 4), layout="constrained")  # about 1050 px at dpi 110: readable in the docs column
    loss_axis, accuracy_axis = fig.subplots(1, 2)
    loss_axis.plot(steps, loss, color="tab:red", label="cross-entropy on\nthe training points")
    loss_axis.set_xlabel("step")
    loss_axis.set_ylabel("loss")
    loss_axis.set_title("Loss")
    loss_axis.legend()
    accuracy_axis.plot(steps, train_accuracy, color="tab:green", label="training accuracy")
    if test_accuracy is not None:
        accuracy_axis.axhline(test_accuracy, color="tab:purple", linestyle="--", label=f"final test accuracy {test_accuracy:.3f}")
    accuracy_axis.set_ylim(0.0, 1.02)
    accuracy_axis.set_xlabel("step")
    accuracy_axis.set_ylabel("accuracy")
    accuracy_axis.set_title("Accuracy")
    accuracy_axis.legend(loc="lower right")
    fig.suptitle("CrossEntropyLoss and SGD (values before each update)")
    return fig
