"""Binary cross-entropy from the raw logit, stable for any |z| (reference solution)."""

import torch


def bce_with_logits(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    # -(y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))) = log(1 + exp(z)) - y z, and
    # log(1 + exp(z)) = max(z, 0) + log(1 + exp(-|z|)): the exponent is never above 0
    per_sample = logits.clamp(min=0) - logits * targets + torch.log1p(torch.exp(-logits.abs()))  # (N,)
    return per_sample.mean()  # () the mean over the batch, as BCEWithLogitsLoss's default reduction
