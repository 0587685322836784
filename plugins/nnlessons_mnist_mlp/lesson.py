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
from nnlessons_mnist_mlp.model import N_CLASSES, MnistMLP, SoftmaxThenCrossEntropyNet, softmax_pitfall_loss_floor
from nnlessons_mnist_mlp.training import History, TensorData, train
from nnlessons_mnist_mlp.without_data import steps_before_data

FOLDER_BATCH_SIZE = 64  # the notes' DataLoader batch size
FIRST_DIGITS_SHOWN = 5  # the first test digits in the probability plot ...
UNSURE_DIGITS_SHOWN = 3  # ... plus the ones the model is least sure about
EXACT = 1e-6  # tolerance for "equal" in float32: same operations give differences of 0 or ~1e-7
SEED_OFFSETS = {"train_subset": 1, "test_subset": 2, "folder_shuffle": 3, "batches": 4}


# ---- 4. data (steps 1-3, which need none, are in without_data.py) ---------------------------


def load_splits(ctx: RunContext) -> tuple[MnistSplit, MnistSplit]:
    """Both MNIST splits from the cache (downloaded once), cut to the requested sizes with seeded subsets."""
    params = ctx.params
    train_split = load_mnist(params.data_dir, train=True, download=params.download)
    test_split = load_mnist(params.data_dir, train=False, download=params.download)
    # Asking for more images than the data holds uses all of them; the run records the number it used.
    ctx.adjust_param("train_images", min(params.train_images, len(train_split)),
                     f"the training data holds {len(train_split):,} images")
    ctx.adjust_param("test_images", min(params.test_images, len(test_split)),
                     f"the test data holds {len(test_split):,} images")
    train_split = train_split.subset(params.train_images, ctx.generator(SEED_OFFSETS["train_subset"]))
    test_split = test_split.subset(params.test_images, ctx.generator(SEED_OFFSETS["test_subset"]))
    return train_split, test_split


def show_data(ctx: RunContext, train_split: MnistSplit, test_split: MnistSplit) -> dict[str, Any]:
    rows = []
    for name, split in (("train", train_split), ("test", test_split)):
        counts = torch.bincount(split.labels, minlength=N_CLASSES)
        rows.append((name, len(split), str(list(split.images.shape)), str(split.images.dtype),
                     f"{int(split.images.min())}..{int(split.images.max())}", f"{int(counts.min())}..{int(counts.max())}",
                     images_megabytes(split)))
    ctx.table("The two splits, as loaded (CPU, before moving to the device)",
              ["split", "images", "images shape", "dtype", "pixel values", "images per digit", "MB of pixels"], rows,
              caption=f"data folder: {ctx.params.data_dir}; MB = 10^6 bytes, one byte per pixel")
    return {"train_images": len(train_split), "test_images": len(test_split),
            "images_megabytes": images_megabytes(train_split) + images_megabytes(test_split)}


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


