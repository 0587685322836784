# expect: divided by the number of classes
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
            log_probs = torch.log_softmax(x[batch] @ weight.T + bias, dim=1)
            one_hot = F.one_hot(y[batch], classes).to(x.dtype)
            loss = -(one_hot * log_probs).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        losses.append(total / n)
    return weight.detach(), bias.detach(), torch.tensor(losses, dtype=x.dtype)
