"""The mnist-mlp run: the MLP on drawn digits (no data needed), then MNIST, the image folder, training, probabilities."""

from __future__ import annotations

import copy
from typing import Any

import torch
import torch.nn.functional as F

from nnlessons.claims import Claim, show_claims
from nnlessons.mnist import MnistSplit, load_mnist
from nnlessons.run_context import RunContext
from nnlessons_mnist_mlp import folder, plots, route_timing
from nnlessons_mnist_mlp.model import (
    N_CLASSES,
    MnistMLP,
    SoftmaxThenCrossEntropyNet,
    confident_wrong_gradients,
    softmax_pitfall_loss_floor,
)
from nnlessons_mnist_mlp.training import History, TensorData, train
from nnlessons_mnist_mlp.without_data import steps_before_data

FOLDER_BATCH_SIZE = 64  # the notes' DataLoader batch size
FIRST_DIGITS_SHOWN = 5  # the first test digits in the probability plot ...
UNSURE_DIGITS_SHOWN = 3  # ... plus the ones the model is least sure about
EXACT = 1e-6  # tolerance for "equal" in float32: same operations give differences of 0 or ~1e-7
SEED_OFFSETS = {"train_subset": 1, "test_subset": 2, "folder_shuffle": 3, "batches": 4}
#: Plain SGD for step 7's second comparison: its step is lr times the gradient, so a smaller gradient is a smaller step
SGD_LR = 0.1
SGD_STEPS = 300  # or one epoch, if that is fewer: enough to see the two apart, a second or two of CPU


# ---- 4. data (steps 1-3, which need none, are in without_data.py) ---------------------------


