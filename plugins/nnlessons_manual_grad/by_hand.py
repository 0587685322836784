"""The notes' network with hand-made tensors: 14 -> 128 (relu) -> 1, updated by hand from autograd's gradients."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch


@dataclass
class HandNet:
    """The four tensors of the network, named as in the notes."""

    weights: torch.Tensor  # (F, H)
    biases: torch.Tensor  # (H,)
    weights2: torch.Tensor  # (H, 1)
    biases2: torch.Tensor  # (1,)

    def tensors(self) -> dict[str, torch.Tensor]:
        return {"weights": self.weights, "biases": self.biases, "weights2": self.weights2, "biases2": self.biases2}

    def copy(self, dtype: torch.dtype | None = None, device: torch.device | None = None) -> HandNet:
        """Fresh leaf tensors with the same values (gradients not copied), optionally moved, then cast.

        Moved first: casting on the device would fail for float64 on MPS, which has none.
        """
        fresh = {
            name: t.detach().to(device or t.device).to(dtype or t.dtype).clone().requires_grad_(True)
            for name, t in self.tensors().items()
        }
        return HandNet(**fresh)


def init_hand_net(n_features: int, hidden: int, generator: torch.Generator, device: torch.device) -> HandNet:
    """Standard-normal starting values, as in the notes (torch.randn); drawn on the CPU, then moved."""
    shapes = {"weights": (n_features, hidden), "biases": (hidden,), "weights2": (hidden, 1), "biases2": (1,)}
    values = {name: torch.randn(shape, generator=generator) for name, shape in shapes.items()}
    return HandNet(**{name: v.to(device).requires_grad_(True) for name, v in values.items()})


def forward(net: HandNet, x: torch.Tensor) -> torch.Tensor:
    """``relu(x w + b) w2 + b2``: (B, F) -> (B, 1)."""
    hidden = torch.relu(x.mm(net.weights) + net.biases)  # (B, H)
    return hidden.mm(net.weights2) + net.biases2  # (B, 1)


def mse(predictions: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Mean squared error; both must be (B, 1) so that nothing broadcasts."""
    if predictions.shape != labels.shape:
        raise ValueError(f"predictions {tuple(predictions.shape)} and labels {tuple(labels.shape)} differ: they would broadcast")
    return ((predictions - labels) ** 2).mean()


def gradient_step(net: HandNet, lr: float, zero_grad: bool = True) -> None:
    """``t <- t - lr * t.grad`` for every tensor, outside autograd; then zero the gradients (unless told not to)."""
    with torch.no_grad():
        for tensor in net.tensors().values():
            tensor -= lr * tensor.grad
            if zero_grad:
                tensor.grad.zero_()


def update_outside_no_grad(net: HandNet, lr: float) -> str | None:
    """Try the update without ``torch.no_grad()`` on a copy; return autograd's error message (None if it worked)."""
    probe = net.copy()
    probe.biases2.grad = torch.ones_like(probe.biases2)
    try:
        probe.biases2 -= lr * probe.biases2.grad
    except RuntimeError as error:
        return str(error).splitlines()[0]
    return None


def train_by_hand(
    net: HandNet,
    x: torch.Tensor,
    y: torch.Tensor,
    iterations: int,
    lr: float,
    zero_grad: bool = True,
    on_iteration: Callable[[int, float], None] | None = None,
) -> list[float]:
    """Full-batch gradient descent: forward, loss, backward, update, zero. Returns the loss of every iteration.

    `on_iteration(i, loss)` is called after each forward pass, before the update, so `net`
    still holds the values that gave `loss`. Stops early if the loss is no longer a finite
    number (it diverged), so the list can be shorter than `iterations`.
    """
    losses = []
    for iteration in range(iterations):
        loss = mse(forward(net, x), y)
        losses.append(loss.item())
        if on_iteration is not None:
            on_iteration(iteration, losses[-1])
        if not math.isfinite(losses[-1]):
            break
        loss.backward()
        gradient_step(net, lr, zero_grad)
    return losses
