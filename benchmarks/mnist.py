"""Benchmark the MNIST lessons on real digits: the three lessons side by side, and lstm-mnist's two recipes.

Reads the official 10,000-image MNIST test set (gzip IDX) from ``../shared/data/mnist`` next to the repo
(or ``--mnist-dir``) and splits it 8,000 / 2,000 with a fixed seed. Then:

1. cnn-mnist's recipes chosen on validation: the 8,000 training digits are cut once more (seeded)
   into 6,400 to train and ``--val`` 1,600 to validate; every recipe of a small grid (epochs, peak
   learning rate, batch size, one-cycle or constant, channels-last or not) trains on the 6,400 and
   is measured on the 1,600, and the best validation accuracy is chosen for each network. The test
   digits play no part in it;
2. the three MNIST lessons' networks (mnist-mlp's MLP, cnn-mnist's small CNN and LeNet-5 with the
   chosen recipes, lstm-mnist's LSTM with its lesson's defaults), each trained on all 8,000 with
   cnn-mnist's loop (the one its comparison step uses) and its lesson's CPU threads, then tested
   once: parameters, the recipe's validation accuracy from step 1, test accuracy, and the wall-clock
   and CPU seconds of the training alone. CPU seconds are this process's CPU time (os.times, all
   threads): on a machine shared with other work they stay close to what an idle machine needs,
   while the wall clock grows;
3. lstm-mnist's default recipe against the notes' recipe, each for ``--budget`` seconds with that
   lesson's own model and loop, tested after every epoch: the accuracy each reached and the seconds
   the default took to pass 96 %.

Every figure is measured in this one run.

    .venv/bin/python benchmarks/mnist.py                 # the lessons' table, then 30 s per lstm recipe
    .venv/bin/python benchmarks/mnist.py --skip-recipes --cnn-seeds 0,1,2   # the search, then three seeds
    .venv/bin/python benchmarks/mnist.py --skip-recipes --lesson-recipes     # the lesson's defaults, no search

The data is read here only: the product and its tests never depend on it.
"""

from __future__ import annotations

import argparse
import gzip
import os
import platform
import struct
import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import torch
from rich.console import Console
from rich.table import Table

from nnlessons.lesson_info import LessonInfo
from nnlessons.mnist import MnistSplit
from nnlessons_cnn_mnist import nnlessons_lesson_info as cnn_mnist_info
from nnlessons_cnn_mnist.comparison import contender_model, contenders
from nnlessons_cnn_mnist.models import build as build_cnn
from nnlessons_cnn_mnist.models import parameter_count
from nnlessons_cnn_mnist.recipes import Recipe as CnnRecipe
from nnlessons_cnn_mnist.recipes import cnn_recipe, lenet_recipe
from nnlessons_cnn_mnist.training import DigitData
from nnlessons_cnn_mnist.training import fit as fit_cnn_mnist
from nnlessons_cnn_mnist.training import logits_of
from nnlessons_lstm_mnist import nnlessons_lesson_info as lstm_mnist_info
from nnlessons_lstm_mnist.model import build_model
from nnlessons_lstm_mnist.recipes import DEFAULT_EPOCHS, DEFAULT_RECIPE, NOTES_EPOCHS, NOTES_RECIPE, Recipe
from nnlessons_lstm_mnist.train import EpochResult, cpu_threads, fit, make_optimizer, seconds_to_reach, training_step
from nnlessons_mnist_mlp import nnlessons_lesson_info as mnist_mlp_info

REPO = Path(__file__).resolve().parents[1]
DEFAULT_MNIST_DIR = REPO.parent / "shared" / "data" / "mnist"


