# expect: optimizer's state was not restored
"""A wrong solution: no_optimizer_state."""

import copy
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset


def train(model: nn.Module, optimizer: torch.optim.Optimizer, train_set: tuple[torch.Tensor, torch.Tensor],
          val_set: tuple[torch.Tensor, torch.Tensor], epochs: int, batch_size: int, seed: int, path: Path) -> dict:
    generator = torch.Generator().manual_seed(seed)
    start, best = 0, {"best_model": None, "best_loss": float("inf"), "best_epoch": 0}
    if Path(path).exists():  # a run stopped here before: continue it
        checkpoint = torch.load(path, weights_only=True)
        model.load_state_dict(checkpoint["model"])
        generator.set_state(checkpoint["shuffle_rng"])  # the next epoch's order
        torch.set_rng_state(checkpoint["torch_rng"])  # the next dropout masks
        start = checkpoint["epoch"]  # epochs finished
        best = {key: checkpoint[key] for key in best}
    loader = DataLoader(TensorDataset(*train_set), batch_size=batch_size, shuffle=True, generator=generator)
    for epoch in range(start, epochs):
        model.train()
        for x, y in loader:
            optimizer.zero_grad()
            F.mse_loss(model(x), y).backward()
            optimizer.step()
        model.eval()
        with torch.no_grad():
            val_loss = F.mse_loss(model(val_set[0]), val_set[1]).item()
        if val_loss < best["best_loss"]:
            # a copy: model.state_dict() shares its tensors with the model, which the next steps change
            best = {"best_model": copy.deepcopy(model.state_dict()), "best_loss": val_loss, "best_epoch": epoch + 1}
        torch.save({"model": model.state_dict(), "optimizer": optimizer.state_dict(), "epoch": epoch + 1,
                    "shuffle_rng": generator.get_state(), "torch_rng": torch.get_rng_state(), **best}, path)
    return best
