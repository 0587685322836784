# expect: switched off
import torch


def train_by_hand(params, x, y, lr, steps):
    tensors = {name: t.clone().requires_grad_(True) for name, t in params.items()}
    losses = []
    for _ in range(steps):
        p = torch.relu(x @ tensors["weights"] + tensors["biases"]) @ tensors["weights2"] + tensors["biases2"]
        loss = ((p - y) ** 2).mean()
        loss.backward()
        losses.append(loss.item())
        with torch.no_grad():
            for t in tensors.values():
                t -= lr * t.grad
                t.grad = None
    return losses, {name: t.detach() for name, t in tensors.items()}
