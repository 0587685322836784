"""Train with a validation pass every epoch, and keep the best checkpoint.

Task: write `fit(model, train_loader, val_loader, optimizer, loss_fn, epochs)` from this
specification.

For each of `epochs` epochs:
1. train: one pass over train_loader, one update per batch by `optimizer` from the gradient of
   `loss_fn` on that batch alone, with the model's layers in training mode;
2. validate: one pass over val_loader with dropout off and batch norm on its running statistics
   (the validation must not change them), without recording anything for a backward pass;
3. record the epoch in the history, a list with one dict per epoch:

       {"epoch": 1, "train_loss": 0.83, "val_loss": 0.91, "val_accuracy": 0.62}

   - "epoch": counting from 1 (a Python int);
   - "train_loss": the mean of loss_fn over every training example of the epoch, each batch's
     loss taken when the batch was trained on (a Python float);
   - "val_loss", "val_accuracy": the mean loss over every validation example and the fraction
     whose largest output is on the label, after the epoch's training (Python floats);
4. keep the best checkpoint: the model's state_dict at the epoch with the lowest val_loss so far
   (the first such epoch on a tie), as it was at that epoch, unchanged by later training.

Return (history, best_state). The model ends with the last epoch's weights.

Shapes and types: the loaders are iterables of (inputs, labels) batches, labels (B,) int64; a last
batch may be shorter; loss_fn averages over its batch, such as nn.CrossEntropyLoss(); the model and
the optimizer are changed in place.

Example:

    >>> torch.manual_seed(0)
    <torch._C.Generator object at ...>
    >>> model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.2), nn.Linear(8, 3))
    >>> x, y = torch.randn(20, 4), torch.arange(20) % 3
    >>> train = [(x[:6], y[:6]), (x[6:12], y[6:12]), (x[12:14], y[12:14])]     # 6, 6, then 2 examples
    >>> val = [(x[14:18], y[14:18]), (x[18:], y[18:])]                          # 4, then 2
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.5)
    >>> history, best_state = fit(model, train, val, optimizer, nn.CrossEntropyLoss(), 4)
    >>> [(h["epoch"], round(h["train_loss"], 4), round(h["val_loss"], 4), round(h["val_accuracy"], 4)) for h in history]
    [(1, 1.0966, 1.0815, 0.3333), (2, 1.0112, 1.0667, 0.3333), (3, 0.8865, 1.1085, 0.1667), (4, 0.887, 1.165, 0.3333)]
    >>> torch.equal(best_state["0.weight"], model[0].weight)   # the best was epoch 2, the model is at epoch 4
    False

Rules: the check runs your fit on seeded synthetic data with a small network with dropout and
batch norm, next to a reference loop on an exact copy with the same seeds (SGD with momentum,
Adam, label smoothing; short last batches; a model handed over in eval()). It compares every
weight and batch norm statistic after training (to 1e-5), each epoch of the history (to 1e-6), the
best checkpoint with the reference's, and in which mode and with or without autograd every batch
went through the model.
"""

import torch
from torch import nn


def fit(model: nn.Module, train_loader, val_loader, optimizer: torch.optim.Optimizer, loss_fn,
        epochs: int) -> tuple[list[dict], dict]:
    raise NotImplementedError("write this function")
