"""Mini-batch gradient descent on y_hat = w * x, from a specification (reference solution)."""

import torch


def train_minibatch(w0: torch.Tensor, x: torch.Tensor, y: torch.Tensor, lr: float, batch_size: int, epochs: int,
                    generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    w = w0
    weights, losses = [w0], []
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)  # a new order every epoch, from the one generator
        squared_errors = 0.0
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]  # the last batch may be shorter
            x_batch, y_batch = x[batch], y[batch]
            errors = w * x_batch - y_batch  # at the weight before this batch's update
            squared_errors = squared_errors + (errors ** 2).sum()
            w = w - lr * (2 * x_batch * errors).mean()  # one update per batch
        weights.append(w)
        losses.append(squared_errors / len(x))  # per sample: a short last batch counts for fewer samples
    return torch.stack(weights), torch.stack(losses)  # stack copies: nothing shares memory with w0