def read_idx_gz(path: Path, magic: int) -> np.ndarray:
    """A gzip IDX file as a uint8 array, shape from its header."""
    data = gzip.decompress(path.read_bytes())
    found, = struct.unpack(">I", data[:4])
    if found != magic:
        raise SystemExit(f"{path}: magic number {found}, expected {magic}")
    dims = magic & 0xFF
    shape = struct.unpack(f">{dims}I", data[4 : 4 + 4 * dims])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def load_test_set(folder: Path) -> MnistSplit:
    images = read_idx_gz(folder / "t10k-images-idx3-ubyte.gz", 2051)  # (10000, 28, 28)
    labels = read_idx_gz(folder / "t10k-labels-idx1-ubyte.gz", 2049)  # (10000,)
    return MnistSplit(torch.from_numpy(images.copy()), torch.from_numpy(labels.astype(np.int64)))


def split(data: MnistSplit, n_train: int, n_test: int, seed: int) -> tuple[MnistSplit, MnistSplit]:
    if n_train + n_test > len(data):
        raise SystemExit(f"asked for {n_train} + {n_test} images, the files hold {len(data)}")
    order = torch.randperm(len(data), generator=torch.Generator().manual_seed(seed))
    train, test = order[:n_train], order[n_train : n_train + n_test]
    return MnistSplit(data.images[train], data.labels[train]), MnistSplit(data.images[test], data.labels[test])


def run_recipe(recipe: Recipe, train: MnistSplit, test: MnistSplit, budget: float, seed: int, device: torch.device) -> list[EpochResult]:
    model = build_model(device, seed)
    return fit(model, recipe, train.to_device(device, recipe.normalize), test.to_device(device, recipe.normalize),
               epochs=10**6, generator=torch.Generator().manual_seed(seed + 2), budget_seconds=budget)


def at_epoch(results: list[EpochResult], epoch: int) -> EpochResult | None:
    return next((r for r in results if r.epoch >= epoch), None)


def milliseconds_per_step(train: MnistSplit, recipe: Recipe, threads: int, steps: int = 30) -> float:
    """Median wall-clock milliseconds of one training step of `recipe` with `threads` CPU threads."""
    with cpu_threads(threads):
        model = build_model(torch.device("cpu"), 0)
        optimizer = make_optimizer(model, recipe)
        images, labels = train.to_device("cpu", recipe.normalize)
        batch = slice(0, min(recipe.batch_size, len(labels)))
        times = []
        for _ in range(steps + 3):
            start = time.perf_counter()
            training_step(model, optimizer, images[batch], labels[batch], recipe.clip)
            times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times[3:]))


def speed_table(train: MnistSplit, steps: int) -> Table:
    """Milliseconds per training step of the default recipe on 1 thread and on PyTorch's default thread count."""
    table = Table(title=f"One training step of the default recipe (batch {DEFAULT_RECIPE.batch_size})", title_justify="left")
    table.add_column("CPU threads", justify="right")
    table.add_column(f"milliseconds per step (median of {steps})", justify="right")
    for threads in sorted({1, torch.get_num_threads()}):
        table.add_row(str(threads), f"{milliseconds_per_step(train, DEFAULT_RECIPE, threads, steps):.1f}")
    return table


def digit_data(split: MnistSplit, device: torch.device) -> DigitData:
    images, labels = split.to_device(device)  # (N, 28, 28) in [0, 1], (N,)
    return DigitData(images.unsqueeze(1), labels)


def lesson_threads(info: LessonInfo, override: int) -> int:
    """The CPU threads a lesson runs on: --threads if given, else its LessonInfo.cpu_threads, else PyTorch's default."""
    return override or info.cpu_threads or torch.get_num_threads()