def fitted_sizes(train: int, val: int, available: int) -> tuple[int, int]:
    """(train, validation) as asked when they fit in `available` training-file images, else scaled down to fit."""
    if train + val <= available:
        return train, val
    val_used = max(1, val * available // (train + val))
    return available - val_used, val_used


def load_splits(ctx: RunContext) -> tuple[MnistSplit, MnistSplit, MnistSplit, int]:
    """Train and validation digits from one seeded permutation of the training file (validation first, so it stays
    the same whatever --train-images), and a seeded subset of the test file."""
    params = ctx.params
    train_file = load_mnist(params.data_dir, train=True, download=params.download)
    test_split = load_mnist(params.data_dir, train=False, download=params.download)
    # Asking for more images than the data holds uses all of them; the run records the numbers it used.
    n_train, n_val = fitted_sizes(params.train_images, params.val_images, len(train_file))
    reason = (f"the training data holds {len(train_file):,} images, shared by --train-images and --val-images "
              "in the proportion asked")
    ctx.adjust_param("val_images", n_val, reason)
    ctx.adjust_param("train_images", n_train, reason)
    ctx.adjust_param("test_images", min(params.test_images, len(test_split)),
                     f"the test data holds {len(test_split):,} images")
    order = torch.randperm(len(train_file), generator=ctx.generator(SEED_OFFSETS["train_subset"]))
    val_rows, train_rows = order[:n_val], order[n_val : n_val + n_train]  # disjoint by construction
    val_split = MnistSplit(train_file.images[val_rows], train_file.labels[val_rows])
    train_split = MnistSplit(train_file.images[train_rows], train_file.labels[train_rows])
    test_split = test_split.subset(params.test_images, ctx.generator(SEED_OFFSETS["test_subset"]))
    overlap = int(torch.isin(val_rows, train_rows).sum())  # 0: no digit is in both
    return train_split, val_split, test_split, overlap


SPLIT_USES = {"train": "trained on", "validation": "every epoch, every choice", "test": "once, at the end"}


def show_data(ctx: RunContext, splits: dict[str, MnistSplit], overlap: int) -> dict[str, Any]:
    rows = []
    for name, split in splits.items():
        counts = torch.bincount(split.labels, minlength=N_CLASSES)
        rows.append((name, len(split), f"{int(counts.min())}..{int(counts.max())}", images_megabytes(split),
                     SPLIT_USES[name]))
    ctx.table("Three splits, as loaded (CPU, before moving to the device)",
              ["split", "images", "images per digit", "MB of pixels", "used"], rows,
              caption=f"train and validation: one seeded permutation of MNIST's training file, {overlap} images in "
                      f"both; test: MNIST's test file. (N, 28, 28) uint8 pixels 0..255, one byte each (MB = 10^6 "
                      "bytes); "
                      f"data folder: {ctx.params.data_dir}")
    return {"train_images": len(splits["train"]), "val_images": len(splits["validation"]),
            "test_images": len(splits["test"]), "train_val_overlap": overlap,
            "images_megabytes": sum(images_megabytes(split) for split in splits.values())}


def images_megabytes(split: MnistSplit) -> float:
    """How much memory the split's pixels take as uint8 bytes, in MB (10^6 bytes): 784 per image."""
    return split.images.numel() * split.images.element_size() / 1e6


# ---- 5. the image-folder pipeline -----------------------------------------------------------


def image_folder_step(ctx: RunContext, train_split: MnistSplit, train_data: TensorData) -> dict[str, Any]:
    """Write PNGs per class, read them back with ImageFolder + transforms + DataLoader, check they are unchanged."""
    ctx.heading("5. The image-folder pipeline: PNG files -> ImageFolder -> DataLoader")
    root = ctx.scratch_dir() / "digits"  # the run's own temporary folder: the tree is read back, not kept
    indices = folder.first_images_per_class(train_split.labels, ctx.params.folder_images_per_class)
    written = folder.write_digit_tree(root, train_split.images, train_split.labels, indices)
    digits = folder.read_digit_tree(root)
    loader = folder.digit_loader(digits, FOLDER_BATCH_SIZE, ctx.generator(SEED_OFFSETS["folder_shuffle"]))
    first_images, first_labels = (t.to(ctx.device) for t in next(iter(loader)))  # (64, 1, 28, 28), (64,)
    rgb_shape = list(folder.read_digit_tree(root, grayscale=False).dataset[0][0].shape)  # [3, 28, 28]
    check = compare_with_originals(ctx, digits, train_split)
    timing = route_timing.time_both_routes(digits, train_data.images, ctx.clock)
    ctx.timings.update(timing)  # differs from run to run: kept out of the metrics, which the seed reproduces
    ctx.table("What ImageFolder gives back", ["what", "value"], [
        ("PNG files written", len(written)),
        ("classes (sorted folder names -> label)", str(digits.dataset.class_to_idx)),
        ("first batch: images shape", str(list(first_images.shape))),
        ("first batch: images dtype, range", f"{first_images.dtype}, {first_images.min().item():g}..{first_images.max().item():g}"),
        ("first batch: labels", " ".join(str(v) for v in first_labels.tolist())),
        ("one image without Grayscale(1)", f"{rgb_shape}: ImageFolder opens files as RGB"),
        ("max |read-back pixel - original / 255|", check["imagefolder_pixel_max_abs_diff"]),
        ("labels differing from the MNIST labels", check["imagefolder_label_mismatches"]),
    ])
    folder_us, tensor_us = timing["imagefolder_us_per_image"], timing["tensor_index_us_per_image"]
    ctx.table("Time to get the same images, in batches of 64", ["route", "images per timed run", "microseconds per image"], [
        ("ImageFolder + DataLoader (open, decode, convert each PNG)", len(written), folder_us),
        ("index the training tensor already on the device", route_timing.TENSOR_PASSES * len(written), tensor_us),
    ], caption=f"one CPU thread, best of {route_timing.REPEATS} timed runs after a warm-up; measured times vary "
               "from run to run. Training below indexes on-device tensors; the dataset-dataloader lesson compares "
               "more ways to load data.")
    ctx.console.print(route_timing.timing_verdict(folder_us, tensor_us))
    ctx.save_figure(plots.batch_grid_figure(first_images[:, 0].cpu().numpy(), first_labels.cpu().numpy()), "folder_batch.png",
                    caption=(f"The first {min(len(first_labels), 16)} images of one shuffled batch as ImageFolder reads "
                             "them back from the PNG files, each with the label it took from its class folder's name."))
    batch_shape = dict(zip(("batch", "channels", "height", "width"), first_images.shape))
    return {**check, "imagefolder_files": len(written), "imagefolder_batch_shape": batch_shape,
            "imagefolder_channels_without_grayscale": rgb_shape[0]}


def compare_with_originals(ctx: RunContext, digits: folder.DigitFolder, train_split: MnistSplit) -> dict[str, float]:
    """Read every PNG back and compare with the MNIST bytes it was written from."""
    read_images, read_labels = folder.read_all(digits, ctx.device)  # (F, 1, 28, 28), (F,)
    # Divided on the CPU, like ToTensor: CUDA divides by a number as a multiplication by its reciprocal,
    # one float32 step off for about half the byte values, and the check is for exact equality.
    originals = (train_split.images[digits.source_indices].float() / 255).to(ctx.device)  # (F, 28, 28)
    original_labels = train_split.labels[digits.source_indices].to(ctx.device)  # (F,)
    return {
        "imagefolder_pixel_max_abs_diff": (read_images[:, 0] - originals).abs().max().item(),
        "imagefolder_label_mismatches": int((read_labels != original_labels).sum()),
    }


# ---- 6-7. training -----------------------------------------------------------------------------


def fit(ctx: RunContext, model: torch.nn.Module, train_data: TensorData, val_data: TensorData, epochs: int, label: str,
        optimizer: str = "adam", lr: float | None = None, max_steps: int | None = None) -> History:
    """Train with the lesson's settings; every network gets the same shuffles (the same generator seed)."""
    loss_fn = torch.nn.CrossEntropyLoss().to(ctx.device)
    steps = epochs * -(-len(train_data) // ctx.params.batch_size)
    with ctx.progress(steps if max_steps is None else min(steps, max_steps), label) as bar:
        return train(model, loss_fn, train_data, val_data, epochs=epochs, batch_size=ctx.params.batch_size,
                     lr=ctx.params.lr if lr is None else lr, generator=ctx.generator(SEED_OFFSETS["batches"]), bar=bar,
                     optimizer=optimizer, max_steps=max_steps)


def training_table(ctx: RunContext, history: History) -> None:
    rows = []
    for epoch, (val_loss, accuracy) in enumerate(zip(history.val_losses, history.val_accuracies), start=1):
        epoch_losses = history.step_losses[(epoch - 1) * history.steps_per_epoch : epoch * history.steps_per_epoch]
        rows.append((epoch, sum(epoch_losses) / len(epoch_losses), val_loss, accuracy))
    ctx.table("Training: Adam on cross-entropy of the logits",
              ["epoch", "mean train loss", "validation loss", "validation accuracy"], rows,
              caption=f"{history.steps_per_epoch} steps per epoch of {ctx.params.batch_size} images, lr "
                      f"{ctx.params.lr:g}; the validation digits, never trained on, judge each epoch")


def twin_of(ctx: RunContext, start: MnistMLP) -> MnistMLP:
    """A copy of the untrained network: the same starting weights, made on the device (no copy from the host)."""
    return copy.deepcopy(start)


def start_gradient_norms(ctx: RunContext, start: MnistMLP, train_data: TensorData) -> tuple[float, float]:
    """Size of the whole gradient at the starting weights on the first 64 images: logits -> loss vs softmax -> loss."""
    images, labels = train_data.images[:FOLDER_BATCH_SIZE], train_data.labels[:FOLDER_BATCH_SIZE]
    norms = []
    for wrap in (lambda mlp: mlp, SoftmaxThenCrossEntropyNet):
        mlp = twin_of(ctx, start)
        grads = torch.autograd.grad(F.cross_entropy(wrap(mlp)(images), labels), list(mlp.parameters()))
        norms.append(torch.sqrt(sum((g**2).sum() for g in grads)).item())  # sqrt of the sum of all squared entries
    return norms[0], norms[1]


def first_step_sizes(ctx: RunContext, start: MnistMLP, train_data: TensorData,
                     optimizer: str, lr: float) -> tuple[float, float]:
    """How far one optimizer step moves all the weights (norm of the change), logits -> loss vs softmax -> loss."""
    images, labels = train_data.images[:FOLDER_BATCH_SIZE], train_data.labels[:FOLDER_BATCH_SIZE]
    sizes = []
    for wrap in (lambda mlp: mlp, SoftmaxThenCrossEntropyNet):
        mlp = twin_of(ctx, start)
        before = [p.detach().clone() for p in mlp.parameters()]
        opt = (torch.optim.Adam if optimizer == "adam" else torch.optim.SGD)(mlp.parameters(), lr=lr)
        F.cross_entropy(wrap(mlp)(images), labels).backward()
        opt.step()
        sizes.append(torch.sqrt(sum(((p.detach() - b) ** 2).sum() for p, b in zip(mlp.parameters(), before))).item())
    return sizes[0], sizes[1]


def pitfall_table(ctx: RunContext, history: History, pitfall: History, start_norms: tuple[float, float],
                  step_sizes: dict[str, tuple[float, float]], sgd: tuple[History, History]) -> dict[str, Any]:
    """What the softmax does to the loss, the gradient, Adam's steps and plain SGD's, all from the same start."""
    floor = softmax_pitfall_loss_floor(ctx.device)
    wrong = confident_wrong_gradients(ctx.device)
    first_epoch = history.step_losses[: history.steps_per_epoch]
    sgd_logits, sgd_pitfall = sgd
    sgd_steps = len(sgd_logits.step_losses)
    ctx.table("Same start, same batches: where the softmax goes", ["", "logits -> loss", "softmax -> loss (notes)"], [
        ("gradient norm at the start (first 64 images)", *start_norms),
        (f"gradient on the logits, one digit {wrong['wrong_probability']:.4f} sure of the wrong class",
         wrong["grad_norm_logits"], wrong["grad_norm_softmax_pitfall"]),
        (f"size of Adam's first step (lr {ctx.params.lr:g})", *step_sizes["adam"]),
        (f"size of plain SGD's first step (lr {SGD_LR:g})", *step_sizes["sgd"]),
        ("Adam, one epoch: lowest batch loss", min(first_epoch), min(pitfall.step_losses)),
        ("Adam, one epoch: validation accuracy", history.val_accuracies[0], pitfall.val_accuracies[0]),
        (f"SGD, {sgd_steps} steps: lowest batch loss", min(sgd_logits.step_losses), min(sgd_pitfall.step_losses)),
        (f"SGD, {sgd_steps} steps: validation accuracy", sgd_logits.val_accuracies[-1], sgd_pitfall.val_accuracies[-1]),
    ], caption=f"softmax -> loss can never get below {floor:.6f}; its gradient is squashed by the second softmax, "
               f"{start_norms[0] / start_norms[1]:.1f} times smaller at the start and "
               f"{wrong['grad_norm_logits'] / wrong['grad_norm_softmax_pitfall']:,.0f} times smaller on a confidently "
               "wrong digit. Validation digits: never trained on.")
    adam_ratio = step_sizes["adam"][0] / step_sizes["adam"][1]
    sgd_ratio = step_sizes["sgd"][0] / step_sizes["sgd"][1]
    ctx.console.print(
        f"Adam divides each step by the gradient's own running size: its first step is {adam_ratio:.2f} times as "
        f"large with logits as with the softmax, while plain SGD's is {sgd_ratio:.1f} times as large, the gradients' "
        f"ratio. {comparison_sentence('Adam', 'one epoch', history.val_accuracies[0], pitfall.val_accuracies[0])} "
        f"{comparison_sentence('Plain SGD', f'{sgd_steps} steps', sgd_logits.val_accuracies[-1], sgd_pitfall.val_accuracies[-1])}")
    return {
        "softmax_pitfall_loss_floor": floor,
        "softmax_pitfall_min_batch_loss": min(pitfall.step_losses),
        "softmax_pitfall_val_accuracy": pitfall.val_accuracies[0],
        "start_gradient_norm_logits": start_norms[0],
        "start_gradient_norm_softmax_pitfall": start_norms[1],
        "confident_wrong_probability": wrong["wrong_probability"],
        "confident_wrong_grad_norm_logits": wrong["grad_norm_logits"],
        "confident_wrong_grad_norm_softmax_pitfall": wrong["grad_norm_softmax_pitfall"],
        "adam_first_step_logits": step_sizes["adam"][0],
        "adam_first_step_softmax_pitfall": step_sizes["adam"][1],
        "sgd_first_step_logits": step_sizes["sgd"][0],
        "sgd_first_step_softmax_pitfall": step_sizes["sgd"][1],
        "sgd_steps": sgd_steps,
        "sgd_min_batch_loss_logits": min(sgd_logits.step_losses),
        "sgd_min_batch_loss_softmax_pitfall": min(sgd_pitfall.step_losses),
        "sgd_val_accuracy_logits": sgd_logits.val_accuracies[-1],
        "sgd_val_accuracy_softmax_pitfall": sgd_pitfall.val_accuracies[-1],
        "epoch1_min_batch_loss": min(first_epoch),
        "epoch1_val_accuracy": history.val_accuracies[0],
    }


def comparison_sentence(optimizer: str, budget: str, logits: float, pitfall: float) -> str:
    """Which network ended ahead on the validation digits, by how many points, as the run measured it."""
    if logits == pitfall:
        return f"{optimizer}, {budget}: both reach {logits:.2%} of the validation digits."
    ahead, behind = ("logits", "softmax") if logits > pitfall else ("softmax", "logits")
    return (f"{optimizer}, {budget}: {max(logits, pitfall):.2%} of the validation digits with {ahead}, "
            f"{min(logits, pitfall):.2%} with {behind} ({abs(logits - pitfall) * 100:.2f} points apart).")


def training_section(ctx: RunContext, model: MnistMLP, train_data: TensorData, val_data: TensorData) -> dict[str, Any]:
    """Train the logits network; then, from the same starting weights, the notes' softmax-then-loss network."""
    ctx.heading("6. Training: forward, loss, backward, step, zero")
    start = copy.deepcopy(model)  # the untrained network, kept on the device for the twins of step 7
    history = fit(ctx, model, train_data, val_data, ctx.params.epochs, "training on logits")
    training_table(ctx, history)
    ctx.heading("7. The notes' version: softmax inside the network, then CrossEntropyLoss")
    start_norms = start_gradient_norms(ctx, start, train_data)
    step_sizes = {"adam": first_step_sizes(ctx, start, train_data, "adam", ctx.params.lr),
                  "sgd": first_step_sizes(ctx, start, train_data, "sgd", SGD_LR)}
    pitfall = fit(ctx, SoftmaxThenCrossEntropyNet(twin_of(ctx, start)), train_data, val_data, 1,
                  "softmax -> loss, 1 epoch")
    sgd = tuple(fit(ctx, wrap(twin_of(ctx, start)), train_data, val_data, 1, f"plain SGD, {label}",
                    optimizer="sgd", lr=SGD_LR, max_steps=SGD_STEPS)
                for wrap, label in ((lambda mlp: mlp, "logits"), (SoftmaxThenCrossEntropyNet, "softmax -> loss")))
    metrics = pitfall_table(ctx, history, pitfall, start_norms, step_sizes, sgd)
    ctx.save_figure(plots.loss_figure(history, pitfall, sgd, metrics["softmax_pitfall_loss_floor"], 1 / N_CLASSES),
                    "loss.png", caption=(
        "Left: the training loss of each mini-batch for the network trained on logits (blue, with its validation loss "
        "after each epoch) and for the notes' softmax-then-loss network (red, one epoch from the same start), which "
        f"can never go below the dashed line at {metrics['softmax_pitfall_loss_floor']:.4f}; thin lines: plain SGD "
        f"(lr {SGD_LR:g}) for {metrics['sgd_steps']} steps from the same start, logits (light blue) and softmax "
        f"(orange). Right: validation accuracy per epoch: {history.val_accuracies[-1]:.1%} at the end on logits, "
        f"{pitfall.val_accuracies[0]:.1%} after the notes' one epoch."))
    metrics.update(val_loss=history.val_losses[-1], val_accuracy=history.val_accuracies[-1],
                   final_train_loss=history.step_losses[-1], chance_accuracy=1 / N_CLASSES)
    return metrics


# ---- 8. probabilities ------------------------------------------------------------------------


def digits_to_show(probabilities: torch.Tensor) -> tuple[torch.Tensor, list[str]]:
    """The first few test digits, then the few the model is least sure about (lowest top probability)."""
    first = torch.arange(min(FIRST_DIGITS_SHOWN, len(probabilities)), device=probabilities.device)
    by_confidence = probabilities.max(dim=1).values.argsort()
    unsure = by_confidence[~torch.isin(by_confidence, first)][:UNSURE_DIGITS_SHOWN]
    notes = [f"test #{i}" for i in first.tolist()] + [f"test #{i} (unsure)" for i in unsure.tolist()]
    return torch.cat([first, unsure]), notes


def probabilities_step(ctx: RunContext, model: MnistMLP, test_data: TensorData, test_split: MnistSplit,
                       val: tuple[float, float]) -> dict[str, float]:
    """The test digits, once, after training: their accuracy, then softmax probabilities for people to read (checked
    to sum to 1 and to keep the argmax)."""
    ctx.heading("8. The test digits, once: accuracy, and softmax probabilities for reading the answer")
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(test_data.images[s : s + 2000]) for s in range(0, len(test_data), 2000)])  # (N, 10)
        test_loss = F.cross_entropy(logits, test_data.labels).item()
    test_accuracy = (logits.argmax(dim=1) == test_data.labels).float().mean().item()
    ctx.table("The trained network on the test digits, measured once", ["digits", "images", "loss", "accuracy"], [
        ("validation (after the last epoch)", ctx.params.val_images, *val),
        ("test", len(test_data), test_loss, test_accuracy),
    ], caption="nothing above was chosen or compared on the test digits; this is their only measurement")
    probabilities = torch.softmax(logits, dim=1)  # (N, 10), rows sum to 1
    sum_diff = (probabilities.sum(dim=1) - 1).abs().max().item()
    argmax_mismatches = int((probabilities.argmax(dim=1) != logits.argmax(dim=1)).sum())
    shown, notes = digits_to_show(probabilities)
    labels = test_data.labels[shown]
    rows = [(i, int(y), int(p.argmax()), p.max().item(), p[y].item()) for i, y, p in zip(shown.tolist(), labels, probabilities[shown])]
    ctx.table("A few test digits", ["test image", "label", "predicted", "P(predicted)", "P(label)"], rows,
              caption=f"all {len(test_data)} test images: max |sum of probabilities - 1| = {sum_diff:.2e}, "
                      f"argmax(probabilities) != argmax(logits) for {argmax_mismatches} of them")
    fig = plots.probabilities_figure(test_split.images[shown.cpu()].numpy(), labels.cpu().numpy(),
                                     probabilities[shown].cpu().numpy(), notes)
    right = int((probabilities[shown].argmax(dim=1) == labels).sum())
    ctx.save_figure(fig, "probabilities.png", caption=(
        f"The trained network's softmax probabilities for {len(shown)} test digits, one row each (the first ones, then "
        "the ones it is least sure of): darker is more probable, the predicted digit is bold, the true digit boxed "
        f"in green. Each row sums to 1; the prediction is right for {right} of these {len(shown)}."))
    return {"softmax_sum_max_abs_diff": sum_diff, "softmax_argmax_mismatches": argmax_mismatches,
            "test_loss": test_loss, "test_accuracy": test_accuracy}


