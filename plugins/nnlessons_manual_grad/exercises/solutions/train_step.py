"""One training step by hand (reference solution)."""

import torch


def forward(params: dict[str, torch.Tensor], x: torch.Tensor) -> torch.Tensor:
    """The lesson's network: relu(x w + b) w2 + b2, (B, F) -> (B, 1). Given: do not change."""
    hidden = torch.relu(x.mm(params["weights"]) + params["biases"])  # (B, H)
    return hidden.mm(params["weights2"]) + params["biases2"]  # (B, 1)


def train_step(params: dict[str, torch.Tensor], x: torch.Tensor, y: torch.Tensor, lr: float) -> float:
    loss = ((forward(params, x) - y) ** 2).mean()  # y is (B, 1) like the predictions: nothing broadcasts
    loss.backward()  # adds dL/dt into t.grad (which is zero on entry)
    with torch.no_grad():  # the update is not part of the model: autograd must not record it
        for tensor in params.values():
            tensor -= lr * tensor.grad  # in place: the caller's leaf tensors change
            tensor.grad.zero_()  # or the next backward() adds on top of this step's gradient
    return loss.item()
