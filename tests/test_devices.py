"""Device choice with CUDA and MPS availability faked: auto order, explicit requests, no silent fallback."""

from __future__ import annotations

import pytest
import torch

from nnlessons import LessonInputError
from nnlessons.devices import available_devices, resolve_device


@pytest.fixture
def fake(monkeypatch):
    def fake(cuda: int = 0, mps: bool = False) -> None:
        monkeypatch.setattr(torch.cuda, "is_available", lambda: cuda > 0)
        monkeypatch.setattr(torch.cuda, "device_count", lambda: cuda)
        monkeypatch.setattr(torch.backends.mps, "is_available", lambda: mps)

    return fake


def test_cpu_only_machine(fake):
    fake()
    assert available_devices() == ["cpu"]
    assert resolve_device("auto") == torch.device("cpu")
    assert resolve_device("cpu") == torch.device("cpu")


@pytest.mark.parametrize("spec", ["cuda", "cuda:0", "mps"])
def test_explicit_device_that_is_missing_is_an_error_not_a_fallback(fake, spec):
    fake()
    with pytest.raises(LessonInputError) as excinfo:
        resolve_device(spec)
    assert excinfo.value.exit_code == 2
    assert excinfo.value.message == f"Device {spec!r} is not available on this machine; available devices: cpu."


def test_auto_prefers_cuda_then_mps(fake):
    fake(cuda=2, mps=True)
    assert available_devices() == ["cuda:0", "cuda:1", "mps", "cpu"]
    assert resolve_device("auto") == torch.device("cuda:0")
    fake(cuda=0, mps=True)
    assert resolve_device("auto") == torch.device("mps")


def test_cuda_index_is_checked(fake):
    fake(cuda=2)
    assert resolve_device("cuda") == torch.device("cuda:0")
    assert resolve_device("cuda:1") == torch.device("cuda:1")
    with pytest.raises(LessonInputError, match=r"'cuda:2' is not available on this machine; available devices: cuda:0, cuda:1, cpu"):
        resolve_device("cuda:2")


@pytest.mark.parametrize("spec", ["gpu", "cuda:", "cuda:x", "CPU", "tpu"])
def test_unknown_device_names(spec):
    with pytest.raises(LessonInputError, match="use auto, cpu, cuda, cuda:N or mps"):
        resolve_device(spec)