def timed_fit(model: torch.nn.Module, recipe: CnnRecipe, train: DigitData, val: DigitData | None, seed: int,
              threads: int) -> list[tuple[int, float, float, float]]:
    """Train with cnn-mnist's loop; (epoch, validation accuracy, wall seconds, CPU seconds) after each epoch.

    The seconds are the training's alone: each epoch's validation pass is left out of them.
    """
    marks = []
    torch.manual_seed(seed)  # dropout draws from the global generator, as in a lesson run the runner seeds it
    clock = {"wall": 0.0, "cpu": 0.0}

    def record(result) -> None:
        marks.append((result.epoch, result.val_accuracy, clock["wall"], clock["cpu"]))

    def tick() -> float:  # called at each epoch's start and end: sums the training time only
        now_wall, now_cpu = time.perf_counter(), cpu_seconds()
        if "since" in clock:
            clock["wall"] += now_wall - clock.pop("since")
            clock["cpu"] += now_cpu - clock.pop("cpu_since")
        else:
            clock["since"], clock["cpu_since"] = now_wall, now_cpu
        return now_wall

    with cpu_threads(threads):
        fit_cnn_mnist(model, recipe, train, val, torch.Generator().manual_seed(seed), on_epoch=record, clock=tick)
    return marks


def cpu_seconds() -> float:
    """This process's CPU time, all threads (os.times: user + system), less sensitive to a loaded machine than wall time."""
    times = os.times()
    return times.user + times.system


@torch.no_grad()
def test_accuracy(model: torch.nn.Module, recipe: CnnRecipe, test: DigitData) -> float:
    """The one measurement on the test digits, after training, in eval()."""
    return (logits_of(model, test.images, recipe).argmax(dim=1) == test.labels).float().mean().item()


def tuning_split(train: MnistSplit, n_val: int, seed: int) -> tuple[MnistSplit, MnistSplit]:
    """The training digits cut once more, seeded: the recipes train on the first part and are compared on the second."""
    order = torch.randperm(len(train), generator=torch.Generator().manual_seed(seed + 10))
    n_val = min(n_val, len(train) - 1)
    fit_part, val_part = order[: len(train) - n_val], order[len(train) - n_val :]
    return (MnistSplit(train.images[fit_part], train.labels[fit_part]),
            MnistSplit(train.images[val_part], train.labels[val_part]))


def candidate_recipes(network: str) -> list[CnnRecipe]:
    """The small grid searched on validation: epochs, peak learning rate, batch size; the schedule is one-cycle."""
    make = cnn_recipe if network == "cnn" else lenet_recipe
    grid = [make(epochs=e, lr=lr, batch_size=b) for e in (5, 6, 8) for lr in (3e-3, 6e-3) for b in (64, 128)]
    grid.append(replace(make(), one_cycle=False, lr=1e-3))  # a constant learning rate, the schedule's alternative
    grid.append(replace(make(), channels_last=False))  # the default in the other memory layout: speed only
    default = make()
    return [default] + [r for r in grid if r != default]


def recipe_text(recipe: CnnRecipe) -> str:
    schedule = "one-cycle" if recipe.one_cycle else "constant"
    return (f"{recipe.epochs} ep, lr {recipe.lr:g} {schedule}, batch {recipe.batch_size}"
            + ("" if recipe.channels_last else ", channels-first"))


