"""The lesson's training loop by hand, without autograd (reference solution)."""

import torch


def train_by_hand(params: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor, lr: float,
                  steps: int) -> tuple[list[float], dict[str, torch.Tensor]]:
    weights, biases, weights2, biases2 = params["weights"], params["biases"], params["weights2"], params["biases2"]
    losses = []
    for _ in range(steps):
        z = x.mm(weights) + biases  # (B, H)
        h = torch.relu(z)  # (B, H)
        p = h.mm(weights2) + biases2  # (B, 1)
        losses.append(((p - y) ** 2).mean().item())  # this step's loss, before its update
        d_p = 2 * (p - y) / len(x)  # (B, 1): the loss is a mean over the B rows
        d_z = d_p.mm(weights2.T) * (z > 0)  # (B, H): uses this step's weights2, so before it is updated
        # out of place: new tensors each step, the caller's params stay as they were
        weights = weights - lr * x.T.mm(d_z)  # (F, H)
        biases = biases - lr * d_z.sum(dim=0)  # (H,)
        weights2 = weights2 - lr * h.T.mm(d_p)  # (H, 1)
        biases2 = biases2 - lr * d_p.sum(dim=0)  # (1,)
    return losses, {"weights": weights, "biases": biases, "weights2": weights2, "biases2": biases2}
