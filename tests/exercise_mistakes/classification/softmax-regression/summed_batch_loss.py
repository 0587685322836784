# expect: the batch's loss is the sum over its samples
import torch


def fit(x, y, classes, epochs, lr, batch_size, generator):
    n, features = x.shape
    weight = torch.zeros(classes, features, dtype=x.dtype, requires_grad=True)
    bias = torch.zeros(classes, dtype=x.dtype, requires_grad=True)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            log_probs = torch.log_softmax(x[batch] @ weight.T + bias, dim=1)
            loss = -log_probs[torch.arange(len(batch)), y[batch]].sum()
            loss.backward()
            with torch.no_grad():
                weight -= lr * weight.grad
                bias -= lr * bias.grad
                weight.grad = None
                bias.grad = None
            total += loss.item()
        losses.append(total / n)
    return weight.detach(), bias.detach(), torch.tensor(losses, dtype=x.dtype)
