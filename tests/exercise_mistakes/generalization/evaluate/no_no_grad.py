# expect: torch.no_grad
"""Loss and accuracy on a validation loader (reference solution)."""

import torch
from torch import nn


def evaluate(model: nn.Module, loader, loss_fn) -> tuple[float, float]:
    was_training = model.training
    model.eval()  # dropout off; batch norm reads (and no longer updates) its running statistics
    total_loss, correct, seen = 0.0, 0, 0
    if True:
        for inputs, labels in loader:
            outputs = model(inputs)
            total_loss += loss_fn(outputs, labels).item() * labels.shape[0]  # the batch's mean, back to a sum
            correct += (outputs.argmax(dim=1) == labels).sum().item()
            seen += labels.shape[0]
    model.train(was_training)  # hand the model back in the mode it came in
    return total_loss / seen, correct / seen
