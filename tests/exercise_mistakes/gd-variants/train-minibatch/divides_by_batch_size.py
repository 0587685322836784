# expect: divided by batch_size
import torch


def train_minibatch(w0, x, y, lr, batch_size, epochs, generator):
    w, weights, losses = w0, [w0], []
    for _ in range(epochs):
        order = torch.randperm(len(x), generator=generator)
        total = 0.0
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            errors = w * x[batch] - y[batch]
            total = total + (errors ** 2).sum()
            w = w - lr * (2 * x[batch] * errors).sum() / batch_size
        weights.append(w)
        losses.append(total / len(x))
    return torch.stack(weights), torch.stack(losses)
