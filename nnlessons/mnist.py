"""The MNIST data layer: a cached, verified copy of MNIST for any lesson that needs real digits.

Lessons declare the two options and load a split:

    from nnlessons.mnist import data_dir_option, download_option, load_mnist, batches

    options=(data_dir_option(), download_option(), ...)

    train = load_mnist(ctx.params.data_dir, train=True, download=ctx.params.download)
    images, labels = train.subset(1000).to_device(ctx.device)   # moved once
    for index in batches(len(labels), 64, ctx.generator(), ctx.device):
        loss = loss_fn(model(images[index]), labels[index])

The cache uses torchvision's layout, ``<data dir>/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte``,
and torchvision's ``MNIST`` class reads it. Around torchvision this module adds:

* a per-user default folder (``<user cache dir>/nnlessons/data``), overridden by ``--data-dir`` or the
  ``NNLESSONS_DATA_DIR`` environment variable;
* ``.gz`` files dropped into the folder by hand are decompressed (gzip's own CRC check catches damage);
* a download that cannot leave a half-written file behind: torchvision downloads (checking each file's
  md5) into a temporary folder next to the cache, and only complete files are moved into place, with an
  atomic rename; a failed or interrupted download removes the temporary folder;
* a download that cannot hang: every network wait gives up after ``NNLESSONS_DOWNLOAD_TIMEOUT`` seconds
  (30 by default), and the file being downloaded is named on stderr (stdout stays free for ``--json``);
* a header and size check of every IDX file before it is read, so a truncated or corrupt file is named
  in a clear error instead of surfacing as a reshape error deep inside torchvision;
* `LessonInputError` (exit code 2) for every data problem, saying what is expected where and how to fix it.

Only the standard library and platformdirs are imported at module level; torch and torchvision are
imported when data is actually loaded, so the options can be declared in a lesson's cheap info hook.
"""

from __future__ import annotations

import contextlib
import gzip
import math
import os
import shutil
import socket
import struct
import sys
import tempfile
import textwrap
import urllib.error
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

from nnlessons.errors import LessonInputError
from nnlessons.lesson_info import Option

if TYPE_CHECKING:
    import torch

#: Environment variable that overrides the default data folder.
DATA_DIR_ENVVAR = "NNLESSONS_DATA_DIR"
#: set to 0 to never download (offline machines, test and docs builds), like --no-download
DOWNLOAD_ENVVAR = "NNLESSONS_DOWNLOAD"
#: seconds a download waits for the server (to connect, or for the next bytes) before giving up
DOWNLOAD_TIMEOUT_ENVVAR = "NNLESSONS_DOWNLOAD_TIMEOUT"
DEFAULT_DOWNLOAD_TIMEOUT = 30.0
REASON_CHARACTERS = 240  # of the download errors quoted in the message, cut at a word

#: Where the MNIST files can be obtained (torchvision's mirrors, in the order it tries them).
MNIST_MIRRORS = ("https://ossci-datasets.s3.amazonaws.com/mnist/", "http://yann.lecun.com/exdb/mnist/")

#: Mean and standard deviation of the 60,000 MNIST training pixels scaled to [0, 1].
MNIST_MEAN = 0.1307
MNIST_STD = 0.3081

IMAGE_SIDE = 28
IMAGES_MAGIC = 2051  # 0x00000803: unsigned bytes, 3 dimensions
LABELS_MAGIC = 2049  # 0x00000801: unsigned bytes, 1 dimension
SPLIT_PREFIX = {True: "train", False: "t10k"}


def default_data_dir() -> Path:
    """``<user cache dir>/nnlessons/data``, e.g. ``~/.cache/nnlessons/data`` on Linux (no torch needed)."""
    return platformdirs.user_cache_path("nnlessons") / "data"


def data_dir_option() -> Option:
    """The ``--data-dir`` option every MNIST lesson declares."""
    return Option(
        "data_dir",
        Path,
        default_data_dir(),
        f"Folder that caches datasets (MNIST goes in <folder>/MNIST/raw); env var {DATA_DIR_ENVVAR} overrides the default.",
        envvar=DATA_DIR_ENVVAR,
    )


