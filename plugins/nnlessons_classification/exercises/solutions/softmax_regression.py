"""A softmax-regression classifier trained from scratch with mini-batch SGD and a hand-written loss (reference solution)."""

import torch


def cross_entropy(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    log_probs = logits - logits.logsumexp(dim=1, keepdim=True)  # (B, K): stable log-softmax over the classes
    return -log_probs[torch.arange(len(labels)), labels].mean()  # () the mean over the batch


def fit(x: torch.Tensor, y: torch.Tensor, classes: int, epochs: int, lr: float, batch_size: int,
        generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    n, features = x.shape
    weight = torch.zeros(classes, features, dtype=x.dtype, requires_grad=True)  # (K, D)
    bias = torch.zeros(classes, dtype=x.dtype, requires_grad=True)  # (K,)
    optimizer = torch.optim.SGD([weight, bias], lr=lr)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)  # a new order every epoch, from the caller's generator
        total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]  # the last batch may be shorter
            logits = x[batch] @ weight.T + bias  # (B, K) raw scores: the loss applies the log-softmax itself
            loss = cross_entropy(logits, y[batch])
            optimizer.zero_grad()  # else this batch's gradient adds to the last one's
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)  # the batch's sum of per-sample losses
        losses.append(total / n)  # per sample, whatever the batch sizes
    return weight.detach(), bias.detach(), torch.tensor(losses, dtype=x.dtype)
