"""Steps 1-3, which need no MNIST: the network on drawn digits, written twice, and the loss on its logits.

Everything here runs on digits drawn by `nnlessons.drawn_digit`, so it prints and plots the same on
a machine that has no MNIST and no network.
"""

from __future__ import annotations

from typing import Any

import torch
import torch.nn.functional as F

from nnlessons.drawn_digit import DRAWABLE_DIGITS, draw_digits
from nnlessons.mnist import standardize
from nnlessons.run_context import RunContext
from nnlessons_mnist_mlp import plots
from nnlessons_mnist_mlp.model import (
    IMAGE_PIXELS,
    N_CLASSES,
    MnistMLP,
    detached_weights,
    mlp_functional,
    softmax_pitfall_loss_floor,
)
from nnlessons_mnist_mlp.training import TensorData

SIDE = 28  # an MNIST image is SIDE x SIDE pixels
SHOWN_DIGIT = "7"  # the drawn digit the figures follow
TEMPLATE_UNITS = 4  # hidden units shown as 28 x 28 templates: the first ones, no picking
FLATTEN_FIGURE = "flattened_digit.png"
TEMPLATE_FIGURE = "hidden_unit_templates.png"


def drawn_digits(device: torch.device, normalize: bool) -> TensorData:
    """The drawn digits 0, 1, 3, 7 (4, 28, 28), scaled like the training data, and their labels (4,), on `device`."""
    images = draw_digits().to(device)  # (4, 28, 28) in [0, 1], like MNIST bytes / 255; moved once
    if normalize:
        images = standardize(images)
    labels = torch.tensor([int(digit) for digit in DRAWABLE_DIGITS], device=device)  # (4,)
    return TensorData(images, labels)


# ---- 1. flattening, the layers, the parameter count --------------------------------------------


def flatten_checks(model: MnistMLP, images: torch.Tensor) -> dict[str, float]:
    """nn.Flatten is a reshape to 784 numbers, row after row: pixel (r, c) lands at position 28 r + c."""
    flat = model.flatten(images)  # (B, 28, 28) -> (B, 784)
    with_channel = model.flatten(images.unsqueeze(1))  # (B, 1, 28, 28), as ImageFolder gives -> (B, 784)
    rows, columns = torch.meshgrid(torch.arange(SIDE, device=images.device), torch.arange(SIDE, device=images.device),
                                   indexing="ij")  # (28, 28) each
    by_position = flat[:, SIDE * rows + columns]  # (B, 28, 28): flat[28 r + c] put back at (r, c)
    return {
        "flatten_vs_reshape_max_abs_diff": (flat - images.reshape(len(images), IMAGE_PIXELS)).abs().max().item(),
        "flatten_with_channel_max_abs_diff": (with_channel - flat).abs().max().item(),
        "flatten_position_mismatches": int((by_position != images).sum()),
    }


def show_flattening(ctx: RunContext, model: MnistMLP, digits: TensorData) -> dict[str, float]:
    checks = flatten_checks(model, digits.images)
    image = digits.images[DRAWABLE_DIGITS.index(SHOWN_DIGIT)]  # (28, 28)
    inkiest_row = int((image - image.min()).sum(dim=1).argmax())
    start = SIDE * inkiest_row
    ctx.table(f"Flattening: a {SIDE} x {SIDE} image becomes {IMAGE_PIXELS} inputs, row after row", ["what", "value"], [
        ("drawn digits (the lesson draws them; no data needed)", f"{', '.join(DRAWABLE_DIGITS)}: {list(digits.images.shape)}"),
        ("nn.Flatten(): shape in -> shape out", f"{list(digits.images.shape)} -> {list(model.flatten(digits.images).shape)}"),
        ("max |Flatten(x) - x.reshape(4, 784)|", checks["flatten_vs_reshape_max_abs_diff"]),
        ("pixels (r, c) not at position 28 r + c (of 4 x 784)", checks["flatten_position_mismatches"]),
        ("(4, 1, 28, 28) as ImageFolder gives: max diff to (4, 28, 28) flattened", checks["flatten_with_channel_max_abs_diff"]),
        (f"row {inkiest_row} of the '{SHOWN_DIGIT}' (its most ink)", f"positions {start}..{start + SIDE - 1} of 784"),
    ], caption=f"{FLATTEN_FIGURE}: the digit and its 784 numbers; the network never learns which pixels were neighbours")
    fig = plots.flattened_digit_figure(image.cpu().numpy(), model.flatten(image[None])[0].cpu().numpy(), inkiest_row)
    ctx.save_figure(fig, FLATTEN_FIGURE, caption=(
        f"Top: the drawn '{SHOWN_DIGIT}', {SIDE} x {SIDE} pixels, with row {inkiest_row} (its row with the most ink) boxed. "
        f"Bottom: the same pixels as the {IMAGE_PIXELS} numbers the first Linear layer receives, one image row after "
        f"another; row {inkiest_row} is positions {start}..{start + SIDE - 1}, shaded."))
    return checks


