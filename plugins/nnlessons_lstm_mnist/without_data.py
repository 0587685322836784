"""Step 1, which needs no MNIST: the model's shapes, gate equations and parameters on drawn digits.

Everything here runs on a batch of digits drawn by `nnlessons.drawn_digit`, so it prints and
plots the same on a machine that has no MNIST and no network.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from nnlessons.drawn_digit import DRAWABLE_DIGITS, draw_digits
from nnlessons.mnist import standardize
from nnlessons.precision import full_float32
from nnlessons.run_context import RunContext
from nnlessons_lstm_mnist import plots
from nnlessons_lstm_mnist.model import (
    GATES,
    RowLSTM,
    expected_parameter_count,
    lstm_by_hand,
    parameter_rows,
    without_batch_first,
)

ROW_READING_FIGURE = "lstm_reads_rows.png"


def drawn_batch(device: torch.device, normalize: bool) -> torch.Tensor:
    """The drawn digits 0, 1, 3, 7 as a batch (4, 28, 28), scaled like the training data, on `device`."""
    images = draw_digits().to(device)  # (4, 28, 28) in [0, 1], moved once
    return standardize(images) if normalize else images


@dataclass
class LstmPass:
    """One pass of a batch through the model, and the same batch through the LSTM equations by hand."""

    outputs: torch.Tensor  # (B, 28, H): h_t at every step
    h_n: torch.Tensor  # (1, B, H)
    c_n: torch.Tensor  # (1, B, H)
    logits: torch.Tensor  # (B, 10)
    by_hand: tuple[torch.Tensor, torch.Tensor, torch.Tensor]  # outputs, h_n, c_n from `lstm_by_hand`
    time_first_outputs: torch.Tensor  # (B, 28, H): the same weights reading (B, 28, 28) as B steps


def run_batch(model: RowLSTM, images: torch.Tensor) -> LstmPass:
    """Run `images` (B, 28, 28) through nn.LSTM, the Linear layer, the hand-written equations and a time-first LSTM."""
    with torch.no_grad(), full_float32():
        outputs, (h_n, c_n) = model.lstm(images)  # (B, 28, 100), (1, B, 100), (1, B, 100)
        return LstmPass(
            outputs=outputs,
            h_n=h_n,
            c_n=c_n,
            logits=model(images),  # (B, 10)
            by_hand=lstm_by_hand(images, model.lstm),
            time_first_outputs=without_batch_first(model.lstm)(images)[0],  # (B, 28, 100), wrong numbers
        )


def show_shapes(ctx: RunContext, images: torch.Tensor, lstm_pass: LstmPass) -> None:
    p = lstm_pass
    rows = [
        ("input: B digits, 28 rows (time steps) of 28 pixels", list(images.shape)),
        ("LSTM output: h_t at every step t", list(p.outputs.shape)),
        ("h_n: hidden state after the last row", list(p.h_n.shape)),
        ("c_n: cell state (the memory) after the last row", list(p.c_n.shape)),
        ("output[:, -1, :]: what the Linear layer reads", list(p.outputs[:, -1, :].shape)),
        ("logits: one score per digit", list(p.logits.shape)),
    ]
    ctx.table("Shapes through the model", ["tensor", "shape"], [(name, str(shape)) for name, shape in rows],
              caption=f"B = {len(images)} drawn digits ({', '.join(DRAWABLE_DIGITS)}); "
                      "the leading 1 of h_n and c_n is (layers x directions)")


def show_checks(ctx: RunContext, lstm_pass: LstmPass) -> dict[str, float]:
    """The last step is h_n; the equations by hand give nn.LSTM's numbers; no batch_first runs but is wrong."""
    p = lstm_pass
    by_hand_outputs, by_hand_h, by_hand_c = p.by_hand
    last_vs_h = (p.outputs[:, -1, :] - p.h_n[0]).abs().max().item()
    same_shape = p.time_first_outputs.shape == p.outputs.shape
    time_first_difference = (p.time_first_outputs - p.outputs).abs().max().item()
    by_hand = max((by_hand_outputs - p.outputs).abs().max().item(), (by_hand_h - p.h_n).abs().max().item(),
                  (by_hand_c - p.c_n).abs().max().item())
    ctx.table(
        "Checks",
        ["claim", "max abs difference"],
        [("output[:, -1, :] equals h_n[0] (one layer, one direction)", last_vs_h),
         ("the gate equations written by hand equal nn.LSTM (outputs, h_n, c_n)", by_hand),
         (f"the same weights without batch_first: no error, output shape {list(p.time_first_outputs.shape)}"
          f"{' (the same!)' if same_shape else ''}, but other numbers", time_first_difference)],
    )
    return {"last_step_vs_h_n_max_abs_diff": last_vs_h, "by_hand_vs_nn_lstm_max_abs_diff": by_hand,
            "no_batch_first_same_shape": int(same_shape), "no_batch_first_max_abs_diff": time_first_difference}


