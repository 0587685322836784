"""Walk a model with forward hooks and record each leaf layer's output shape and parameters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch


@dataclass(frozen=True)
class LayerRow:
    name: str
    kind: str
    output_shape: str
    params: int


def _shape_text(output: Any) -> str:
    """[1, 6, 28, 28] for a tensor; tuples (an LSTM's output, (h, c))) shown element by element."""
    import torch

    if isinstance(output, torch.Tensor):
        return str(list(output.shape))
    if isinstance(output, (tuple, list)):
        return ", ".join(_shape_text(o) for o in output)
    return type(output).__name__


def layer_rows(model: torch.nn.Module, example_input: torch.Tensor) -> list[LayerRow]:
    """Run `example_input` through `model` once and return one row per leaf module, in call order."""
    import torch

    rows: list[LayerRow] = []
    handles = []
    for name, module in model.named_modules():
        if any(True for _ in module.children()):
            continue  # only leaves: containers would count their children twice

        def hook(mod: torch.nn.Module, _inp: Any, out: Any, name: str = name) -> None:
            params = sum(p.numel() for p in mod.parameters(recurse=False))
            rows.append(LayerRow(name or type(mod).__name__, type(mod).__name__, _shape_text(out), params))

        handles.append(module.register_forward_hook(hook))
    try:
        with torch.no_grad():
            model(example_input)
    finally:
        for handle in handles:
            handle.remove()
    return rows
