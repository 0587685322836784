"""One training step (reference solution)."""

import torch
from torch import nn


def training_step(model: nn.Module, loss_fn, optimizer: torch.optim.Optimizer, images: torch.Tensor,
                  labels: torch.Tensor) -> torch.Tensor:
    outputs = model(images)  # 1. forward: (B, 28, 28) -> (B, 10) logits
    loss = loss_fn(outputs, labels)  # 2. loss: one number for the batch
    loss.backward()  # 3. backward: d loss / d parameter, added into each .grad
    optimizer.step()  # 4. step: every parameter moves using its .grad
    optimizer.zero_grad()  # 5. zero: else the next backward would add to these gradients
    return loss.detach()  # no graph kept, no wait for the device
