"""Samples per second through several ways of feeding mini-batches to the device, measured for real."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import torch
from torch.utils.data import BatchSampler, DataLoader, Dataset, RandomSampler, TensorDataset

from nnlessons_dataset_dataloader.dataset import CsvDataset, WaitingDataset

Batch = tuple[torch.Tensor, torch.Tensor]


@dataclass(frozen=True)
class Throughput:
    """One way of making batches and how fast it delivered them to the device."""

    key: str  # short name for run.json
    method: str
    samples: int  # timed samples (after the first batch)
    first_batch_seconds: float  # start-up: iterator (and worker processes) up to the first batch
    seconds: float  # time for `samples` after the first batch

    @property
    def samples_per_second(self) -> float:
        return self.samples / max(self.seconds, 1e-9)


def _synchronize(device: torch.device) -> None:
    """Wait for queued GPU copies so the clock measures finished work (CUDA and MPS both queue them)."""
    if device.type == "cuda":
        torch.cuda.synchronize(device)
    elif device.type == "mps":
        torch.mps.synchronize()


def _endless(loader: DataLoader) -> Iterator[Batch]:
    """Epoch after epoch of one loader (persistent workers are reused between epochs)."""
    while True:
        yield from loader


def _per_item_stream(dataset: Dataset, batch_size: int, workers: int, seed: int) -> Iterator[Batch]:
    """The usual DataLoader: B calls of dataset[i], then torch.stack, in this process or in workers."""
    loader = DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(seed),
                        num_workers=workers, persistent_workers=workers > 0)
    return _endless(loader)


def _whole_batch_stream(dataset: TensorDataset, batch_size: int, seed: int) -> Iterator[Batch]:
    """A DataLoader that asks the dataset for all B rows at once: dataset[[i1, ..., iB]]."""
    rows = BatchSampler(RandomSampler(dataset, generator=torch.Generator().manual_seed(seed)), batch_size, drop_last=False)
    return _endless(DataLoader(dataset, batch_size=None, sampler=rows))


def _sliced_stream(features: torch.Tensor, labels: torch.Tensor, batch_size: int, seed: int) -> Iterator[Batch]:
    """No DataLoader: shuffled mini-batches by indexing device tensors with a slice of a permutation."""
    generator = torch.Generator().manual_seed(seed)
    n_rows = features.shape[0]
    while True:
        order = torch.randperm(n_rows, generator=generator).to(features.device)  # (N,)
        for start in range(0, n_rows, batch_size):
            rows = order[start : start + batch_size]  # (B,)
            yield features[rows], labels[rows]  # (B, F), (B, 1)


Clock = Callable[[], float]


def measure(batches: Iterator[Batch], key: str, method: str, target_samples: int, device: torch.device,
            clock: Clock = time.perf_counter) -> Throughput:
    """Pull batches until `target_samples` have reached `device`; time the first batch separately.

    `clock` is read three times: before the first batch, after it, and after the last.
    """
    start = clock()
    features, labels = next(batches)
    features.to(device), labels.to(device)
    _synchronize(device)
    first_at = clock()
    samples = 0
    while samples < target_samples:
        features, labels = next(batches)
        features, labels = features.to(device), labels.to(device)  # (B, F), (B, 1)
        samples += labels.shape[0]
    _synchronize(device)
    seconds = clock() - first_at
    batches.close()  # ends the stream; its loader and any worker processes are released
    return Throughput(key, method, samples, first_at - start, seconds)


Method = tuple[str, str, Callable[[], Iterator[Batch]]]  # (key, description, start the stream)


def in_memory_methods(dataset: CsvDataset, batch_size: int, workers: int, seed: int, device: torch.device) -> list[Method]:
    """Every way of batching the in-memory table; the worker row only when `workers` > 0."""
    tensors = TensorDataset(dataset.features, dataset.labels)
    methods: list[Method] = [
        ("csv_dataset_workers0", "CsvDataset, num_workers=0",
         lambda: _per_item_stream(dataset, batch_size, 0, seed)),
        (f"csv_dataset_workers{workers}", f"CsvDataset, num_workers={workers}",
         lambda: _per_item_stream(dataset, batch_size, workers, seed)),
        ("tensor_dataset", "TensorDataset, num_workers=0",
         lambda: _per_item_stream(tensors, batch_size, 0, seed)),
        ("tensor_dataset_whole_batch", "TensorDataset, whole-batch fetch",
         lambda: _whole_batch_stream(tensors, batch_size, seed)),
        ("device_slicing", "slicing device tensors",
         lambda: _sliced_stream(dataset.features.to(device), dataset.labels.to(device), batch_size, seed)),
    ]
    return methods if workers > 0 else [methods[0], *methods[2:]]


def measure_in_memory(dataset: CsvDataset, batch_size: int, workers: int, target_samples: int, device: torch.device,
                      seed: int, clock: Clock = time.perf_counter) -> list[Throughput]:
    """Time every way on the same data, batch size and number of samples."""
    return [measure(start(), key, description, target_samples, device, clock)
            for key, description, start in in_memory_methods(dataset, batch_size, workers, seed, device)]


def measure_waiting(dataset: CsvDataset, batch_size: int, workers: int, target_samples: int, delay_seconds: float,
                    device: torch.device, seed: int, clock: Clock = time.perf_counter) -> list[Throughput]:
    """Per-item loading that waits (like reading files): num_workers=0 against `workers` processes."""
    waiting = WaitingDataset(dataset, delay_seconds)
    counts = [0, workers] if workers > 0 else [0]
    return [measure(_per_item_stream(waiting, batch_size, count, seed), f"waiting_workers{count}",
                    f"WaitingDataset, num_workers={count}", target_samples, device, clock)
            for count in counts]
