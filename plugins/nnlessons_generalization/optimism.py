"""Choosing a setting by the accuracy you then report: the choice by test accuracy against the choice by validation.

Every candidate model's right/wrong answer on each validation, test and fresh digit is computed
once; choices and accuracies are then counts over those (K, N) tables.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class Choice:
    by: str  # "validation" or "test"
    index: int  # the candidate chosen
    test_accuracy: float  # what would be reported
    fresh_accuracy: float  # what it gets on digits neither choice saw

    @property
    def gap(self) -> float:
        return self.test_accuracy - self.fresh_accuracy


def choose(val: torch.Tensor, test: torch.Tensor, fresh: torch.Tensor) -> tuple[Choice, Choice]:
    """val, test, fresh: (K, N_split) bool, candidate k right on digit i. The first best on ties."""
    accuracies = {name: table.float().mean(dim=1) for name, table in (("validation", val), ("test", test), ("fresh", fresh))}
    choices = []
    for by in ("validation", "test"):
        k = int(accuracies[by].argmax())  # argmax returns the first of equal maxima
        choices.append(Choice(by, k, accuracies["test"][k].item(), accuracies["fresh"][k].item()))
    return choices[0], choices[1]


@dataclass
class Resampled:
    """Gaps (reported - other half) over re-splits of the held-out digits into halves A and B, each used both ways."""

    counts_choosing_on_reported: torch.Tensor  # (2R,) int: right on A minus right on B, for the best on A
    counts_choosing_on_validation: torch.Tensor  # (2R,) int: the same for the choice made on validation
    half: int

    @property
    def mean_gap_choosing_on_reported(self) -> float:
        """Mean of (acc_A - acc_B), summed as whole counts so that no rounding can make it negative."""
        return int(self.counts_choosing_on_reported.sum()) / (len(self.counts_choosing_on_reported) * self.half)

    @property
    def mean_gap_choosing_on_validation(self) -> float:
        return int(self.counts_choosing_on_validation.sum()) / (len(self.counts_choosing_on_validation) * self.half)


def resample(val: torch.Tensor, pool: torch.Tensor, pairs: int, generator: torch.Generator) -> Resampled:
    """pool: (K, M) right/wrong of each candidate on held-out digits; `pairs` random halvings, each used A->B and B->A.

    Using each halving both ways makes the validation choice's mean gap exactly 0, and the other's
    at least 0: with k_A, k_B the best on A and on B, the pair's two gaps add up to
    (acc_A(k_A) - acc_A(k_B)) + (acc_B(k_B) - acc_B(k_A)), a sum of two numbers >= 0.
    """
    half = pool.shape[1] // 2
    by_val = int(val.float().mean(dim=1).argmax())
    pool = pool.cpu()  # a small table of right/wrong, indexed with permutations drawn on the CPU
    order = torch.stack([torch.randperm(pool.shape[1], generator=generator) for _ in range(pairs)])  # (R, M)
    right = pool.to(torch.long)
    counts_a = right[:, order[:, :half]].sum(dim=2)  # (K, R): right answers on half A
    counts_b = right[:, order[:, half : 2 * half]].sum(dim=2)  # (K, R)
    gaps, honest = [], []
    for chooser, other in ((counts_a, counts_b), (counts_b, counts_a)):
        k = chooser.argmax(dim=0)  # (R,) the candidate best on the half it is reported on
        gaps.append(chooser.gather(0, k[None])[0] - other.gather(0, k[None])[0])
        honest.append(chooser[by_val] - other[by_val])
    return Resampled(torch.cat(gaps), torch.cat(honest), half)