def tuning_table(train: MnistSplit, n_val: int, seed: int, threads: int) -> tuple[Table, dict[str, CnnRecipe], dict]:
    """Every candidate recipe trained on the fitting part and measured on the validation part; the best kept."""
    fit_part, val_part = tuning_split(train, n_val, seed)
    device = torch.device("cpu")
    fit_data, val_data = digit_data(fit_part, device), digit_data(val_part, device)
    table = Table(title=f"Recipes compared on validation: {len(fit_part):,} digits to train, {len(val_part):,} to validate "
                        "(all from the training split; the test digits play no part)", title_justify="left")
    for column in ("network", "recipe", "validation accuracy", "wall s", "CPU s", "chosen"):
        table.add_column(column, justify="left" if column in ("network", "recipe") else "right")
    chosen, validation = {}, {}
    for network in ("cnn", "lenet"):
        results = []
        for recipe in candidate_recipes(network):
            model = build_cnn(network, seed + (1 if network == "cnn" else 0))
            marks = timed_fit(model, recipe, fit_data, val_data, seed + 2, threads)
            results.append((recipe, marks[-1]))
            print(f"tuning {network} {recipe_text(recipe)}: validation {100 * marks[-1][1]:.2f} %, "
                  f"{marks[-1][2]:.1f} s wall, {marks[-1][3]:.1f} s CPU", flush=True)
        # the best validation accuracy; among equals, the fewer CPU seconds; channels-first only measures speed
        best = max((r for r in results if r[0].channels_last), key=lambda r: (round(r[1][1], 6), -r[1][3]))
        chosen[network] = best[0]
        validation[network] = {recipe: mark[1] for recipe, mark in results}
        for recipe, (_, accuracy, wall, cpu) in results:
            table.add_row(NAMES[network], recipe_text(recipe), f"{100 * accuracy:.2f} %", f"{wall:.1f}", f"{cpu:.1f}",
                          "chosen" if recipe == best[0] else ("lesson default" if recipe == candidate_recipes(network)[0] else ""))
    return table, chosen, validation


NAMES = {"cnn": "small CNN", "lenet": "LeNet-5 (modern)"}


def lessons_table(train: MnistSplit, test: MnistSplit, seeds: list[int], threads: int,
                  chosen: dict[str, CnnRecipe], validation: dict) -> Table:
    """The three MNIST lessons' networks on all the training digits, each tested once at the end.

    cnn-mnist's two networks train with the recipe chosen on validation; the MLP and the LSTM with their lessons' defaults.
    """
    device = torch.device("cpu")
    train_data, test_data = digit_data(train, device), digit_data(test, device)
    cnn_threads = lesson_threads(cnn_mnist_info(), threads)
    runs = [("cnn-mnist", "cnn", seed, build_cnn("cnn", seed + 1), chosen["cnn"], cnn_threads) for seed in seeds]
    runs.append(("cnn-mnist", "lenet", seeds[0], build_cnn("lenet", seeds[0]), chosen["lenet"], cnn_threads))
    for contender in contenders(quick=False):
        info = {"mnist-mlp": mnist_mlp_info, "lstm-mnist": lstm_mnist_info}[contender.lesson]()
        runs.append((contender.lesson, contender.name, seeds[0], contender_model(contender, seeds[0], device),
                     contender.recipe, lesson_threads(info, threads)))
    table = Table(title=f"Trained on all {len(train):,} training digits, tested once on {len(test):,}", title_justify="left")
    for column in ("lesson", "network", "recipe", "seed", "parameters", "CPU threads", "validation accuracy",
                   "test accuracy", "wall s", "CPU s"):
        table.add_column(column, justify="left" if column in ("lesson", "network", "recipe") else "right")
    for lesson, name, seed, model, recipe, run_threads in runs:
        marks = timed_fit(model, recipe, train_data, None, seed + 2, run_threads)  # no validation: the recipe is chosen
        epoch, _, wall, cpu = marks[-1]
        tested = test_accuracy(model, recipe, test_data)
        label = NAMES.get(name, name)
        val = validation.get(name, {}).get(recipe)
        print(f"{lesson} {label} seed {seed}: test {100 * tested:.2f} % after {epoch} epochs; "
              f"{wall:.1f} s wall, {cpu:.1f} s CPU of training", flush=True)
        table.add_row(lesson, label, recipe_text(recipe) if lesson == "cnn-mnist" else "its lesson's default", str(seed),
                      f"{parameter_count(model):,}", str(run_threads), "" if val is None else f"{100 * val:.2f} %",
                      f"{100 * tested:.2f} %", f"{wall:.1f}", f"{cpu:.1f}")
    return table


