"""What evaluation without model.eval() or without torch.no_grad() does, measured on the run's own dropout model."""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import nn

from nnlessons_generalization.training import EVAL_CHUNK, TensorData


@dataclass
class Pass:
    loss: float
    accuracy: float
    logits: torch.Tensor  # (N, 10)


def one_pass(model: nn.Module, data: TensorData) -> Pass:
    """Every image once, in whatever mode the model is in, with autograd as it is set by the caller."""
    logits = torch.cat([model(data.images[s : s + EVAL_CHUNK]) for s in range(0, len(data), EVAL_CHUNK)])  # (N, 10)
    loss = F.cross_entropy(logits, data.labels).item()
    accuracy = (logits.argmax(dim=1) == data.labels).float().mean().item()
    return Pass(loss, accuracy, logits.detach())


def bytes_kept_for_backward(model: nn.Module, data: TensorData) -> tuple[int, bool]:
    """Bytes of the tensors autograd saves during one pass (each stored tensor counted once), and requires_grad."""
    stored: dict[tuple[int, tuple[int, ...]], int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        stored[(tensor.untyped_storage().data_ptr(), tuple(tensor.shape))] = tensor.numel() * tensor.element_size()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        requires_grad = model(data.images[:EVAL_CHUNK]).requires_grad
        for start in range(EVAL_CHUNK, len(data), EVAL_CHUNK):
            model(data.images[start : start + EVAL_CHUNK])
    return sum(stored.values()), requires_grad


def per_batch_mean_loss(model: nn.Module, data: TensorData, batch_size: int) -> float:
    """The mistake: the mean of each batch's mean loss (a short last batch weighs as much as a full one)."""
    with torch.no_grad():
        means = [F.cross_entropy(model(data.images[s : s + batch_size]), data.labels[s : s + batch_size])
                 for s in range(0, len(data), batch_size)]
    return torch.stack(means).mean().item()


def compare_modes(model: nn.Module, data: TensorData, batch_size: int) -> dict[str, float | int | bool]:
    """eval() + no_grad twice, train() + no_grad twice, eval() with autograd on: what each gives and keeps."""
    was_training = model.training
    with torch.no_grad():
        model.eval()
        eval_a, eval_b = one_pass(model, data), one_pass(model, data)
        model.train()
        train_a, train_b = one_pass(model, data), one_pass(model, data)
    model.eval()
    with torch.no_grad():
        kept_without, grad_without = bytes_kept_for_backward(model, data)
    kept_with, grad_with = bytes_kept_for_backward(model, data)
    per_batch = per_batch_mean_loss(model, data, batch_size)
    model.train(was_training)
    return {
        "eval_loss": eval_a.loss, "eval_accuracy": eval_a.accuracy,
        "eval_repeat_max_abs_diff": (eval_a.logits - eval_b.logits).abs().max().item(),
        "train_mode_loss": train_a.loss, "train_mode_accuracy": train_a.accuracy,
        "train_mode_second_loss": train_b.loss, "train_mode_second_accuracy": train_b.accuracy,
        "train_mode_repeat_max_abs_diff": (train_a.logits - train_b.logits).abs().max().item(),
        "graph_bytes_without_no_grad": kept_with, "graph_bytes_with_no_grad": kept_without,
        "outputs_require_grad_without_no_grad": grad_with, "outputs_require_grad_with_no_grad": grad_without,
        "per_batch_mean_loss": per_batch, "last_batch_images": len(data) % batch_size,
    }