def download_option() -> Option:
    """The ``--download/--no-download`` option every MNIST lesson declares."""
    return Option("download", bool, True, "Download MNIST if it is not cached.", envvar=DOWNLOAD_ENVVAR)


# ---- file names and messages ------------------------------------------------------------------


def raw_folder(root: Path) -> Path:
    """torchvision's folder for the MNIST files under a data folder."""
    return Path(root).expanduser() / "MNIST" / "raw"


def split_files(train: bool) -> tuple[str, str]:
    """The (images, labels) file names of one split, uncompressed."""
    prefix = SPLIT_PREFIX[train]
    return f"{prefix}-images-idx3-ubyte", f"{prefix}-labels-idx1-ubyte"


def all_files() -> tuple[str, ...]:
    """The four files torchvision expects; it checks for all four whichever split is loaded."""
    return (*split_files(True), *split_files(False))


def missing_data_message(raw: Path, missing: list[str], reason: str | None = None) -> str:
    """One message for 'the data is not there': which files, which folder, where to get them, how to point elsewhere."""
    why = f"downloading failed ({reason}), and " if reason else ""
    return (
        f"MNIST is not available: {why}{raw} is missing {', '.join(missing)} (the same names ending in .gz also work); "
        f"get them from {' or '.join(MNIST_MIRRORS)} and put them in that folder, or point --data-dir DIR or "
        f"{DATA_DIR_ENVVAR} at a folder that holds MNIST/raw/ (with --download when online)."
    )


def corrupt_file_message(path: Path, problem: str) -> str:
    return (
        f"MNIST file {path} is corrupt or truncated ({problem}); delete it so that the next run extracts "
        f"or downloads it again, or replace it with a good copy."
    )


# ---- making the cache complete ----------------------------------------------------------------


def missing_files(raw: Path) -> list[str]:
    return [name for name in all_files() if not (raw / name).is_file()]


def decompress_gz_files(raw: Path) -> None:
    """Decompress ``NAME.gz`` to ``NAME`` for each expected file that only exists compressed.

    Writes to a temporary name and renames, so an interruption never leaves a partial ``NAME``.
    """
    for name in missing_files(raw):
        archive = raw / f"{name}.gz"
        if not archive.is_file():
            continue
        try:
            handle, partial_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".partial", dir=raw)
        except OSError as exc:
            raise LessonInputError(f"Cannot write to the data folder {raw} ({exc.strerror or exc}); choose a writable one with --data-dir.") from None
        partial = Path(partial_name)
        try:
            with gzip.open(archive, "rb") as source, os.fdopen(handle, "wb") as target:
                shutil.copyfileobj(source, target)
        except (OSError, EOFError, zlib.error) as exc:
            partial.unlink(missing_ok=True)
            raise LessonInputError(corrupt_file_message(archive, f"gzip: {exc}")) from None
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
        partial.chmod(0o644)  # mkstemp makes it private; the final file should read like any other
        os.replace(partial, raw / name)


def download_timeout() -> float:
    """Seconds from ``NNLESSONS_DOWNLOAD_TIMEOUT`` (default 30), a finite number above 0."""
    text = os.environ.get(DOWNLOAD_TIMEOUT_ENVVAR, "").strip()
    if not text:
        return DEFAULT_DOWNLOAD_TIMEOUT
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise LessonInputError(f"{DOWNLOAD_TIMEOUT_ENVVAR} must be a number of seconds above 0 such as 30, "
                               f"not '{text[:20]}'.")
    return seconds


@contextlib.contextmanager
def network_timeout(seconds: float) -> Iterator[None]:
    """Every socket opened in the block gives up after `seconds` without progress.

    torchvision opens its connections without a timeout, so a server that accepts and never
    answers would make it wait forever; the default timeout is the only way to reach them.
    """
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(seconds)
    try:
        yield
    finally:
        socket.setdefaulttimeout(previous)


def is_timeout(exc: BaseException) -> bool:
    return isinstance(exc, TimeoutError) or (isinstance(exc, urllib.error.URLError) and isinstance(exc.reason, TimeoutError))


def download_error(exc: Exception, timeout: float) -> str:
    if is_timeout(exc):
        return f"no answer within {timeout:g} s"
    return " ".join(str(exc).split()) or type(exc).__name__


