# expect: F.cross_entropy and F.nll_loss are switched off
import torch
import torch.nn.functional as F


def fit(x, y, classes, epochs, lr, batch_size, generator):
    n, features = x.shape
    weight = torch.zeros(classes, features, dtype=x.dtype, requires_grad=True)
    bias = torch.zeros(classes, dtype=x.dtype, requires_grad=True)
    optimizer = torch.optim.SGD([weight, bias], lr=lr)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        total = 0.0
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            loss = F.cross_entropy(x[batch] @ weight.T + bias, y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        losses.append(total / n)
    return weight.detach(), bias.detach(), torch.tensor(losses, dtype=x.dtype)
