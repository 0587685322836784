"""How the check (the judge) and the learner's process talk: length-prefixed frames of ``torch.save`` bytes.

Judge -> learner: requests, loaded in the learner's process with the full unpickler (the judge
is trusted there). Learner -> judge: replies, loaded with ``torch.load(weights_only=True)``, which
builds only tensors and plain containers: nothing the learner's process sends can run code in
the judge. A reply's values are *tagged trees* (`encode`/`decode` below):

==========================  =============================================================
``["t", tensor, rg, fn]``   a tensor (detached), whether it required grad, its grad_fn's name
``["l", [...]]``            a list; ``["tu", [...]]`` a tuple; ``["d", [[k, v], ...]]`` a dict
``["ref", k]``              the k-th object the judge sent in this call (same object, updated)
``["h", id, meta]``         an object that stays in the learner's process (a handle)
``["dtype", "float32"]``    also ``["device", "cpu"]``, ``["size", [...]]``
==========================  =============================================================

Numbers, strings, bytes, booleans and None travel as themselves.
"""

from __future__ import annotations

import io
import os
import select
import struct
import time
from typing import Any

HEADER = struct.Struct("!Q")
#: the largest reply the judge reads (a learner returning gigabytes is stopped, not buffered)
MAX_REPLY_BYTES = 256 * 1024 * 1024


class ChannelClosed(Exception):
    """The other side closed the channel (the learner's process ended)."""


class ReplyTooLarge(Exception):
    """The learner's process sent more than MAX_REPLY_BYTES at once."""


class DeadlinePassed(Exception):
    """No whole reply arrived before the deadline."""


def send(fd: int, payload: bytes) -> None:
    data = memoryview(HEADER.pack(len(payload)) + payload)
    while data:
        written = os.write(fd, data)
        data = data[written:]


def _read_exactly(fd: int, size: int, deadline: float | None) -> bytes:
    chunks, left = [], size
    while left:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([fd], [], [], wait)[0]:
                raise DeadlinePassed
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            raise ChannelClosed
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def receive(fd: int, deadline: float | None = None, limit: int | None = None) -> bytes:
    """One frame; DeadlinePassed if it is not complete by `deadline` (time.monotonic())."""
    (size,) = HEADER.unpack(_read_exactly(fd, HEADER.size, deadline))
    if limit is not None and size > limit:
        raise ReplyTooLarge(size)
    return _read_exactly(fd, size, deadline)


def dump(value: Any) -> bytes:
    import torch

    buffer = io.BytesIO()
    torch.save(value, buffer)
    return buffer.getvalue()


#: torch.load as it was before an exercise's rules replaced it (the learner's process keeps it for requests)
_torch_load: Any = None


def keep_torch_load() -> None:
    """Remember torch.load now, before `forbid.switch_on` may replace it for the learner's code."""
    global _torch_load
    import torch

    _torch_load = torch.load


def load_request(data: bytes) -> Any:
    """In the learner's process: the judge's request (trusted, so the full unpickler)."""
    import torch

    return (_torch_load or torch.load)(io.BytesIO(data), weights_only=False)


def load_reply(data: bytes) -> Any:
    """In the judge: the learner's reply, through PyTorch's restricted unpickler."""
    import torch

    return torch.load(io.BytesIO(data), weights_only=True)