def fit(ctx: RunContext, model: torch.nn.Module, train_data: TensorData, test_data: TensorData, epochs: int, label: str) -> History:
    """Train with the lesson's settings; both networks get the same shuffles (the same generator seed)."""
    loss_fn = torch.nn.CrossEntropyLoss().to(ctx.device)
    steps = epochs * -(-len(train_data) // ctx.params.batch_size)
    with ctx.progress(steps, label) as bar:
        return train(model, loss_fn, train_data, test_data, epochs=epochs, batch_size=ctx.params.batch_size,
                     lr=ctx.params.lr, generator=ctx.generator(SEED_OFFSETS["batches"]), bar=bar)


def training_table(ctx: RunContext, history: History) -> None:
    rows = []
    for epoch, (test_loss, accuracy) in enumerate(zip(history.test_losses, history.test_accuracies), start=1):
        epoch_losses = history.step_losses[(epoch - 1) * history.steps_per_epoch : epoch * history.steps_per_epoch]
        rows.append((epoch, sum(epoch_losses) / len(epoch_losses), test_loss, accuracy))
    ctx.table("Training: Adam on cross-entropy of the logits", ["epoch", "mean train loss", "test loss", "test accuracy"], rows,
              caption=f"{history.steps_per_epoch} steps per epoch of {ctx.params.batch_size} images, lr {ctx.params.lr:g}")


def start_gradient_norms(ctx: RunContext, initial_weights: dict[str, torch.Tensor], train_data: TensorData) -> tuple[float, float]:
    """Size of the whole gradient at the starting weights on the first 64 images: logits -> loss vs softmax -> loss."""
    images, labels = train_data.images[:FOLDER_BATCH_SIZE], train_data.labels[:FOLDER_BATCH_SIZE]
    norms = []
    for wrap in (lambda mlp: mlp, SoftmaxThenCrossEntropyNet):
        mlp = MnistMLP(ctx.params.hidden).to(ctx.device)
        mlp.load_state_dict(initial_weights)
        grads = torch.autograd.grad(F.cross_entropy(wrap(mlp)(images), labels), list(mlp.parameters()))
        norms.append(torch.sqrt(sum((g**2).sum() for g in grads)).item())  # sqrt of the sum of all squared entries
    return norms[0], norms[1]


def pitfall_table(ctx: RunContext, history: History, pitfall: History, start_norms: tuple[float, float]) -> dict[str, float]:
    """Compare one epoch of the notes' softmax-then-loss network with the same epoch of the logits network."""
    floor = softmax_pitfall_loss_floor(ctx.device)
    first_epoch = history.step_losses[: history.steps_per_epoch]
    ctx.table("Same start, same batches, one epoch: where the softmax goes", ["", "logits -> loss", "softmax -> loss (notes)"], [
        ("gradient norm at the start (first 64 images)", *start_norms),
        ("lowest batch loss", min(first_epoch), min(pitfall.step_losses)),
        ("last batch loss", first_epoch[-1], pitfall.step_losses[-1]),
        ("test accuracy after epoch 1", history.test_accuracies[0], pitfall.test_accuracies[0]),
    ], caption=f"softmax -> loss can never get below {floor:.6f}, and its gradient is squashed by the second softmax "
               f"({start_norms[0] / start_norms[1]:.1f} times smaller at the start).")
    return {
        "softmax_pitfall_loss_floor": floor,
        "softmax_pitfall_min_batch_loss": min(pitfall.step_losses),
        "softmax_pitfall_test_accuracy": pitfall.test_accuracies[0],
        "start_gradient_norm_logits": start_norms[0],
        "start_gradient_norm_softmax_pitfall": start_norms[1],
        "epoch1_min_batch_loss": min(first_epoch),
        "epoch1_test_accuracy": history.test_accuracies[0],
    }


def training_section(ctx: RunContext, model: MnistMLP, train_data: TensorData, test_data: TensorData) -> dict[str, Any]:
    """Train the logits network; then, from the same starting weights, the notes' softmax-then-loss network."""
    ctx.heading("6. Training: forward, loss, backward, step, zero")
    initial_weights = copy.deepcopy(model.state_dict())
    history = fit(ctx, model, train_data, test_data, ctx.params.epochs, "training on logits")
    training_table(ctx, history)
    ctx.heading("7. The notes' version: softmax inside the network, then CrossEntropyLoss")
    twin = MnistMLP(ctx.params.hidden).to(ctx.device)
    twin.load_state_dict(initial_weights)
    start_norms = start_gradient_norms(ctx, initial_weights, train_data)
    pitfall = fit(ctx, SoftmaxThenCrossEntropyNet(twin), train_data, test_data, 1, "softmax -> loss, 1 epoch")
    metrics = pitfall_table(ctx, history, pitfall, start_norms)
    ctx.save_figure(plots.loss_figure(history, pitfall, metrics["softmax_pitfall_loss_floor"], 1 / N_CLASSES), "loss.png",
                    caption=(
        "Left: the training loss of each mini-batch for the network trained on logits (blue, with its test loss after "
        "each epoch) and for the notes' softmax-then-loss network (red, one epoch from the same start), which can never "
        f"go below the dashed line at {metrics['softmax_pitfall_loss_floor']:.4f}. Right: test accuracy per epoch: "
        f"{history.test_accuracies[-1]:.1%} at the end on logits, {pitfall.test_accuracies[0]:.1%} after the notes' "
        "one epoch."))
    metrics.update(test_loss=history.test_losses[-1], test_accuracy=history.test_accuracies[-1],
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


def probabilities_step(ctx: RunContext, model: MnistMLP, test_data: TensorData, test_split: MnistSplit) -> dict[str, float]:
    """Softmax turns logits into probabilities for people to read; check they sum to 1 and keep the argmax."""
    ctx.heading("8. Softmax probabilities, for reading the answer")
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(test_data.images[s : s + 2000]) for s in range(0, len(test_data), 2000)])  # (N, 10)
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
    return {"softmax_sum_max_abs_diff": sum_diff, "softmax_argmax_mismatches": argmax_mismatches}


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
        ("softmax rows sum to 1", m["softmax_sum_max_abs_diff"], f"<= {EXACT:g}", m["softmax_sum_max_abs_diff"] <= EXACT),
        ("argmax(softmax) == argmax(logits) (mismatches)", m["softmax_argmax_mismatches"], "== 0",
         m["softmax_argmax_mismatches"] == 0),
        ("test accuracy above chance (accuracy - 0.1)", m["test_accuracy"] - m["chance_accuracy"], "> 0",
         m["test_accuracy"] > m["chance_accuracy"]),
    ]


def run(ctx: RunContext) -> dict[str, Any]:
    model = MnistMLP(ctx.params.hidden).to(ctx.device)
    metrics = steps_before_data(ctx, model)
    ctx.heading("4. MNIST from the cache")
    train_split, test_split = load_splits(ctx)
    metrics |= show_data(ctx, train_split, test_split)
    train_data = TensorData(*train_split.to_device(ctx.device, normalize=ctx.params.normalize))  # moved once
    test_data = TensorData(*test_split.to_device(ctx.device, normalize=ctx.params.normalize))
    metrics |= image_folder_step(ctx, train_split, train_data)
    metrics |= training_section(ctx, model, train_data, test_data)
    metrics |= probabilities_step(ctx, model, test_data, test_split)
    return metrics | show_claims(ctx, lesson_claims(metrics))