# ---- summary --------------------------------------------------------------------------------------



def lesson_claims(m: dict[str, Any]) -> list[Claim]:
    """Every claim the lesson makes, from its metrics."""
    return [
        ("nn.Flatten == reshape to 784, pixel (r, c) at 28 r + c (mismatches)", m["flatten_position_mismatches"], "== 0",
         m["flatten_position_mismatches"] == 0 and m["flatten_vs_reshape_max_abs_diff"] == 0),
        ("hidden unit == sum(28 x 28 template * image) + bias", m["template_vs_linear_max_abs_diff"], f"<= {EXACT:g}",
         m["template_vs_linear_max_abs_diff"] <= EXACT),
        ("ImageFolder pixels == MNIST bytes / 255", m["imagefolder_pixel_max_abs_diff"], "== 0",
         m["imagefolder_pixel_max_abs_diff"] == 0),
        ("ImageFolder labels == MNIST labels (mismatches)", m["imagefolder_label_mismatches"], "== 0",
         m["imagefolder_label_mismatches"] == 0),
        ("parameters counted - formula", m["parameters"] - m["parameters_by_formula"], "== 0",
         m["parameters"] == m["parameters_by_formula"]),
        ("functional logits == module logits", m["functional_vs_module_max_abs_diff"], f"<= {EXACT:g}",
         m["functional_vs_module_max_abs_diff"] <= EXACT),
        ("functional gradients == module gradients", m["functional_vs_module_grad_max_abs_diff"], f"<= {EXACT:g}",
         m["functional_vs_module_grad_max_abs_diff"] <= EXACT),
        ("CrossEntropyLoss == NLLLoss(log_softmax)", m["cross_entropy_vs_nll_log_softmax_max_abs_diff"], f"<= {EXACT:g}",
         m["cross_entropy_vs_nll_log_softmax_max_abs_diff"] <= EXACT),
        ("softmax -> loss stays above its floor (lowest - floor)",
         m["softmax_pitfall_min_batch_loss"] - m["softmax_pitfall_loss_floor"], ">= 0",
         m["softmax_pitfall_min_batch_loss"] >= m["softmax_pitfall_loss_floor"]),
        ("softmax -> loss has the smaller start gradient (ratio)",
         m["start_gradient_norm_softmax_pitfall"] / m["start_gradient_norm_logits"], "< 1",
         m["start_gradient_norm_softmax_pitfall"] < m["start_gradient_norm_logits"]),
        ("a confidently wrong digit: softmax -> loss gradient / logits gradient",
         m["confident_wrong_grad_norm_softmax_pitfall"] / m["confident_wrong_grad_norm_logits"], "< 0.001",
         m["confident_wrong_grad_norm_softmax_pitfall"] < 0.001 * m["confident_wrong_grad_norm_logits"]),
        ("plain SGD's first step shrinks with the gradient (step ratio / gradient ratio)",
         (m["sgd_first_step_logits"] / m["sgd_first_step_softmax_pitfall"])
         / (m["start_gradient_norm_logits"] / m["start_gradient_norm_softmax_pitfall"]), "== 1 +- 1e-4",
         abs(m["sgd_first_step_logits"] / m["sgd_first_step_softmax_pitfall"]
             / (m["start_gradient_norm_logits"] / m["start_gradient_norm_softmax_pitfall"]) - 1) < 1e-4),
        ("Adam's first step hardly does (step ratio)", m["adam_first_step_logits"] / m["adam_first_step_softmax_pitfall"],
         "< 1.5", m["adam_first_step_logits"] / m["adam_first_step_softmax_pitfall"] < 1.5),
        ("validation digits and training digits overlap (images)", m["train_val_overlap"], "== 0",
         m["train_val_overlap"] == 0),
        ("softmax rows sum to 1", m["softmax_sum_max_abs_diff"], f"<= {EXACT:g}", m["softmax_sum_max_abs_diff"] <= EXACT),
        ("argmax(softmax) == argmax(logits) (mismatches)", m["softmax_argmax_mismatches"], "== 0",
         m["softmax_argmax_mismatches"] == 0),
        ("test accuracy above chance (accuracy - 0.1)", m["test_accuracy"] - m["chance_accuracy"], "> 0",
         m["test_accuracy"] > m["chance_accuracy"]),
    ]


def run(ctx: RunContext) -> dict[str, Any]:
    model = MnistMLP(ctx.params.hidden).to(ctx.device)
    metrics = steps_before_data(ctx, model)
    ctx.heading("4. MNIST from the cache: training, validation and test digits")
    train_split, val_split, test_split, overlap = load_splits(ctx)
    metrics |= show_data(ctx, {"train": train_split, "validation": val_split, "test": test_split}, overlap)
    train_data, val_data, test_data = (TensorData(*split.to_device(ctx.device, normalize=ctx.params.normalize))
                                       for split in (train_split, val_split, test_split))  # each moved once
    metrics |= image_folder_step(ctx, train_split, train_data)
    metrics |= training_section(ctx, model, train_data, val_data)
    metrics |= probabilities_step(ctx, model, test_data, test_split, (metrics["val_loss"], metrics["val_accuracy"]))
    return metrics | show_claims(ctx, lesson_claims(metrics))
