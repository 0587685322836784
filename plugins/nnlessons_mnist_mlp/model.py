"""The 784 -> 256 -> 10 network, written twice: as an nn.Module and with torch.nn.functional."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

IMAGE_PIXELS = 28 * 28  # 784 inputs, one per pixel
N_CLASSES = 10  # the digits 0..9


class MnistMLP(nn.Module):
    """Flatten, Linear(784, hidden), ReLU, Linear(hidden, 10). Returns logits, not probabilities."""

    def __init__(self, hidden: int = 256) -> None:
        super().__init__()
        self.flatten = nn.Flatten()
        self.hidden = nn.Linear(IMAGE_PIXELS, hidden)
        self.relu = nn.ReLU()
        self.output = nn.Linear(hidden, N_CLASSES)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        pixels = self.flatten(images)  # (B, 28, 28) -> (B, 784)
        features = self.relu(self.hidden(pixels))  # (B, 256)
        return self.output(features)  # (B, 10) logits


def mlp_functional(
    images: torch.Tensor,
    hidden_weight: torch.Tensor,
    hidden_bias: torch.Tensor,
    output_weight: torch.Tensor,
    output_bias: torch.Tensor,
) -> torch.Tensor:
    """The same forward pass with weights you hold yourself: nothing is stored, everything is passed in."""
    pixels = images.reshape(images.shape[0], IMAGE_PIXELS)  # (B, 784)
    features = F.relu(F.linear(pixels, hidden_weight, hidden_bias))  # (B, 256); F.linear is x @ W.T + b
    return F.linear(features, output_weight, output_bias)  # (B, 10) logits


def detached_weights(model: MnistMLP) -> list[torch.Tensor]:
    """Copies of the module's four parameters as plain leaf tensors that track gradients."""
    layers = (model.hidden.weight, model.hidden.bias, model.output.weight, model.output.bias)
    return [p.detach().clone().requires_grad_(True) for p in layers]


class SoftmaxThenCrossEntropyNet(nn.Module):
    """The notes' network: a softmax layer at the end, whose output then goes into CrossEntropyLoss.

    Kept only to show what goes wrong; the lesson trains `MnistMLP` on logits.
    """

    def __init__(self, mlp: MnistMLP) -> None:
        super().__init__()
        self.mlp = mlp
        self.softmax = nn.Softmax(dim=1)

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.softmax(self.mlp(images))  # (B, 10) probabilities, wrongly fed to the loss as logits


def softmax_pitfall_loss_floor(device: torch.device, n_classes: int = N_CLASSES) -> float:
    """The smallest CrossEntropyLoss possible when its input is already a probability vector.

    With inputs `p` in [0, 1] summing to 1, `-p_y + log(sum_j exp(p_j))` is smallest for a
    one-hot `p`: `-1 + log(e + n_classes - 1)`. Computed here by PyTorch on that one-hot input.
    """
    one_hot = torch.zeros(1, n_classes, device=device)  # (1, 10)
    one_hot[0, 0] = 1.0
    return F.cross_entropy(one_hot, torch.zeros(1, dtype=torch.long, device=device)).item()


def confident_wrong_gradients(device: torch.device, margin: float = 10.0) -> dict[str, float]:
    """The gradient reaching the logits for one confidently wrong answer, both ways.

    Logits `z` with `margin` on digit 1 and 0 elsewhere, true digit 0: the network is sure of the
    wrong digit. Cross-entropy of the logits pushes back with `softmax(z) - onehot(y)` (norm about
    sqrt(2)); cross-entropy of softmax(z) goes through the softmax's slope, which is nearly 0 where
    a probability is nearly 0 or 1, so the wrong answer is hardly corrected.
    """
    z = torch.zeros(1, N_CLASSES, device=device)  # (1, 10)
    z[0, 1] = margin
    label = torch.zeros(1, dtype=torch.long, device=device)  # the true digit is 0
    norms = {}
    for name, head in (("logits", lambda t: t), ("softmax_pitfall", lambda t: torch.softmax(t, dim=1))):
        logits = z.clone().requires_grad_(True)
        (grad,) = torch.autograd.grad(F.cross_entropy(head(logits), label), [logits])
        norms[name] = grad.norm().item()
    return {"wrong_probability": torch.softmax(z, dim=1)[0, 1].item(), "grad_norm_logits": norms["logits"],
            "grad_norm_softmax_pitfall": norms["softmax_pitfall"]}