class DownloadFailed(Exception):
    """No mirror served a file; the message says what each one answered, in at most a few hundred characters."""


def download_one(filename: str, md5: str, staging: Path, timeout: float) -> None:
    """Fetch one file into `staging` from the first of torchvision's mirrors that serves it with the right md5."""
    from torchvision.datasets import MNIST
    from torchvision.datasets.utils import download_url

    errors = []
    for mirror in MNIST.mirrors:
        print(f"Downloading {filename} from {mirror} ...", file=sys.stderr, flush=True)
        try:
            with contextlib.redirect_stdout(sys.stderr):  # stdout is the --json record's
                download_url(f"{mirror}{filename}", str(staging), filename, md5)
            return
        except Exception as exc:  # any network, HTTP or checksum failure: try the next mirror
            (staging / filename).unlink(missing_ok=True)
            errors.append((mirror, exc))
    reason = textwrap.shorten("; ".join(f"{mirror}{filename}: {download_error(exc, timeout)}" for mirror, exc in errors),
                              REASON_CHARACTERS, placeholder=" ...")
    if any(is_timeout(exc) for _, exc in errors):
        reason += f"; set {DOWNLOAD_TIMEOUT_ENVVAR} to more seconds to wait longer"
    raise DownloadFailed(reason)


def download_missing(raw: Path, timeout: float | None = None) -> None:
    """Download the missing MNIST files with torchvision into a temporary folder, then move them into `raw`.

    torchvision writes each download straight to its final name and checks its md5 afterwards; a crash
    mid-download would leave a partial file that its next existence check takes for good data. Doing the
    download in a throw-away folder and renaming only complete, verified files avoids that. Each network
    wait gives up after `timeout` seconds (default: ``NNLESSONS_DOWNLOAD_TIMEOUT`` or 30).
    """
    from torchvision.datasets import MNIST

    timeout = download_timeout() if timeout is None else timeout
    missing = missing_files(raw)
    try:
        raw.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".download-", dir=raw.parent))
    except OSError as exc:
        raise LessonInputError(f"Cannot write to the data folder {raw} ({exc.strerror or exc}); choose a writable one with --data-dir.") from None
    try:
        with network_timeout(timeout):
            for filename, md5 in MNIST.resources:
                if filename.removesuffix(".gz") in missing and not (raw / filename).exists():
                    download_one(filename, md5, staging, timeout)
                    os.replace(staging / filename, raw / filename)  # complete and verified: now under its name
    except DownloadFailed as failed:  # the first file no mirror serves: the others would fail alike
        raise LessonInputError(missing_data_message(raw, missing, str(failed))) from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    decompress_gz_files(raw)


def ensure_files(root: Path, *, download: bool) -> Path:
    """Make sure the four uncompressed files are in ``<root>/MNIST/raw``; return that folder."""
    raw = raw_folder(root)
    if raw.is_dir():
        decompress_gz_files(raw)
    missing = missing_files(raw)
    if missing and download:
        download_missing(raw)
        missing = missing_files(raw)
    if missing:
        raise LessonInputError(missing_data_message(raw, missing))
    return raw


# ---- checking the files -----------------------------------------------------------------------


def check_idx_file(path: Path, magic: int, item_shape: tuple[int, ...]) -> int:
    """Check an IDX file's header and size; return the number of items it holds.

    Layout: a big-endian uint32 magic number, one big-endian uint32 size per dimension, then the
    unsigned bytes. The file must hold exactly ``count * prod(item_shape)`` bytes after the header.
    """
    dims = 1 + len(item_shape)
    header_size = 4 * (1 + dims)
    size = path.stat().st_size
    if size < header_size:
        raise LessonInputError(corrupt_file_message(path, f"{size} bytes, shorter than the {header_size}-byte header"))
    with open(path, "rb") as handle:
        found_magic, *shape = struct.unpack(f">{1 + dims}I", handle.read(header_size))
    if found_magic != magic:
        raise LessonInputError(corrupt_file_message(path, f"magic number {found_magic}, expected {magic}"))
    if tuple(shape[1:]) != item_shape:
        raise LessonInputError(corrupt_file_message(path, f"items of shape {tuple(shape[1:])}, expected {item_shape}"))
    count = shape[0]
    expected = header_size + count * math.prod(item_shape)
    if size != expected:
        raise LessonInputError(corrupt_file_message(path, f"{size} bytes, expected {expected} for {count} items"))
    return count


