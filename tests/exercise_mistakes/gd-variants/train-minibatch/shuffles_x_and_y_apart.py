# expect: two different permutations
import torch


def train_minibatch(w0, x, y, lr, batch_size, epochs, generator):
    w, weights, losses = w0, [w0], []
    for _ in range(epochs):
        x_e = x[torch.randperm(len(x), generator=generator)]
        y_e = y[torch.randperm(len(y), generator=generator)]
        total = 0.0
        for x_b, y_b in zip(x_e.split(batch_size), y_e.split(batch_size)):
            errors = w * x_b - y_b
            total = total + (errors ** 2).sum()
            w = w - lr * (2 * x_b * errors).mean()
        weights.append(w)
        losses.append(total / len(x))
    return torch.stack(weights), torch.stack(losses)
