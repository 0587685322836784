# expect: mean of the batch losses
import torch


def train_minibatch(w0, x, y, lr, batch_size, epochs, generator):
    w, weights, losses = w0, [w0], []
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        batch_losses = []
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            errors = w * x[batch] - y[batch]
            batch_losses.append((errors ** 2).mean())
            w = w - lr * (2 * x[batch] * errors).mean()
        weights.append(w)
        losses.append(sum(batch_losses) / len(batch_losses))
    return torch.stack(weights), torch.stack(losses)
