# expect: a short last batch counts as much as a full one
import torch


def fit(x, y, classes, epochs, lr, batch_size, generator):
    n, features = x.shape
    weight = torch.zeros(classes, features, dtype=x.dtype, requires_grad=True)
    bias = torch.zeros(classes, dtype=x.dtype, requires_grad=True)
    optimizer = torch.optim.SGD([weight, bias], lr=lr)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(n, generator=generator)
        batch_losses = []
        for start in range(0, n, batch_size):
            batch = order[start:start + batch_size]
            log_probs = torch.log_softmax(x[batch] @ weight.T + bias, dim=1)
            loss = -log_probs[torch.arange(len(batch)), y[batch]].mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        losses.append(sum(batch_losses) / len(batch_losses))
    return weight.detach(), bias.detach(), torch.tensor(losses, dtype=x.dtype)
