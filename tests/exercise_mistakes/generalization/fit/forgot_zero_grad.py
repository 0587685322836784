# expect: gradients pile up
"""Train, validate every epoch, keep the best checkpoint by validation loss (reference solution)."""

import copy

import torch
from torch import nn


def fit(model: nn.Module, train_loader, val_loader, optimizer: torch.optim.Optimizer, loss_fn,
        epochs: int) -> tuple[list[dict], dict]:
    history, best_state, best_loss = [], None, float("inf")
    for epoch in range(1, epochs + 1):
        model.train()  # the validation pass of the epoch before left it in eval()
        train_sum, train_seen = 0.0, 0
        for inputs, labels in train_loader:
            loss = loss_fn(model(inputs), labels)
            loss.backward()
            optimizer.step()
            train_sum += loss.item() * labels.shape[0]
            train_seen += labels.shape[0]
        model.eval()
        val_sum, correct, val_seen = 0.0, 0, 0
        with torch.no_grad():
            for inputs, labels in val_loader:
                outputs = model(inputs)
                val_sum += loss_fn(outputs, labels).item() * labels.shape[0]
                correct += (outputs.argmax(dim=1) == labels).sum().item()
                val_seen += labels.shape[0]
        val_loss = val_sum / val_seen
        history.append({"epoch": epoch, "train_loss": train_sum / train_seen, "val_loss": val_loss,
                        "val_accuracy": correct / val_seen})
        if val_loss < best_loss:
            best_loss = val_loss
            best_state = copy.deepcopy(model.state_dict())  # a snapshot, not the live tensors
    return history, best_state
