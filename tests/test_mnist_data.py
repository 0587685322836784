"""The MNIST data layer (nnlessons.mnist) on tiny IDX files the tests write: loading, errors, downloads, options."""

from __future__ import annotations

import json

import gzip
import hashlib
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.error import URLError

import numpy as np
import platformdirs
import pytest
import torch
import torchvision.datasets.utils as tv_utils
from click.testing import CliRunner
from mnist_fixtures import idx_bytes, tiny_digits, tiny_mnist, write_tiny_mnist  # noqa: F401  (tiny_mnist: fixture)
from torchvision.datasets import MNIST

from nnlessons import LessonInputError
from nnlessons.cli import cli
from nnlessons.mnist import (
    DATA_DIR_ENVVAR,
    DOWNLOAD_TIMEOUT_ENVVAR,
    MNIST_MEAN,
    MNIST_STD,
    batches,
    data_dir_option,
    download_option,
    download_timeout,
    load_mnist,
    network_timeout,
)

FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")


def raw(root: Path) -> Path:
    return root / "MNIST" / "raw"


def files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def run_cli(tmp_path: Path, *args: str, env: dict[str, str] | None = None):
    out = tmp_path / "out"
    n = 1
    while out.exists():  # a new output folder per run: a run never writes into an earlier run's folder
        n += 1
        out = tmp_path / f"out-{n}"
    argv = ["run", "lstm-mnist", "--device", "cpu", "--quick", "--out", str(out), *args]
    return CliRunner().invoke(cli, argv, env=env)


def one_line(text: str) -> str:
    return " ".join(text.split())


# ---- loading ----------------------------------------------------------------------------------


@pytest.mark.parametrize("train, n, seed", [(True, 60, 0), (False, 30, 1)])
def test_load_returns_exactly_what_the_fixture_wrote(tiny_mnist: Path, train: bool, n: int, seed: int) -> None:
    split = load_mnist(tiny_mnist, train=train, download=False)
    images, labels = tiny_digits(n, seed)
    assert split.images.shape == (n, 28, 28) and split.images.dtype == torch.uint8
    assert split.labels.shape == (n,) and split.labels.dtype == torch.int64
    assert np.array_equal(split.images.numpy(), images)
    assert np.array_equal(split.labels.numpy(), labels.astype(np.int64))
    assert len(split) == n


def test_gz_only_files_are_decompressed_and_loaded(tmp_path: Path) -> None:
    root = write_tiny_mnist(tmp_path / "data", gz=True)
    assert not (raw(root) / FILES[0]).exists()
    split = load_mnist(root, train=True, download=False)
    assert np.array_equal(split.images.numpy(), tiny_digits(60, 0)[0])
    assert all((raw(root) / name).is_file() for name in FILES)
    assert not [p for p in raw(root).iterdir() if p.name.startswith(".")]  # no temporary files left


def test_torchvision_reads_the_same_cache(tiny_mnist: Path) -> None:
    ours = load_mnist(tiny_mnist, train=False, download=False)
    theirs = MNIST(tiny_mnist, train=False, download=False)
    assert torch.equal(ours.images, theirs.data) and torch.equal(ours.labels, theirs.targets)


def test_subset_first_and_seeded(tiny_mnist: Path) -> None:
    split = load_mnist(tiny_mnist, train=True, download=False)
    first = split.subset(10)
    assert torch.equal(first.images, split.images[:10]) and torch.equal(first.labels, split.labels[:10])
    drawn = split.subset(10, torch.Generator().manual_seed(3))
    again = split.subset(10, torch.Generator().manual_seed(3))
    assert torch.equal(drawn.labels, again.labels) and torch.equal(drawn.images, again.images)
    assert not torch.equal(drawn.images, first.images)
    assert split.subset(None) is split and split.subset(10_000) is split


