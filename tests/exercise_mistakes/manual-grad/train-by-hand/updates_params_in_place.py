# expect: changed its input 'params' in place
import torch


def train_by_hand(params, x, y, lr, steps):
    losses = []
    for _ in range(steps):
        z = x @ params["weights"] + params["biases"]
        h = torch.relu(z)
        p = h @ params["weights2"] + params["biases2"]
        losses.append(((p - y) ** 2).mean().item())
        d_p = 2 * (p - y) / len(x)
        d_z = (d_p @ params["weights2"].T) * (z > 0)
        params["weights"] -= lr * x.T @ d_z
        params["biases"] -= lr * d_z.sum(0)
        params["weights2"] -= lr * h.T @ d_p
        params["biases2"] -= lr * d_p.sum(0)
    return losses, {name: t.clone() for name, t in params.items()}
