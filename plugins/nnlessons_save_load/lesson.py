"""The save-load lesson, step by step: train, compare two ways of writing the net, save, load, reload elsewhere."""

from __future__ import annotations

import math
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch
from torch import nn

from nnlessons import LessonInputError
from nnlessons.run_context import RunContext
from nnlessons_save_load import pickle_risk, storage
from nnlessons_save_load.data import make_curve, true_curve_loss
from nnlessons_save_load.fresh_process import restore_in_fresh_process
from nnlessons_save_load.nets import RegressionNet, copy_by_position, parameter_count, sequential_net
from nnlessons_save_load.pinned_file import PinnedFile
from nnlessons_save_load.plots import fits_figure
from nnlessons_save_load.training import max_abs_diff, predict, train

WHOLE_FILE = "whole_model.pt"
STATE_FILE = "state_dict.pt"
SIZE_WIDTHS = [10, 1000]


def run(ctx: RunContext) -> dict[str, Any]:
    """Every step of the lesson; returns its metrics, among them `max_abs_diff_restored`."""
    x_cpu, y_cpu = make_curve(ctx.generator(0), ctx.params.points, ctx.params.noise)  # (N, 1) each
    x, y = x_cpu.to(ctx.device), y_cpu.to(ctx.device)  # moved once
    model, losses, metrics = show_training(ctx, x, y)
    metrics.update(show_two_ways(ctx, model, x))
    whole, state_path, saved = show_saving(ctx, model)
    fits, loaded = show_loading(ctx, model, x, whole, state_path)
    fresh = show_fresh_process(ctx, model, x, whole, state_path)
    for step_metrics in (saved, loaded, fresh, show_pickle_risk(ctx)):
        metrics.update(step_metrics)
    metrics["max_abs_diff_restored"] = max([*loaded["restored_max_abs_diff"].values(),
                                            *fresh["fresh_process_max_abs_diff"].values()])
    fig = fits_figure(x, y, fits, ctx.params.noise, metrics["max_abs_diff_restored"], losses, metrics["best_curve_loss"])
    ctx.save_figure(fig, "fits.png", caption=(
        f"Left: the data, the best possible curve x^2 + {ctx.params.noise / 2:g}, the trained net's fit, and the fits of "
        f"the nets loaded back from {WHOLE_FILE} and {STATE_FILE}, which differ from the original by at most "
        f"{metrics['max_abs_diff_restored']:g}. Right: the training loss after each SGD step (log scale) against the "
        "loss of the best curve (dotted)."))
    return metrics


# ---- 1. training ------------------------------------------------------------------------------


