"""Three ways to get the same gradients: autograd, the backprop formulas by hand, finite differences."""

from __future__ import annotations

from dataclasses import dataclass

import torch

from nnlessons_manual_grad.by_hand import HandNet, forward, mse


def autograd_gradients(net: HandNet, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
    """What ``loss.backward()`` puts in each ``.grad``."""
    net = net.copy()
    mse(forward(net, x), y).backward()
    return {name: t.grad for name, t in net.tensors().items()}


def backprop_by_hand(net: HandNet, x: torch.Tensor, y: torch.Tensor) -> dict[str, torch.Tensor]:
    """The chain rule written out for ``L = mean((relu(x w + b) w2 + b2 - y)^2)`` over B rows."""
    with torch.no_grad():
        pre_activation = x.mm(net.weights) + net.biases  # z: (B, H)
        hidden = torch.relu(pre_activation)  # h: (B, H)
        predictions = hidden.mm(net.weights2) + net.biases2  # p: (B, 1)
        d_predictions = 2 * (predictions - y) / y.shape[0]  # dL/dp: (B, 1)
        d_hidden = d_predictions.mm(net.weights2.T)  # dL/dh: (B, H)
        d_pre_activation = d_hidden * (pre_activation > 0)  # dL/dz: relu passes gradient only where z > 0
        return {
            "weights": x.T.mm(d_pre_activation),  # (F, H)
            "biases": d_pre_activation.sum(dim=0),  # (H,)
            "weights2": hidden.T.mm(d_predictions),  # (H, 1)
            "biases2": d_predictions.sum(dim=0),  # (1,)
        }


#: Most entries of a stack of moved copies held at once (4M float64 = 32 MB).
MAX_STACK_ENTRIES = 4_000_000


def losses_with_one_entry_moved(net: HandNet, x: torch.Tensor, y: torch.Tensor, name: str, delta: float) -> torch.Tensor:
    """The loss after adding `delta` to one entry of tensor `name`, for every entry: shape (n_entries,).

    `torch.func.vmap` runs the ordinary `forward` on a stack of copies of the tensor,
    copy i having entry i moved, instead of a Python loop over n forward passes; the
    stack is built a chunk at a time to bound memory.
    """
    tensors = {key: t.detach() for key, t in net.tensors().items()}
    original = tensors[name]
    n = original.numel()

    def loss_with(entry_moved: torch.Tensor) -> torch.Tensor:
        variant = HandNet(**{**tensors, name: entry_moved.view_as(original)})
        return mse(forward(variant, x), y)

    losses = []
    chunk = max(1, MAX_STACK_ENTRIES // n)
    for start in range(0, n, chunk):
        entries = torch.arange(start, min(start + chunk, n), device=original.device)  # (c,)
        moved = original.reshape(1, n).repeat(len(entries), 1)  # (c, n): c copies of the flattened tensor
        moved[torch.arange(len(entries), device=original.device), entries] += delta  # copy i: entry start + i moved
        losses.append(torch.func.vmap(loss_with)(moved))  # (c,)
    return torch.cat(losses)  # (n,)


def finite_differences(net: HandNet, x: torch.Tensor, y: torch.Tensor, eps: float) -> dict[str, torch.Tensor]:
    """``(L(t + eps) - L(t - eps)) / (2 eps)`` for every entry of every tensor."""
    with torch.no_grad():
        return {
            name: ((losses_with_one_entry_moved(net, x, y, name, eps) - losses_with_one_entry_moved(net, x, y, name, -eps))
                   / (2 * eps)).view_as(tensor)
            for name, tensor in net.tensors().items()
        }


@dataclass
class GradientCheck:
    """Per tensor: the largest |gradient| and the largest differences between the three methods."""

    names: list[str]
    largest_gradient: dict[str, float]
    hand_vs_autograd: dict[str, float]
    finite_vs_autograd: dict[str, float]

    @property
    def max_abs_diff(self) -> float:
        return max(*self.hand_vs_autograd.values(), *self.finite_vs_autograd.values())


def check_gradients(net: HandNet, x: torch.Tensor, y: torch.Tensor, eps: float = 1e-5) -> GradientCheck:
    """Compare the three methods; call with float64 tensors, or round-off swamps finite differences."""
    by_autograd = autograd_gradients(net, x, y)
    by_hand = backprop_by_hand(net, x, y)
    by_differences = finite_differences(net, x, y, eps)

    def largest(diffs: dict[str, torch.Tensor]) -> dict[str, float]:
        return {name: diffs[name].abs().max().item() for name in by_autograd}

    return GradientCheck(
        names=list(by_autograd),
        largest_gradient=largest(by_autograd),
        hand_vs_autograd=largest({n: by_hand[n] - by_autograd[n] for n in by_autograd}),
        finite_vs_autograd=largest({n: by_differences[n] - by_autograd[n] for n in by_autograd}),
    )
