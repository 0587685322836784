# expect: gradients accumulate from step to step
import torch


def train_by_hand(params, x, y, lr, steps):
    weights, biases, weights2, biases2 = params["weights"], params["biases"], params["weights2"], params["biases2"]
    grads = {name: torch.zeros_like(t) for name, t in params.items()}  # made once, never reset
    losses = []
    for _ in range(steps):
        z = x.mm(weights) + biases
        h = torch.relu(z)
        p = h.mm(weights2) + biases2
        losses.append(((p - y) ** 2).mean().item())
        d_p = 2 * (p - y) / len(x)
        d_z = d_p.mm(weights2.T) * (z > 0)
        grads["weights"] += x.T.mm(d_z)
        grads["biases"] += d_z.sum(dim=0)
        grads["weights2"] += h.T.mm(d_p)
        grads["biases2"] += d_p.sum(dim=0)
        weights = weights - lr * grads["weights"]
        biases = biases - lr * grads["biases"]
        weights2 = weights2 - lr * grads["weights2"]
        biases2 = biases2 - lr * grads["biases2"]
    return losses, {"weights": weights, "biases": biases, "weights2": weights2, "biases2": biases2}
