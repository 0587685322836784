# expect: softmax ran twice
import torch


def cross_entropy(logits, labels):
    log_probs = logits - logits.logsumexp(dim=1, keepdim=True)
    return -log_probs[torch.arange(len(labels)), labels].mean()


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
            probabilities = torch.softmax(x[batch] @ weight.T + bias, dim=1)  # "the model outputs probabilities"
            loss = cross_entropy(probabilities, y[batch])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            total += loss.item() * len(batch)
        losses.append(total / n)
    return weight.detach(), bias.detach(), torch.tensor(losses, dtype=x.dtype)