def show_training(ctx: RunContext, x: torch.Tensor, y: torch.Tensor) -> tuple[RegressionNet, list[float], dict[str, Any]]:
    """Train the 1 -> hidden -> 1 net with full-batch SGD; compare its loss and height with the best curve."""
    ctx.heading(f"1. Train the 1 -> {ctx.params.hidden} -> 1 net on y = x^2 + noise")
    with ctx.seeded():  # the starting weights come from the run's seed, whatever ran before
        model = RegressionNet(ctx.params.hidden).to(ctx.device)
    with ctx.progress(ctx.params.steps, "SGD steps") as bar:
        losses = train(model, x, y, ctx.params.steps, ctx.params.lr, after_step=lambda loss: bar.advance(loss=loss))
    check_converged(losses, ctx.params.lr)
    fit = predict(model, x)  # (N, 1)
    offset = (fit - x.pow(2)).mean().item()
    floor = true_curve_loss(x, y, ctx.params.noise)
    shown = sorted({*range(0, len(losses), max(1, len(losses) // 6)), len(losses) - 1})
    ctx.table("Training loss (MSE on all points)", ["step", "loss"], [(i + 1, losses[i]) for i in shown])
    ctx.table("How good is the fit?", ["quantity", "value"], [
        ("final training loss", losses[-1]),
        (f"loss of the best curve x^2 + {ctx.params.noise / 2:g} on these points", floor),
        ("mean height of the fit above x^2", offset),
        ("mean of the noise, noise / 2", ctx.params.noise / 2),
    ], caption="The noise is uniform in [0, noise): the fit learns x^2 plus the noise's mean, not x^2.")
    return model, losses, {"final_loss": losses[-1], "best_curve_loss": floor, "fit_height_above_x_squared": offset}


def check_converged(losses: list[float], lr: float) -> None:
    """A loss of nan or inf means the learning rate threw the weights away; say so instead of saving garbage."""
    if not math.isfinite(losses[-1]):
        raise LessonInputError(f"Training diverged with --lr {lr:g} (the loss became {losses[-1]}); "
                               "use a smaller learning rate such as the default 0.5.")


# ---- 2. two ways of writing the net -----------------------------------------------------------


def show_two_ways(ctx: RunContext, model: RegressionNet, x: torch.Tensor) -> dict[str, Any]:
    """print() of both nets, their state_dict names, and the same outputs once the weights are copied."""
    ctx.heading("2. The same net as an nn.Module subclass and as nn.Sequential")
    sequential = sequential_net(ctx.params.hidden).to(ctx.device)
    ctx.say("[bold]print(RegressionNet())[/]")
    ctx.console.print(repr(model))
    ctx.say("[bold]print(nn.Sequential(...))[/]")
    ctx.console.print(repr(sequential))
    refused = load_by_name(model, sequential)
    copy_by_position(model, sequential)
    diff = max_abs_diff(predict(model, x), predict(sequential, x))
    ctx.table("Subclass vs Sequential", ["", "RegressionNet", "nn.Sequential"], [
        ("parameters", parameter_count(model), parameter_count(sequential)),
        ("state_dict keys", ", ".join(model.state_dict()), ", ".join(sequential.state_dict())),
        ("ReLU listed by print()", "no (F.relu inside forward)", "yes (a layer, index 1)"),
    ])
    ctx.table("Moving the weights across", ["attempt", "result"], [
        ("sequential.load_state_dict(subclass.state_dict())", refused),
        ("same tensors copied in order: max |output difference|", diff),
    ], caption="A state_dict is matched by name, so it fits only a net whose layers are named the same way.")
    return {"parameters": parameter_count(model), "sequential_parameters": parameter_count(sequential),
            "sequential_by_name_refused": int(refused != "loaded"), "sequential_copy_max_abs_diff": diff}


def load_by_name(source: nn.Module, target: nn.Module) -> str:
    """Try loading one net's state_dict into the other; return 'loaded' or the first two lines of the error."""
    try:
        target.load_state_dict(source.state_dict())
    except RuntimeError as exc:
        lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
        return "RuntimeError: " + " ".join(lines[:2])
    return "loaded"


# ---- 3. saving --------------------------------------------------------------------------------


def save_pinned(ctx: RunContext, name: str, save: Callable[[nn.Module, Path], Path], model: nn.Module) -> PinnedFile:
    """Save into the run folder atomically, pinning the bytes written before they get their real name."""
    with ctx.writing(name) as tmp:
        save(model, tmp)
        pinned = PinnedFile.of(tmp, ctx.path(name))
    return pinned


def show_saving(ctx: RunContext, model: RegressionNet) -> tuple[PinnedFile, Path, dict[str, Any]]:
    """Save both ways into the run folder; show sizes, format and the classes each file names."""
    ctx.heading("3. Saving: the whole model, or only its state_dict")
    whole = save_pinned(ctx, WHOLE_FILE, storage.save_whole_model, model)
    state_path = save_pinned(ctx, STATE_FILE, storage.save_state_dict, model).path
    files = [storage.describe(whole.path), storage.describe(state_path)]
    ctx.table("Saved files", ["file", "torch.save of", "bytes", "zip archive", "classes named"], [
        (f.path.name, what, f.size_bytes, str(f.is_zip), len(f.globals_needed))
        for what, f in zip(["model", "model.state_dict()"], files)
    ])
    for f in files:
        named = ", ".join(f.globals_needed) or "no classes, only tensors and plain containers"
        ctx.console.print(f"{f.path.name} names: {named}")
    sizes = storage.size_overhead(SIZE_WIDTHS, ctx.device)
    ctx.table("Where the bytes go: untrained nets of two widths", ["hidden", "parameters", "whole model", "state_dict", "difference"],
              [(h, p, whole, state, whole - state) for h, p, whole, state in sizes],
              caption="The whole-model file costs the same extra bytes at both widths (the pickled module "
                      "structure); both files grow with the parameters.")
    return whole, state_path, {
        "whole_model_bytes": files[0].size_bytes, "state_dict_bytes": files[1].size_bytes,
        "whole_model_names_classes": len(files[0].globals_needed), "state_dict_names_classes": len(files[1].globals_needed),
        "size_difference_bytes": {f"hidden{h}": whole - state for h, _, whole, state in sizes},
    }


# ---- 4. loading -------------------------------------------------------------------------------


def show_loading(ctx: RunContext, model: RegressionNet, x: torch.Tensor, whole: PinnedFile,
                 state_path: Path) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """The default load refuses the whole model; the opt-in, the allowlist and the state_dict all restore it exactly."""
    ctx.heading("4. Loading: weights_only=True is the default")
    original = predict(model, x)  # (N, 1)
    _, refusal = storage.load_whole_with_defaults(whole.path, ctx.device)
    restored = {
        "whole_model_weights_only_false": storage.load_whole_trusting(whole, ctx.device),
        "whole_model_allowlisted": storage.load_whole_allowlisted(whole.path, ctx.device),
        "state_dict_weights_only_true": storage.load_state_dict_safely(state_path, ctx.device, ctx.params.hidden),
    }
    diffs = {name: max_abs_diff(predict(net, x), original) for name, net in restored.items()}
    shared = sum(storage.shares_storage(model, net) for net in restored.values())
    ctx.console.print(f"torch.load('{WHOLE_FILE}'), the default weights_only=True, raised:")
    ctx.say("  [red]{}[/]", refusal)
    ctx.table("Restoring into fresh objects", ["way", "weights_only", "max |diff| vs original"], [
        (f"{WHOLE_FILE}, trusted opt-in", "False", diffs["whole_model_weights_only_false"]),
        (f"{WHOLE_FILE}, RegressionNet and nn.Linear allowlisted", "True", diffs["whole_model_allowlisted"]),
        (f"{STATE_FILE} into a new RegressionNet()", "True", diffs["state_dict_weights_only_true"]),
    ], caption="Predictions on all points. Each way builds a new object; "
               f"parameters sharing memory with the original: {shared}.")
    fits = {"original fit": original, "restored whole model": predict(restored["whole_model_weights_only_false"], x),
            "restored state_dict": predict(restored["state_dict_weights_only_true"], x)}
    return fits, {"default_load_refused_whole_model": int(refusal != "loaded"), "restored_max_abs_diff": diffs,
                  "restored_sharing_memory": shared}


# ---- 5. a fresh process -----------------------------------------------------------------------


def show_fresh_process(ctx: RunContext, model: RegressionNet, x: torch.Tensor, whole: PinnedFile, state_path: Path) -> dict[str, Any]:
    """Load both files in a new Python interpreter and compare its predictions with ours."""
    ctx.heading("5. Restoring in a fresh Python process")
    original = predict(model, x)
    exchange = ctx.scratch_dir()  # the inputs and predictions passed between the processes; removed after the run
    torch.save(x, exchange / "inputs.pt")
    result = restore_in_fresh_process(whole, state_path, exchange / "inputs.pt", exchange / "predictions.pt",
                                      str(ctx.device), cwd=ctx.out_dir)
    diffs = {"whole_model": max_abs_diff(result.whole_model_predictions, original),
             "state_dict": max_abs_diff(result.state_dict_predictions, original)}
    ctx.table("python -I -m nnlessons_save_load.fresh_process ...", ["quantity", "value"], [
        ("this process id", str(os.getpid())),
        ("fresh process id", str(result.pid)),
        ("fresh process had imported nnlessons_save_load.nets before torch.load", str(result.nets_imported_before_load)),
        ("... and after loading the whole model", str(result.nets_imported_after_load)),
        ("whole model there vs original here: max |diff|", diffs["whole_model"]),
        ("state_dict there vs original here: max |diff|", diffs["state_dict"]),
    ], caption="Loading a whole model imports its class by the module path stored in the file.")
    return {"fresh_process_max_abs_diff": diffs, "fresh_process_is_other_process": int(result.pid != os.getpid()),
            "fresh_process_imported_class_on_load": int(result.nets_imported_after_load and not result.nets_imported_before_load)}


# ---- 6. why weights_only ----------------------------------------------------------------------


def show_pickle_risk(ctx: RunContext) -> dict[str, Any]:
    """A file whose pickle calls os.mkdir: refused by the safe load, obeyed by the trusting one."""
    ctx.heading("6. Why the default changed: a pickle can run code")
    outcome = pickle_risk.demonstrate()
    ctx.console.print("torch.load(path), weights_only=True by default, raised:")
    ctx.say("  [red]{}[/]", outcome.safe_load_message)
    ctx.table("A file whose pickle says 'call os.mkdir(folder)'", ["call", "folder exists afterwards"], [
        ("torch.load(path)", str(outcome.folder_after_safe_load)),
        ("torch.load(path, weights_only=False)", str(outcome.folder_after_unsafe_load)),
    ], caption="Harmless here (an empty temporary folder), but a stranger's file could name any function with any arguments.")
    return {"safe_load_refused_code": int(outcome.safe_load_refused and not outcome.folder_after_safe_load),
            "unsafe_load_ran_code": int(outcome.folder_after_unsafe_load)}
