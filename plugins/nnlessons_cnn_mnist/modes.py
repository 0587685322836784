"""train() against eval(), computed: what BatchNorm and Dropout do in each mode, and what it does to predictions."""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch
from torch import nn

from nnlessons.precision import full_float32
from nnlessons_cnn_mnist.recipes import Recipe
from nnlessons_cnn_mnist.training import accuracy, model_input

RUNNING_PASSES = 300  # train-mode passes on one batch: 0.9 ** 300 = 2e-14 of the starting statistics is left


@dataclass
class BatchNormNumbers:
    """BatchNorm2d on one batch, by PyTorch and by hand, in both modes (all max abs differences)."""

    values_per_channel: int  # B * H * W numbers each channel's statistics are taken over
    train_vs_batch_formula: float  # train(): output vs (x - batch mean) / sqrt(batch var + eps) * gamma + beta
    running_mean_vs_formula: float  # after one pass: running_mean vs 0.9 * 0 + 0.1 * batch mean
    running_var_vs_formula: float  # after one pass: running_var vs 0.9 * 1 + 0.1 * unbiased batch var
    eval_vs_running_formula: float  # eval(): output vs the same formula with the running statistics
    train_vs_eval_after_one_pass: float  # the two modes' outputs on the same batch
    running_vs_batch_after_many: float  # after RUNNING_PASSES passes: running mean, var vs batch mean, unbiased var
    train_vs_eval_after_many: float  # then only the unbiased/biased variance (n / (n - 1)) tells the modes apart
    mean_std_train: tuple[float, float]  # of the normalised output (before gamma, beta) in train mode: ~(0, 1)


def normalize(x: torch.Tensor, mean: torch.Tensor, var: torch.Tensor, bn: nn.BatchNorm2d) -> torch.Tensor:
    """(x - mean) / sqrt(var + eps) * gamma + beta, per channel of x (B, C, H, W)."""
    shape = (1, -1, 1, 1)
    return (x - mean.view(shape)) / torch.sqrt(var.view(shape) + bn.eps) * bn.weight.view(shape) + bn.bias.view(shape)


@torch.no_grad()
def batch_norm_numbers(bn: nn.BatchNorm2d, x: torch.Tensor) -> BatchNormNumbers:
    """Run a fresh copy of `bn` (running mean 0, var 1) on features x (B, C, H, W) in both modes and compare."""
    bn = copy.deepcopy(bn)
    bn.reset_running_stats()
    dims = (0, 2, 3)  # statistics per channel, over the batch and every position
    batch_mean, batch_var = x.mean(dims), x.var(dims, unbiased=False)  # (C,), (C,): what train() normalises with
    unbiased_var = x.var(dims, unbiased=True)  # (C,): what the running variance accumulates
    bn.train()
    y_train = bn(x)
    momentum = bn.momentum
    after_one = (
        (bn.running_mean - momentum * batch_mean).abs().max().item(),
        (bn.running_var - ((1 - momentum) * 1.0 + momentum * unbiased_var)).abs().max().item(),
    )
    bn.eval()
    y_eval = bn(x)
    eval_vs_formula = (y_eval - normalize(x, bn.running_mean, bn.running_var, bn)).abs().max().item()
    bn.train()
    for _ in range(RUNNING_PASSES - 1):
        bn(x)
    running_vs_batch = max((bn.running_mean - batch_mean).abs().max().item(),
                           (bn.running_var - unbiased_var).abs().max().item())
    bn.eval()
    y_eval_later = bn(x)
    standardised = (x - batch_mean.view(1, -1, 1, 1)) / torch.sqrt(batch_var.view(1, -1, 1, 1) + bn.eps)
    return BatchNormNumbers(
        values_per_channel=x.numel() // x.shape[1],
        train_vs_batch_formula=(y_train - normalize(x, batch_mean, batch_var, bn)).abs().max().item(),
        running_mean_vs_formula=after_one[0],
        running_var_vs_formula=after_one[1],
        eval_vs_running_formula=eval_vs_formula,
        train_vs_eval_after_one_pass=(y_train - y_eval).abs().max().item(),
        running_vs_batch_after_many=running_vs_batch,
        train_vs_eval_after_many=(y_train - y_eval_later).abs().max().item(),
        mean_std_train=(standardised.mean().item(), standardised.std().item()),
    )


@dataclass
class DropoutNumbers:
    """nn.Dropout(p) on one tensor of positive numbers, in both modes."""

    p: float
    values: int
    dropped_fraction: float  # train(): share of the values set to 0, about p
    kept_vs_scaled: float  # train(): max |kept output - x / (1 - p)| / |x / (1 - p)|, relative: 1/(1-p) can be huge
    sum_ratio: float  # train(): sum(output) / sum(x), about 1: the scaling keeps the expected total
    eval_is_identity: bool  # eval(): output equal to x, bit for bit


@torch.no_grad()
def dropout_numbers(p: float, x: torch.Tensor) -> DropoutNumbers:
    """Apply nn.Dropout(p) to x (positive numbers: a 0 could not show whether it was dropped) in both modes."""
    dropout = nn.Dropout(p)
    dropout.train()
    y = dropout(x)
    kept = y != 0
    scaled = x / (1 - p)
    relative = (y[kept] - scaled[kept]).abs() / scaled[kept].abs()
    kept_vs_scaled = relative.max().item() if bool(kept.any()) else 0.0
    dropout.eval()
    return DropoutNumbers(
        p=p,
        values=x.numel(),
        dropped_fraction=1.0 - kept.float().mean().item(),
        kept_vs_scaled=kept_vs_scaled,
        sum_ratio=(y.sum() / x.sum()).item(),
        eval_is_identity=torch.equal(dropout(x), x),
    )


@dataclass
class ModeAccuracy:
    """The trained network on test digits in eval() and in train() mode (on a copy: train mode moves running stats)."""

    eval_accuracy: float
    train_mode_accuracy: float  # batches of `batch_size`, batch statistics and dropout
    single_images: int  # how many test digits were also run one at a time
    eval_alone_vs_batch: float  # eval(): max |logits of an image alone - the same image in a batch|
    train_alone_vs_batch: float  # train(): the same, with batch statistics of a batch of one


@torch.no_grad()
def mode_accuracy(model: nn.Module, images: torch.Tensor, labels: torch.Tensor, recipe: Recipe,
                  single_images: int) -> ModeAccuracy:
    """Accuracy in both modes, and whether an image's logits depend on the rest of its batch."""
    probe = copy.deepcopy(model)
    inputs = model_input(images, recipe)  # (N, 1, 28, 28)
    chunks = range(0, len(inputs), recipe.batch_size)
    results = {}
    for mode in ("eval", "train"):
        probe.train(mode == "train")
        logits = torch.cat([probe(inputs[i : i + recipe.batch_size]) for i in chunks])  # (N, 10)
        first = inputs[:single_images]
        with full_float32():  # TF32 convolutions on a GPU would add ~1e-3 of rounding to the comparison
            alone = torch.cat([probe(first[i : i + 1]) for i in range(len(first))])  # (k, 10), a batch of one each
            together = probe(first)  # (k, 10), one batch
        results[mode] = (accuracy(logits, labels), (alone - together).abs().max().item())
    return ModeAccuracy(results["eval"][0], results["train"][0], len(first), results["eval"][1], results["train"][1])
