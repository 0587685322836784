# expect: every epoch used the same order
import torch


def train_minibatch(w0, x, y, lr, batch_size, epochs, generator):
    order = torch.randperm(len(x), generator=generator)
    x_shuffled, y_shuffled = x[order], y[order]
    w, weights, losses = w0, [w0], []
    for _ in range(epochs):
        total = 0.0
        for x_b, y_b in zip(x_shuffled.split(batch_size), y_shuffled.split(batch_size)):
            errors = w * x_b - y_b
            total = total + (errors ** 2).sum()
            w = w - lr * (2 * x_b * errors).mean()
        weights.append(w)
        losses.append(total / len(x))
    return torch.stack(weights), torch.stack(losses)
