"""Step 5's timing: the same images through ImageFolder + DataLoader and by indexing a tensor, per image.

One timing of a few dozen images is mostly noise: waking a second thread or a busy machine can
cost as much as the work itself. So both routes run on one CPU thread, over every image of the
folder in the notes' batches of 64, after one untimed warm-up, and the best of several repeats
counts (the one least disturbed by other programs). The tensor route is so fast that each repeat
runs many passes, so the clock reads milliseconds, not microseconds. Even so, which route was
faster is read off the numbers of the run, never assumed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator

import torch

from nnlessons_mnist_mlp import folder

REPEATS = 5  # timed runs of each route; the fastest counts
TENSOR_PASSES = 50  # passes over the folder's images per timed run of the tensor route
BATCH_SIZE = 64  # the notes' DataLoader batch size, for both routes
CLEAR_RATIO = 2.0  # a ratio beyond 2 (either way) is what the run calls a clear difference


@contextlib.contextmanager
def one_cpu_thread() -> Iterator[None]:
    """torch on one CPU thread while the block runs, then the thread count it had."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def wait_for(device: torch.device) -> None:
    """Block until the device has finished its queued work (CUDA and MPS run asynchronously)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def best_seconds(action: Callable[[], object], clock: Callable[[], float], repeats: int = REPEATS) -> float:
    """The fastest of `repeats` timed runs of `action` by `clock`, after one untimed warm-up run."""
    action()  # first-call costs (allocations, caches) are not what is being measured
    times = []
    for _ in range(repeats):
        start = clock()
        action()
        times.append(clock() - start)
    return min(times)


def read_folder_batches(digits: folder.DigitFolder, device: torch.device) -> None:
    """Every file of the folder through ImageFolder + DataLoader in batches of BATCH_SIZE, moved to `device`."""
    for batch_images, batch_labels in folder.digit_loader(digits, BATCH_SIZE, generator=None):
        batch_images.to(device), batch_labels.to(device)  # (B, 1, 28, 28), (B,)
    wait_for(device)


def index_batches(images: torch.Tensor, sources: torch.Tensor, passes: int) -> None:
    """`passes` times over `sources` in batches of BATCH_SIZE: ``images[batch]``, as training slices a batch."""
    for _ in range(passes):
        for start in range(0, len(sources), BATCH_SIZE):
            images[sources[start:start + BATCH_SIZE]]  # (B, 28, 28): the copy a training step makes
    wait_for(images.device)


def time_both_routes(digits: folder.DigitFolder, images: torch.Tensor,
                     clock: Callable[[], float]) -> dict[str, float]:
    """Microseconds per image: the PNG files through ImageFolder vs indexing the on-device tensor `images`.

    Both routes fetch the same images (the folder's files, by their MNIST index) in batches of 64.
    """
    device = images.device
    sources = digits.source_indices.to(device)  # (F,)
    with one_cpu_thread():
        folder_seconds = best_seconds(lambda: read_folder_batches(digits, device), clock)
        tensor_seconds = best_seconds(lambda: index_batches(images, sources, TENSOR_PASSES), clock)
    folder_us = 1e6 * folder_seconds / len(sources)
    tensor_us = 1e6 * tensor_seconds / (TENSOR_PASSES * len(sources))
    return {"imagefolder_us_per_image": folder_us, "tensor_index_us_per_image": tensor_us,
            "imagefolder_over_tensor_ratio": folder_us / tensor_us if tensor_us > 0 else float("inf")}


def timing_verdict(folder_us: float, tensor_us: float) -> str:
    """One sentence on which route was faster in this run, only as sure as the numbers allow."""
    if tensor_us > 0 and folder_us >= CLEAR_RATIO * tensor_us:
        return (f"In this run ImageFolder took {folder_us / tensor_us:,.0f} times as long per image as indexing "
                "the tensor: every epoch would pay that for every image.")
    if folder_us > 0 and tensor_us >= CLEAR_RATIO * folder_us:
        return (f"In this run indexing the tensor was {tensor_us / folder_us:,.1f} times slower than ImageFolder, "
                "which says more about how busy the machine was than about the two routes: run it again.")
    return ("In this run the two timings were within a factor of 2 of each other: too close to tell apart "
            "from one measurement on a busy machine; run it again.")