def describe(recipe: Recipe) -> str:
    return f"{recipe.optimizer} lr {recipe.lr:g}, batch {recipe.batch_size}, clip {recipe.clip:g}, " + (
        "standardised" if recipe.normalize else "x/255")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mnist-dir", type=Path, default=DEFAULT_MNIST_DIR, help="folder with t10k-*-ubyte.gz")
    parser.add_argument("--budget", type=float, default=30.0, help="wall-clock seconds of training per recipe")
    parser.add_argument("--train", type=int, default=8000, help="training images")
    parser.add_argument("--test", type=int, default=2000, help="test images")
    parser.add_argument("--target", type=float, default=0.96, help="test accuracy to time")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0,
                        help="CPU threads for training (0: PyTorch's default, as the lesson uses)")
    parser.add_argument("--speed-steps", type=int, default=30, help="steps timed per thread count (0: skip)")
    parser.add_argument("--cnn-seeds", default="0", help="comma-separated seeds for the small CNN's runs")
    parser.add_argument("--val", type=int, default=1600, help="validation digits cut from the training digits for tuning")
    parser.add_argument("--lesson-recipes", action="store_true",
                        help="skip the search: train cnn-mnist's networks with the lesson's default recipes")
    parser.add_argument("--skip-lessons", action="store_true", help="skip the three lessons' table")
    parser.add_argument("--skip-recipes", action="store_true", help="skip lstm-mnist's recipe race")
    args = parser.parse_args()

    console = Console(width=150)
    device = torch.device("cpu")
    train, test = split(load_test_set(args.mnist_dir), args.train, args.test, args.seed)
    console.print(f"{len(train):,} training / {len(test):,} test images from {args.mnist_dir}; budget {args.budget:g} s "
                  f"per recipe on {args.threads or torch.get_num_threads()} CPU thread(s); torch {torch.__version__}, {platform.processor() or platform.machine()}")
    if not args.skip_lessons:
        seeds = [int(seed) for seed in args.cnn_seeds.split(",")]
        threads = lesson_threads(cnn_mnist_info(), args.threads)
        if args.lesson_recipes:
            chosen, validation = {"cnn": cnn_recipe(), "lenet": lenet_recipe()}, {}
        else:
            table, chosen, validation = tuning_table(train, args.val, args.seed, threads)
            console.print(table)
        console.print(lessons_table(train, test, seeds, args.threads, chosen, validation))
    if args.skip_recipes:
        return
    if args.speed_steps > 0:
        console.print(speed_table(train, args.speed_steps))
    recipes = {"default": (DEFAULT_RECIPE, DEFAULT_EPOCHS), "notes": (NOTES_RECIPE, NOTES_EPOCHS)}
    table = Table(title=f"lstm-mnist: {args.budget:g} s of training each, same machine, same run", title_justify="left")
    for column in ("recipe", "settings", "epochs done", "test accuracy at the end", "best test accuracy",
                   f"seconds to pass {100 * args.target:g} %", "at the recipe's own epoch count"):
        table.add_column(column, justify="left" if column in ("recipe", "settings") else "right")
    for name, (recipe, own_epochs) in recipes.items():
        start = time.perf_counter()
        with cpu_threads(args.threads):
            results = run_recipe(recipe, train, test, args.budget, args.seed, device)
        reached = seconds_to_reach(results, args.target)
        own = at_epoch(results, own_epochs)
        console.print(f"{name}: {time.perf_counter() - start:.1f} s, test accuracy by epoch: "
                      + " ".join(f"{100 * r.test_accuracy:.1f}" for r in results))
        table.add_row(
            name, describe(recipe), f"{results[-1].epoch:g}", f"{100 * results[-1].test_accuracy:.2f} %",
            f"{100 * max(r.test_accuracy for r in results):.2f} %",
            "not reached" if reached is None else f"{reached:.1f} s",
            "not reached in the budget" if own is None
            else f"{own_epochs} epochs: {100 * own.test_accuracy:.2f} % after {own.elapsed:.1f} s",
        )
    console.print(table)


if __name__ == "__main__":
    main()
