# expect: not shuffled
import torch


def train_minibatch(w0, x, y, lr, batch_size, epochs, generator):
    w, weights, losses = w0, [w0], []
    for _ in range(epochs):
        total = 0.0
        for x_b, y_b in zip(x.split(batch_size), y.split(batch_size)):
            errors = w * x_b - y_b
            total = total + (errors ** 2).sum()
            w = w - lr * (2 * x_b * errors).mean()
        weights.append(w)
        losses.append(total / len(x))
    return torch.stack(weights), torch.stack(losses)
