# expect: averaged per batch instead of per example
"""Loss and accuracy on a validation loader (reference solution)."""

import torch
from torch import nn


def evaluate(model: nn.Module, loader, loss_fn) -> tuple[float, float]:
    was_training = model.training
    model.eval()  # dropout off; batch norm reads (and no longer updates) its running statistics
    total_loss, correct, seen, batches = 0.0, 0, 0, 0
    with torch.no_grad():  # evaluation never calls backward: record no graph
        for inputs, labels in loader:
            outputs = model(inputs)
            total_loss += loss_fn(outputs, labels).item()
            batches = batches + 1
            correct += (outputs.argmax(dim=1) == labels).sum().item()
            seen += labels.shape[0]
    model.train(was_training)  # hand the model back in the mode it came in
    return total_loss / batches, correct / seen