def show_layers(ctx: RunContext, model: MnistMLP, digits: TensorData) -> dict[str, int]:
    total = ctx.layer_table(model, digits.images, f"MnistMLP, for the batch of {len(digits)} drawn digits")
    hidden = ctx.params.hidden
    by_formula = IMAGE_PIXELS * hidden + hidden + hidden * N_CLASSES + N_CLASSES
    ctx.console.print(f"Parameters by formula 784*{hidden} + {hidden} + {hidden}*10 + 10 = {by_formula:,}; "
                      f"counted by PyTorch: {total:,}.")
    return {"parameters": total, "parameters_by_formula": by_formula}


def show_templates(ctx: RunContext, model: MnistMLP, digits: TensorData) -> dict[str, float]:
    """A hidden unit is a 28 x 28 template: sum(weights * pixels) + bias is what Linear computes for it."""
    units = min(TEMPLATE_UNITS, ctx.params.hidden)
    image = digits.images[DRAWABLE_DIGITS.index(SHOWN_DIGIT)]  # (28, 28)
    with torch.no_grad():
        templates = model.hidden.weight.detach()[:units].view(units, SIDE, SIDE)  # (U, 784) -> (U, 28, 28)
        contributions = templates * image  # (U, 28, 28): what each pixel adds to each unit
        by_template = contributions.sum(dim=(1, 2)) + model.hidden.bias[:units]  # (U,)
        by_layer = model.hidden(model.flatten(image[None]))[0, :units]  # (1, 784) -> (1, hidden) -> (U,)
    difference = (by_template - by_layer).abs().max().item()
    ctx.table(f"Hidden units as {SIDE} x {SIDE} templates, untrained, on the drawn '{SHOWN_DIGIT}'",
              ["unit", "sum(template * image) + bias", "Linear(784, hidden) output", "after ReLU"],
              [(j, by_template[j].item(), by_layer[j].item(), by_layer[j].clamp_min(0).item()) for j in range(units)],
              caption=f"max abs difference {difference:.2e}; {TEMPLATE_FIGURE} shows the templates (random at the start, "
                      f"uniform in +-1/sqrt(784) = +-{IMAGE_PIXELS ** -0.5:.4f})")
    fig = plots.hidden_unit_templates_figure(templates.cpu().numpy(), contributions.cpu().numpy(), by_layer.cpu().numpy())
    ctx.save_figure(fig, TEMPLATE_FIGURE, caption=(
        f"The first {units} hidden unit{'s' if units > 1 else ''} of the untrained network. Top: a unit's "
        f"{IMAGE_PIXELS} weights drawn as a {SIDE} x {SIDE} template (random at the start). Bottom: the template "
        f"times the drawn '{SHOWN_DIGIT}', pixel by pixel; their sum plus the bias is the unit's output, in the title."))
    return {"template_vs_linear_max_abs_diff": difference}


