"""Steps 1-2, which need no MNIST: weight decay in Adam against AdamW, and a live state_dict against a copy.

Both run on the untrained network and the four digits `nnlessons.drawn_digit` draws, so they print
and plot the same on a machine without MNIST, where the run then stops at step 3 with exit code 2.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from nnlessons.drawn_digit import DRAWABLE_DIGITS, draw_digits
from nnlessons.precision import full_float32
from nnlessons.run_context import RunContext
from nnlessons_generalization import decay, plots, state_copies
from nnlessons_generalization.model import MLP

DECAY_FIGURE = "adam_l2_vs_adamw.png"


def drawn_batch(device: torch.device) -> tuple[torch.Tensor, torch.Tensor]:
    images = draw_digits().to(device)  # (4, 28, 28) in [0, 1], like MNIST bytes / 255
    return images, torch.tensor([int(d) for d in DRAWABLE_DIGITS], device=device)  # (4,)


def decay_step(ctx: RunContext, model: MLP, images: torch.Tensor, labels: torch.Tensor) -> dict[str, Any]:
    ctx.heading("1. L2 in Adam against decoupled weight decay in AdamW: one step, computed")
    p = ctx.params
    with full_float32():
        step = decay.one_step(model, images, labels, p.lr, p.weight_decay)
    idle = step.gradients == 0  # weights this batch gives no gradient: pixels blank in all four digits, ...
    l2_idle = step.adam_l2[idle].abs().mean().item() if idle.any() else 0.0
    w_idle = step.adamw[idle].abs().mean().item() if idle.any() else 0.0
    between = (step.adam_l2 - step.adamw).abs().max().item()
    ctx.table(f"One step from the same weights on the {len(labels)} drawn digits, lr {p.lr:g}, weight_decay {p.weight_decay:g}",
              ["", "Adam(weight_decay)", "AdamW(weight_decay)"], [
        ("max |step - its formula| (float64 formula)", step.adam_l2_formula_diff, step.adamw_formula_diff),
        (f"mean |step| of the {int(idle.sum()):,} weights whose gradient is exactly 0", l2_idle, w_idle),
        ("mean |step| of the other weights", step.adam_l2[~idle].abs().mean().item(), step.adamw[~idle].abs().mean().item()),
    ], caption=f"max |Adam step - AdamW step| over all {step.weights.numel():,} weights = {between:.3g}",
        formats={"Adam(weight_decay)": ".4g", "AdamW(weight_decay)": ".4g"})
    ctx.console.print(
        f"A weight with no gradient: Adam + L2 divides lambda w by its own size and moves it by about lr = {p.lr:g} "
        f"(mean {l2_idle:.3g}); AdamW shrinks it by lr lambda |w| (mean {w_idle:.3g}), "
        f"{l2_idle / max(w_idle, 1e-30):,.0f} times less.")
    ctx.save_figure(plots.decay_figure(step.weights[idle].cpu().numpy(), step.adam_l2[idle].cpu().numpy(),
                                       step.adamw[idle].cpu().numpy(), p.lr), DECAY_FIGURE, caption=(
        f"One step from the same weights for the {int(idle.sum()):,} weights the drawn digits give no gradient (pixels "
        f"blank in all four). Adam with weight_decay {p.weight_decay:g} moves each by about lr = {p.lr:g} towards 0 "
        f"(mean {l2_idle:.3g}), whatever its size; AdamW moves it by lr x lambda x w (mean {w_idle:.3g})."))
    return {"decay_adam_l2_formula_max_abs_diff": step.adam_l2_formula_diff,
            "decay_adamw_formula_max_abs_diff": step.adamw_formula_diff,
            "decay_steps_max_abs_diff": between, "decay_idle_weights": int(idle.sum()),
            "decay_idle_step_adam_l2": l2_idle, "decay_idle_step_adamw": w_idle,
            "decay_formula_tolerance": step.tolerance}


def state_dict_step(ctx: RunContext, model: MLP, images: torch.Tensor, labels: torch.Tensor) -> dict[str, Any]:
    ctx.heading("2. A state_dict kept as a checkpoint: live tensors or a deep copy")
    optimizer = torch.optim.Adam(model.parameters(), lr=ctx.params.lr)

    def step() -> None:
        F.cross_entropy(model(images), labels).backward()
        optimizer.step()
        optimizer.zero_grad()

    found = state_copies.after_one_step(model, step)
    ctx.table("Kept before one Adam step, compared with the weights after it", ["kept as", "max |kept - weights after|",
                                                                                 "shares the parameters' memory"], [
        ("best = model.state_dict()", found["live_vs_now"], str(found["live_shares_memory"])),
        ("best = copy.deepcopy(model.state_dict())", found["copy_vs_now"], str(found["copy_shares_memory"])),
    ], caption="the live one followed the step: it is not a checkpoint of anything, it is the model itself")
    return {"state_live_vs_after_step": found["live_vs_now"], "state_copy_vs_after_step": found["copy_vs_now"],
            "state_live_shares_memory": found["live_shares_memory"],
            "state_copy_shares_memory": found["copy_shares_memory"]}


def steps_before_data(ctx: RunContext) -> dict[str, Any]:
    images, labels = drawn_batch(ctx.device)
    with ctx.seeded(0):
        model = MLP(ctx.params.hidden).to(ctx.device)
    metrics = decay_step(ctx, model, images, labels)
    return metrics | state_dict_step(ctx, model, images, labels)
