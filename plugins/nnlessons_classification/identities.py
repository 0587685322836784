"""Softmax and the classification losses, by hand and by PyTorch, compared number for number."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn


#: Largest difference still called "equal": float32 rounding; a real difference is orders of magnitude larger.
EQUAL_TOLERANCE = 1e-5

#: Table columns for `Pair.row()`.
PAIR_COLUMNS = ("identity: left = right", "left", "right", "max |diff|", "equal?")


@dataclass(frozen=True)
class Pair:
    """Two ways to compute the same thing, and how far apart they came out."""

    what: str  # "left = right", e.g. "CrossEntropyLoss = LogSoftmax + NLLLoss"
    first: Tensor
    second: Tensor

    @property
    def max_abs_diff(self) -> float:
        """Largest |first - second|; NaN if either side has a NaN (so a broken side never looks equal)."""
        return (self.first - self.second).abs().max().item()

    @property
    def equal(self) -> bool:
        """Equal up to float32 rounding (NaN is never equal)."""
        return self.max_abs_diff <= EQUAL_TOLERANCE

    def row(self) -> tuple[str, float, float, float, str]:
        """A table row for two scalars: the identity, both values, the difference and the verdict."""
        return (self.what, self.first.item(), self.second.item(), self.max_abs_diff, str(self.equal))


def softmax_naive(logits: Tensor) -> Tensor:
    """exp(z) / sum(exp(z)) along the last axis: the textbook formula; overflows for large z."""
    exps = logits.exp()  # (N, K)
    return exps / exps.sum(dim=-1, keepdim=True)  # (N, K)


def softmax_whole_array(logits: Tensor) -> Tensor:
    """exp(z) / exp(z).sum() with the sum over *every* entry, as the notes write it: wrong for a batch."""
    exps = logits.exp()  # (N, K)
    return exps / exps.sum()  # one sum for the whole (N, K) array, so rows no longer sum to 1


def softmax_stable(logits: Tensor) -> Tensor:
    """Subtract each row's max first: softmax(z) = softmax(z - c), and now exp never exceeds 1."""
    shifted = logits - logits.max(dim=-1, keepdim=True).values  # (N, K), every entry <= 0
    exps = shifted.exp()  # (N, K), in (0, 1]
    return exps / exps.sum(dim=-1, keepdim=True)


def log_softmax_by_hand(logits: Tensor) -> Tensor:
    """log softmax(z)_k = (z_k - c) - log(sum_j exp(z_j - c)), c = max_j z_j."""
    shifted = logits - logits.max(dim=-1, keepdim=True).values  # (N, K)
    return shifted - shifted.exp().sum(dim=-1, keepdim=True).log()  # (N, K)


def cross_entropy_by_hand(logits: Tensor, labels: Tensor) -> Tensor:
    """mean over samples of -log softmax(z)_y, y = the true class."""
    log_probs = log_softmax_by_hand(logits)  # (N, K)
    return -log_probs.gather(1, labels.unsqueeze(1)).mean()  # pick (N, 1) then average


def softmax_pairs(logits: Tensor) -> list[Pair]:
    """Naive and stable softmax vs torch.softmax on the same logits."""
    reference = torch.softmax(logits, dim=-1)
    return [
        Pair("exp(z) / row sum = torch.softmax", softmax_naive(logits), reference),
        Pair("exp(z - max) / row sum = torch.softmax", softmax_stable(logits), reference),
    ]


def cross_entropy_pairs(logits: Tensor, labels: Tensor) -> list[Pair]:
    """CrossEntropyLoss vs LogSoftmax + NLLLoss, and vs the formula by hand."""
    cross_entropy = nn.CrossEntropyLoss()(logits, labels)
    via_nll = nn.NLLLoss()(nn.LogSoftmax(dim=1)(logits), labels)
    return [
        Pair("CrossEntropyLoss = LogSoftmax + NLLLoss", cross_entropy, via_nll),
        Pair("CrossEntropyLoss = by hand: -mean log softmax(z)_y", cross_entropy, cross_entropy_by_hand(logits, labels)),
    ]


def one_hot_pair(logits: Tensor, labels: Tensor) -> Pair:
    """CrossEntropyLoss with class indices (int64) vs with one-hot float probabilities as targets."""
    one_hot = nn.functional.one_hot(labels, logits.shape[1]).to(logits.dtype)  # (N, K) float
    return Pair("CE, index targets = CE, one-hot float targets", nn.CrossEntropyLoss()(logits, labels), nn.CrossEntropyLoss()(logits, one_hot))


def binary_pairs(logits: Tensor, labels: Tensor) -> list[Pair]:
    """Two logits with CrossEntropyLoss vs one logit d = z1 - z0 with BCELoss / BCEWithLogitsLoss.

    softmax((z0, z1))_1 = 1 / (1 + exp(z0 - z1)) = sigmoid(z1 - z0), so both see the same probability.
    """
    cross_entropy = nn.CrossEntropyLoss()(logits, labels)
    difference = logits[:, 1] - logits[:, 0]  # (N,): the one logit a 1-output net would produce
    targets = labels.to(logits.dtype)  # (N,) float 0./1., what BCE expects
    return [
        Pair("CE on (z0, z1) = BCELoss(sigmoid(z1 - z0))", cross_entropy, nn.BCELoss()(torch.sigmoid(difference), targets)),
        Pair("CE on (z0, z1) = BCEWithLogitsLoss(z1 - z0)", cross_entropy, nn.BCEWithLogitsLoss()(difference, targets)),
    ]


def confident_mistake_losses(logit: float, device: torch.device) -> dict[str, float]:
    """Loss of one sample whose single logit is `logit` but whose label is 0, computed three ways.

    The exact value is log(1 + exp(logit)); BCELoss needs sigmoid(logit) first, which rounds
    to 1.0 in float32 for logits above about 17, and log(1 - 1) is then clamped to -100.
    """
    d = torch.tensor([logit], device=device)  # (1,)
    target = torch.zeros(1, device=device)  # (1,) label 0
    two_logits = torch.stack([torch.zeros_like(d), d], dim=1)  # (1, 2): (z0, z1) = (0, d)
    return {
        "BCELoss(sigmoid(d))": nn.BCELoss()(torch.sigmoid(d), target).item(),
        "BCEWithLogitsLoss(d)": nn.BCEWithLogitsLoss()(d, target).item(),
        "CrossEntropyLoss((0, d))": nn.CrossEntropyLoss()(two_logits, target.long()).item(),
        "exact: log(1 + exp(d))": float(torch.nn.functional.softplus(d.cpu().double()).item()),  # float64: on the CPU (MPS has none)
    }


def argmax_disagreements(logits: Tensor) -> int:
    """How many rows pick a different class from logits than from softmax(logits) (softmax keeps the order)."""
    return int((logits.argmax(dim=1) != torch.softmax(logits, dim=1).argmax(dim=1)).sum().item())
