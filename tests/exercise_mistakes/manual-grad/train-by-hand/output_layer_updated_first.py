# expect: weights2 was updated before dL/dz was computed
import torch


def train_by_hand(params, x, y, lr, steps):
    w, b, w2, b2 = params["weights"], params["biases"], params["weights2"], params["biases2"]
    losses = []
    for _ in range(steps):
        z = x @ w + b
        h = torch.relu(z)
        p = h @ w2 + b2
        losses.append(((p - y) ** 2).mean().item())
        d_p = 2 * (p - y) / len(x)
        w2 = w2 - lr * h.T @ d_p  # the output layer first ...
        b2 = b2 - lr * d_p.sum(0)
        d_z = (d_p @ w2.T) * (z > 0)  # ... so this uses the NEW weights2
        w = w - lr * x.T @ d_z
        b = b - lr * d_z.sum(0)
    return losses, {"weights": w, "biases": b, "weights2": w2, "biases2": b2}