def show_parameters(ctx: RunContext, model: RowLSTM) -> dict[str, int]:
    rows = parameter_rows(model)
    total = sum(count for _, _, count, _ in rows)
    formula = expected_parameter_count(model.lstm.hidden_size)
    ctx.table(
        "Parameters per tensor",
        ["tensor", "shape", "parameters", "what it is"],
        rows,
        footer=["total", "", total, f"formula 4*(100*28 + 100*100 + 2*100) + 100*10 + 10 = {formula:,}"],
        caption=f"the 4*100 rows of the LSTM tensors are the gates, in PyTorch's order: {', '.join(GATES)}",
    )
    return {"parameter_count": total, "parameter_count_formula": formula}


def state_change_per_step(outputs: torch.Tensor) -> torch.Tensor:
    """||h_t - h_(t-1)|| for every step, with h_(-1) = 0 as nn.LSTM starts: (B, 28, H) -> (B, 28)."""
    return torch.diff(outputs, dim=1, prepend=torch.zeros_like(outputs[:, :1])).norm(dim=2)  # (B, 28)


def show_row_reading(ctx: RunContext, images: torch.Tensor, outputs: torch.Tensor) -> dict[str, float]:
    """Plot each drawn digit next to h_t and how far h_t moves per row; tabulate the biggest and smallest moves."""
    changes = state_change_per_step(outputs)  # (B, 28)
    ink = images - images.amin(dim=(1, 2), keepdim=True)  # (B, 28, 28): background 0 whatever the scaling
    inked_rows = ink.sum(dim=2) > 0.5  # (B, 28): rows with at least half a pixel of ink
    on_ink = changes.masked_fill(~inked_rows, float("inf"))  # (B, 28): blank rows never the smallest
    rows = []
    for b, digit in enumerate(DRAWABLE_DIGITS):
        biggest, smallest = int(changes[b].argmax()), int(on_ink[b].argmin())
        rows.append((digit, int(inked_rows[b].sum()), f"{changes[b, biggest].item():.3f} (row {biggest})",
                     f"{changes[b, smallest].item():.4f} (row {smallest})"))
    ctx.table(
        "How far the untrained LSTM's state moves per row: ||h_t - h_(t-1)||",
        ["drawn digit", "rows with ink", "biggest move (row)", "smallest move on a row with ink (row)"],
        rows,
        caption=f"{ROW_READING_FIGURE} shows every row; the 1's straight stroke repeats one row, and h_t settles",
    )
    fig = plots.rows_as_time_steps_figure(ink.cpu().numpy(), outputs.cpu().numpy(), changes.cpu().numpy(),
                                          list(DRAWABLE_DIGITS))
    ctx.save_figure(fig, ROW_READING_FIGURE, caption=(
        f"The drawn digits {', '.join(DRAWABLE_DIGITS)} as the untrained LSTM reads them, one block each: the image, "
        "whose row t is the input of time step t; the hidden state h_t after each step, on the same vertical axis; "
        "and how far the state moves at each step, ||h_t - h_(t-1)||."))
    one = DRAWABLE_DIGITS.index("1")
    return {"drawn_one_smallest_move_on_ink": changes[one, int(on_ink[one].argmin())].item(),
            "drawn_one_biggest_move": changes[one].max().item()}


def model_before_data(ctx: RunContext, model: RowLSTM, normalize: bool) -> dict[str, float]:
    """Step 1: shapes, checks, parameters and the row-by-row picture, all on drawn digits."""
    images = drawn_batch(ctx.device, normalize)  # (4, 28, 28)
    lstm_pass = run_batch(model, images)
    show_shapes(ctx, images, lstm_pass)
    metrics = show_checks(ctx, lstm_pass)
    metrics |= show_parameters(ctx, model)
    metrics |= show_row_reading(ctx, images, lstm_pass.outputs)
    return metrics