def test_to_device_scales_and_normalises(tiny_mnist: Path) -> None:
    split = load_mnist(tiny_mnist, train=True, download=False)
    images, labels = split.to_device("cpu")
    assert images.dtype == torch.float32 and images.shape == (60, 28, 28)
    assert torch.allclose(images, split.images.float() / 255)
    assert torch.equal(labels, split.labels)
    normalised, _ = split.to_device(torch.device("cpu"), normalize=True)
    assert (normalised - (split.images.float() / 255 - MNIST_MEAN) / MNIST_STD).abs().max().item() < 1e-5


def test_batches_cover_every_example_once_in_seeded_order() -> None:
    first = list(batches(10, 4, torch.Generator().manual_seed(0), "cpu"))
    second = list(batches(10, 4, torch.Generator().manual_seed(0), "cpu"))
    assert [len(b) for b in first] == [4, 4, 2]
    assert sorted(torch.cat(first).tolist()) == list(range(10))
    assert all(torch.equal(a, b) for a, b in zip(first, second))
    assert torch.cat(first).tolist() != list(range(10))


# ---- missing data -----------------------------------------------------------------------------


def test_missing_data_without_download_exits_2_naming_files_folder_and_source(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    result = run_cli(tmp_path, "--data-dir", str(empty), "--no-download")
    assert result.exit_code == 2, result.output
    message = one_line(result.output)
    assert str(empty / "MNIST" / "raw") in message
    assert all(name in message for name in FILES)
    assert "http://yann.lecun.com/exdb/mnist/" in message and "--data-dir" in message and DATA_DIR_ENVVAR in message
    assert "Traceback" not in result.output


def test_download_can_be_turned_off_by_environment_variable(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    result = run_cli(tmp_path, "--data-dir", str(empty), env={"NNLESSONS_DOWNLOAD": "0"})
    assert result.exit_code == 2, result.output
    assert "MNIST is not available" in result.output and "downloading failed" not in result.output, "it tried to download"
    record = json.loads((tmp_path / "out" / "run.json").read_text())
    assert record["params"]["download"] is False


def test_one_missing_file_is_named(tiny_mnist: Path) -> None:
    (raw(tiny_mnist) / "t10k-labels-idx1-ubyte").unlink()
    with pytest.raises(LessonInputError) as error:
        load_mnist(tiny_mnist, train=True, download=False)
    assert "is missing t10k-labels-idx1-ubyte (" in error.value.message


@pytest.fixture
def offline(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """torchvision's download writes half a file, then the network fails; returns the URLs it tried."""
    tried: list[str] = []

    def half_download(url: str, filename: str, chunk_size: int = 0) -> None:
        tried.append(url)
        Path(filename).write_bytes(b"\x1f\x8b partial")
        raise URLError("network is unreachable")

    monkeypatch.setattr(tv_utils, "_get_redirect_url", lambda url, max_hops=3: url)
    monkeypatch.setattr(tv_utils, "_urlretrieve", half_download)
    return tried


def test_failed_download_exits_2_and_leaves_no_partial_file(tmp_path: Path, offline: list[str]) -> None:
    data = tmp_path / "data"
    result = run_cli(tmp_path, "--data-dir", str(data))
    assert result.exit_code == 2, result.output
    assert offline and all(url.endswith("train-images-idx3-ubyte.gz") for url in offline)
    message = one_line(result.output)
    assert "downloading failed" in message and "network is unreachable" in message
    assert str(data / "MNIST" / "raw") in message and all(name in message for name in FILES)
    assert files_under(data) == []  # the half-written .gz went away with the temporary folder


def test_interrupted_download_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(url: str, filename: str, chunk_size: int = 0) -> None:
        Path(filename).write_bytes(b"half")
        raise KeyboardInterrupt

    monkeypatch.setattr(tv_utils, "_get_redirect_url", lambda url, max_hops=3: url)
    monkeypatch.setattr(tv_utils, "_urlretrieve", interrupted)
    with pytest.raises(KeyboardInterrupt):
        load_mnist(tmp_path / "data", train=True, download=True)
    assert files_under(tmp_path / "data") == []


def test_download_with_wrong_checksum_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tv_utils, "_get_redirect_url", lambda url, max_hops=3: url)
    monkeypatch.setattr(tv_utils, "_urlretrieve", lambda url, filename, chunk_size=0: Path(filename).write_bytes(b"not mnist"))
    with pytest.raises(LessonInputError) as error:
        load_mnist(tmp_path / "data", train=True, download=True)
    assert "downloading failed" in error.value.message and "corrupted" in error.value.message
    assert files_under(tmp_path / "data") == []


def test_successful_download_goes_through_staging_into_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A fake mirror serves the tiny files as .gz; torchvision checks their md5 and we move them into place."""
    served: dict[str, bytes] = {}
    for prefix, n, seed in (("train", 60, 0), ("t10k", 30, 1)):
        images, labels = tiny_digits(n, seed)
        served[f"{prefix}-images-idx3-ubyte.gz"] = gzip.compress(idx_bytes(images, 2051))
        served[f"{prefix}-labels-idx1-ubyte.gz"] = gzip.compress(idx_bytes(labels, 2049))
    resources = [(name, hashlib.md5(data).hexdigest()) for name, data in served.items()]
    monkeypatch.setattr(MNIST, "resources", resources)
    monkeypatch.setattr(tv_utils, "_get_redirect_url", lambda url, max_hops=3: url)
    monkeypatch.setattr(tv_utils, "_urlretrieve", lambda url, filename, chunk_size=0: Path(filename).write_bytes(served[url.rsplit("/", 1)[1]]))
    split = load_mnist(tmp_path / "data", train=False, download=True)
    assert np.array_equal(split.images.numpy(), tiny_digits(30, 1)[0])
    expected = sorted(f"MNIST/raw/{name}{suffix}" for name in FILES for suffix in ("", ".gz"))
    assert files_under(tmp_path / "data") == expected  # and no staging folder left behind


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A server on 127.0.0.1 that accepts connections and never answers; yields its URL.

    Bounded: it accepts for at most about 10 s (200 accepts of 0.05 s), then closes what it
    holds and stops, so a client without a timeout fails instead of hanging the test run.
    """
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve() -> None:
        for _ in range(200):
            if stop.is_set():
                break
            try:
                held.append(listener.accept()[0])
            except TimeoutError:
                continue
        for connection in held:
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    stop.set()
    thread.join(timeout=5)
    listener.close()


def test_a_server_that_never_answers_times_out_with_exit_2(tmp_path: Path, silent_server: str,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MNIST, "mirrors", [silent_server])
    data = tmp_path / "data"
    result = run_cli(tmp_path, "--data-dir", str(data), "--json", env={DOWNLOAD_TIMEOUT_ENVVAR: "0.2"})
    assert result.exit_code == 2, result.output
    message = one_line(result.output)
    assert f"downloading failed ({silent_server}train-images-idx3-ubyte.gz: no answer within 0.2 s; " in message
    assert f"set {DOWNLOAD_TIMEOUT_ENVVAR} to more seconds" in message and all(name in message for name in FILES)
    assert f"Downloading train-images-idx3-ubyte.gz from {silent_server}" in result.stderr  # which file, on stderr
    assert "Downloading" not in result.stdout and "Traceback" not in result.output
    assert files_under(data) == []
    assert socket.getdefaulttimeout() is None  # the process-wide timeout is put back


def test_the_network_timeout_is_put_back_even_after_an_error() -> None:
    with pytest.raises(KeyboardInterrupt), network_timeout(0.5):
        assert socket.getdefaulttimeout() == 0.5
        raise KeyboardInterrupt
    assert socket.getdefaulttimeout() is None


@pytest.mark.parametrize("value", ["0", "-1", "soon", "nan", "inf"])
def test_a_bad_download_timeout_is_refused(value: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(DOWNLOAD_TIMEOUT_ENVVAR, value)
    with pytest.raises(LessonInputError, match=f"{DOWNLOAD_TIMEOUT_ENVVAR} must be a number of seconds above 0"):
        download_timeout()
    monkeypatch.setenv(DOWNLOAD_TIMEOUT_ENVVAR, "2.5")
    assert download_timeout() == 2.5


def test_a_long_download_error_is_cut_at_a_word(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(url: str, filename: str, chunk_size: int = 0) -> None:
        raise URLError("overloaded " * 60)

    monkeypatch.setattr(tv_utils, "_get_redirect_url", lambda url, max_hops=3: url)
    monkeypatch.setattr(tv_utils, "_urlretrieve", refuse)
    with pytest.raises(LessonInputError) as error:
        load_mnist(tmp_path / "data", train=True, download=True)
    reason = error.value.message.split("downloading failed (", 1)[1].split("), and ", 1)[0]
    assert reason.endswith(" ...") and len(reason) <= 240
    assert set(reason.split(": ", 2)[-1].removesuffix(" ...").split()) <= {"<urlopen", "error", "overloaded"}


# ---- corrupt data -----------------------------------------------------------------------------


def test_truncated_images_file_exits_2_naming_the_file(tiny_mnist: Path, tmp_path: Path) -> None:
    path = raw(tiny_mnist) / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:-100])
    result = run_cli(tmp_path, "--data-dir", str(tiny_mnist), "--no-download")
    assert result.exit_code == 2, result.output
    message = one_line(result.output)
    assert str(path) in message and "truncated" in message and "delete it" in message
    assert "Traceback" not in result.output


@pytest.mark.parametrize(
    "name, damage, words",
    [
        ("t10k-labels-idx1-ubyte", lambda b: b"\x00\x00\x08\x03" + b[4:], "magic number 2051, expected 2049"),
        ("train-images-idx3-ubyte", lambda b: b[:10], "shorter than the 16-byte header"),
        ("train-labels-idx1-ubyte", lambda b: b[:4] + (59).to_bytes(4, "big") + b[8:-1], "59 labels for the 60 images"),
        ("train-images-idx3-ubyte", lambda b: b + b"\x00", "expected 47056 for 60 items"),
    ],
)
def test_corrupt_files_raise_lesson_input_error(tiny_mnist: Path, name: str, damage, words: str) -> None:
    path = raw(tiny_mnist) / name
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(LessonInputError) as error:
        load_mnist(tiny_mnist, train=name.startswith("train"), download=False)
    assert str(path.name) in error.value.message and words in error.value.message


def test_truncated_gz_is_named_and_leaves_no_partial_file(tmp_path: Path) -> None:
    root = write_tiny_mnist(tmp_path / "data", gz=True)
    archive = raw(root) / "train-images-idx3-ubyte.gz"
    archive.write_bytes(archive.read_bytes()[:-30])
    with pytest.raises(LessonInputError) as error:
        load_mnist(root, train=True, download=False)
    assert str(archive) in error.value.message and "delete it" in error.value.message
    assert not (raw(root) / "train-images-idx3-ubyte").exists()
    assert not [p for p in raw(root).iterdir() if p.name.startswith(".")]


# ---- options ----------------------------------------------------------------------------------


def test_default_data_dir_is_under_the_user_cache_dir() -> None:
    option = data_dir_option()
    assert option.type is Path and option.envvar == DATA_DIR_ENVVAR == "NNLESSONS_DATA_DIR"
    assert option.default == platformdirs.user_cache_path("nnlessons") / "data"
    assert option.default.is_relative_to(platformdirs.user_cache_path())
    download = download_option()
    assert (download.name, download.type, download.default) == ("download", bool, True)


def test_env_var_overrides_the_default_data_dir(tmp_path: Path) -> None:
    chosen = tmp_path / "from-env"
    result = run_cli(tmp_path, "--no-download", env={DATA_DIR_ENVVAR: str(chosen)})
    assert result.exit_code == 2, result.output
    assert str(chosen / "MNIST" / "raw") in one_line(result.output)
    explicit = run_cli(tmp_path, "--no-download", "--data-dir", str(tmp_path / "flag"), env={DATA_DIR_ENVVAR: str(chosen)})
    assert str(tmp_path / "flag" / "MNIST" / "raw") in one_line(explicit.output)  # the flag beats the env var


def test_importing_the_data_layer_does_not_import_torch() -> None:
    code = "import sys, nnlessons.mnist; print('torch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "False"