def check_split(raw: Path, train: bool) -> None:
    """Check both files of a split, and that they hold the same number of items."""
    images_name, labels_name = split_files(train)
    n_images = check_idx_file(raw / images_name, IMAGES_MAGIC, (IMAGE_SIDE, IMAGE_SIDE))
    n_labels = check_idx_file(raw / labels_name, LABELS_MAGIC, ())
    if n_images != n_labels:
        raise LessonInputError(
            corrupt_file_message(raw / labels_name, f"{n_labels} labels for the {n_images} images of {images_name}")
        )


# ---- the loaded data --------------------------------------------------------------------------


@dataclass
class MnistSplit:
    """One MNIST split in memory on the CPU.

    :ivar images: (N, 28, 28) uint8, pixel values 0..255.
    :ivar labels: (N,) int64, digits 0..9.
    """

    images: torch.Tensor
    labels: torch.Tensor

    def __len__(self) -> int:
        return int(self.labels.shape[0])

    def subset(self, limit: int | None, generator: torch.Generator | None = None) -> MnistSplit:
        """The first `limit` images, or `limit` images drawn at random with `generator`; all if `limit` is None."""
        import torch

        if limit is None or limit >= len(self):
            return self
        if generator is None:
            keep = torch.arange(limit)
        else:
            keep = torch.randperm(len(self), generator=generator)[:limit]
        return MnistSplit(self.images[keep], self.labels[keep])

    def to_device(self, device: torch.device | str, normalize: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
        """Move the split to `device` once: images (N, 28, 28) float32, labels (N,) int64.

        Images are scaled to [0, 1] (what torchvision's ``ToTensor`` gives). With ``normalize=True``
        they are further standardised with the training-set statistics, ``(x - 0.1307) / 0.3081``, so
        pixels have mean about 0 and standard deviation about 1. The bytes are moved first and
        converted on the device, which moves a quarter of the data a float copy would.
        """
        images = self.images.to(device).float().div_(255.0)  # (N, 28, 28) in [0, 1]
        return (standardize(images) if normalize else images), self.labels.to(device)


def standardize(images: torch.Tensor) -> torch.Tensor:
    """Pixels in [0, 1] -> ``(x - 0.1307) / 0.3081``, MNIST's training-set mean and standard deviation."""
    return (images - MNIST_MEAN) / MNIST_STD


def load_mnist(root: Path, *, train: bool, download: bool) -> MnistSplit:
    """Load the training (60,000) or test (10,000) split of MNIST from ``<root>/MNIST/raw``.

    Missing files are downloaded first when `download` is true. Raises `LessonInputError` (exit code 2)
    when the data is missing and cannot be downloaded, or when a file is corrupt or truncated.
    """
    from torchvision.datasets import MNIST

    root = Path(root).expanduser()
    raw = ensure_files(root, download=download)
    check_split(raw, train)
    try:
        dataset = MNIST(root, train=train, download=False)
    except Exception as exc:  # the checks above should make this unreachable; keep the promise of exit code 2
        raise LessonInputError(corrupt_file_message(raw / split_files(train)[0], f"torchvision: {exc}")) from None
    labels = dataset.targets.long()  # (N,)
    if labels.numel() and not bool(((labels >= 0) & (labels <= 9)).all()):
        raise LessonInputError(corrupt_file_message(raw / split_files(train)[1], "labels outside 0..9"))
    return MnistSplit(images=dataset.data, labels=labels)


def batches(n: int, batch_size: int, generator: torch.Generator, device: torch.device | str) -> Iterator[torch.Tensor]:
    """Index tensors for one epoch over `n` examples, from one seeded permutation moved to `device` once.

    Index the on-device data with them (``images[index]``): no per-sample Python, no copy per batch.
    The last batch is smaller when `batch_size` does not divide `n`.
    """
    import torch

    order = torch.randperm(n, generator=generator).to(device)  # (n,) on the device
    for start in range(0, n, batch_size):
        yield order[start : start + batch_size]