def network_step(ctx: RunContext, model: MnistMLP, digits: TensorData) -> dict[str, Any]:
    ctx.heading("1. The network, before any data: 784 -> hidden -> 10, outputs are logits")
    metrics: dict[str, Any] = show_flattening(ctx, model, digits)
    metrics |= show_layers(ctx, model, digits)
    metrics |= show_templates(ctx, model, digits)
    return metrics


# ---- 2. the network, twice ---------------------------------------------------------------------


def functional_vs_module_step(ctx: RunContext, model: MnistMLP, digits: TensorData) -> dict[str, float]:
    """Same weights, same batch: the nn.Module and the torch.nn.functional versions must agree, gradients too."""
    ctx.heading("2. The same network with torch.nn.functional and as an nn.Module")
    weights = detached_weights(model)
    functional_logits = mlp_functional(digits.images, *weights)  # (4, 10)
    module_logits = model(digits.images)  # (4, 10)
    F.cross_entropy(functional_logits, digits.labels).backward()
    F.cross_entropy(module_logits, digits.labels).backward()
    module_grads = [model.hidden.weight.grad, model.hidden.bias.grad, model.output.weight.grad, model.output.bias.grad]
    output_diff = (functional_logits - module_logits).abs().max().item()
    grad_diff = max((w.grad - g).abs().max().item() for w, g in zip(weights, module_grads))
    model.zero_grad(set_to_none=True)  # this check must not leak gradients into training
    ctx.table(f"Functional vs module, same weights and the same {len(digits)} drawn digits", ["compared", "max abs difference"], [
        (f"logits ({len(digits)} x 10)", output_diff),
        ("gradients of the loss, all 4 weight tensors", grad_diff),
    ])
    return {"functional_vs_module_max_abs_diff": output_diff, "functional_vs_module_grad_max_abs_diff": grad_diff}


# ---- 3. logits, loss and softmax ---------------------------------------------------------------


def loss_on_logits_step(ctx: RunContext, model: MnistMLP, digits: TensorData) -> dict[str, float]:
    """CrossEntropyLoss already contains log-softmax: show it, and the floor a softmax before it creates."""
    ctx.heading("3. CrossEntropyLoss takes logits: it applies log-softmax itself")
    with torch.no_grad():
        logits = model(digits.images)  # (4, 10)
        built_in = torch.nn.CrossEntropyLoss()(logits, digits.labels)
        by_hand = -torch.log(torch.softmax(logits, dim=1)).gather(1, digits.labels[:, None]).mean()  # mean of -log p_label
        nll = F.nll_loss(F.log_softmax(logits, dim=1), digits.labels)
    floor = softmax_pitfall_loss_floor(ctx.device)
    ctx.table(f"One loss, three spellings (untrained network, the {len(digits)} drawn digits)",
              ["spelling", "loss", "max abs diff to CrossEntropyLoss"], [
        ("CrossEntropyLoss()(logits, labels)", built_in.item(), 0.0),
        ("NLLLoss(log_softmax(logits))", nll.item(), (nll - built_in).abs().item()),
        ("mean of -log softmax(logits)[label]", by_hand.item(), (by_hand - built_in).abs().item()),
    ], caption=f"Feeding probabilities instead: the loss can never go below -1 + log(e + 9) = {floor:.6f}, even for perfect answers.")
    return {
        "cross_entropy_vs_nll_log_softmax_max_abs_diff": (nll - built_in).abs().item(),
        "cross_entropy_vs_by_hand_max_abs_diff": (by_hand - built_in).abs().item(),
    }


def steps_before_data(ctx: RunContext, model: MnistMLP) -> dict[str, Any]:
    """Steps 1-3 on the drawn digits: they need neither MNIST nor a network connection."""
    digits = drawn_digits(ctx.device, ctx.params.normalize)
    metrics = network_step(ctx, model, digits)
    metrics |= functional_vs_module_step(ctx, model, digits)
    metrics |= loss_on_logits_step(ctx, model, digits)
    return metrics
