# expect: every epoch used the same order
import torch


def train_minibatch(w0, x, y, lr, batch_size, epochs, generator):
    w, weights, losses = w0, [w0], []
    for _ in range(epochs):
        shuffler = torch.Generator().manual_seed(generator.initial_seed())  # "reproducible": but the same every epoch
        order = torch.randperm(len(x), generator=shuffler)
        total = 0.0
        for start in range(0, len(x), batch_size):
            batch = order[start:start + batch_size]
            errors = w * x[batch] - y[batch]
            total = total + (errors ** 2).sum()
            w = w - lr * (2 * x[batch] * errors).mean()
        weights.append(w)
        losses.append(total / len(x))
    return torch.stack(weights), torch.stack(losses)
