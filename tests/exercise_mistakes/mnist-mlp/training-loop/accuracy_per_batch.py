# expect: mean of the batches' accuracies
import torch
from torch import nn


def evaluate(model: nn.Module, loader, device) -> float:
    model.eval()  # dropout off, batch norm reads its running statistics
    accuracies = []
    with torch.no_grad():  # evaluation never calls backward: build no graph
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            predictions = model(images).argmax(dim=1)  # (B,): the digit with the largest logit
            accuracies.append((predictions == labels).float().mean().item())
    return sum(accuracies) / len(accuracies)


def train(model: nn.Module, train_loader, test_loader, optimizer: torch.optim.Optimizer, loss_fn, epochs: int,
          device) -> list[dict]:
    history = []
    for epoch in range(1, epochs + 1):
        model.train()  # evaluate() left the model in eval()
        loss_sum, seen = 0.0, 0
        for images, labels in train_loader:
            images, labels = images.to(device), labels.to(device)
            loss = loss_fn(model(images), labels)  # the batch's mean loss
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            loss_sum += loss.item() * labels.shape[0]  # back to a sum over the batch's digits
            seen += labels.shape[0]
        history.append({"epoch": epoch, "train_loss": loss_sum / seen,
                        "test_accuracy": evaluate(model, test_loader, device)})
    return history
