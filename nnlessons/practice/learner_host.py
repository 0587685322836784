"""The judge's side of a check: start the learner's process, talk to it, stop it and everything it started.

`LearnerHost` keeps a warm process that has imported torch (the zygote, see
[`learner_process`][nnlessons.practice.learner_process]); `LearnerHost.start` forks a fresh
learner's process from it for one check and returns a `LearnerSession`, whose `module` is a
`Remote`: ``session.module.conv2d_by_loops(x, w)`` sends the inputs to the learner's process,
runs their function there and brings back the value. A check written against a module keeps
working unchanged: tensors, numbers and containers come back as themselves; the learner's own
objects (a model they built) stay there and come back as a `Remote` that forwards calls,
attribute reads, iteration and ``len``.

What a call changes in the inputs the judge sent (a tensor updated in place, a state dict
filled, an optimizer stepped, a module put in ``eval()``) is mirrored onto the judge's objects
after the call, with the same sharing between them; so is torch's global random state both
ways, so ``torch.manual_seed`` before a call means the same draws as in one process.
"""

from __future__ import annotations

import builtins
import json
import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from nnlessons.practice import wire
from nnlessons.practice.exercise import CheckFailed
from nnlessons.practice.learner_process import SYS_PATH_ENVVAR, walk

MEMORY_ENVVAR = "NNLESSONS_CHECK_MEMORY_MB"
DEFAULT_MEMORY_MB = 4096
OUTPUT_LIMIT_BYTES = 8 * 1024 * 1024  # what the learner's code may print; past it, printing fails
STOP_WAIT_SECONDS = 10.0
ZYGOTE_START_SECONDS = 300.0  # importing torch; not counted in a check's own time limit
DUMP_GRACE_SECONDS = 0.5  # after the deadline, time for the learner's process to write where it was


def memory_limit_mb() -> int:
    """The learner's process's memory limit in MB: NNLESSONS_CHECK_MEMORY_MB, else 4096."""
    value = os.environ.get(MEMORY_ENVVAR, "").strip()
    try:
        return max(256, int(value)) if value else DEFAULT_MEMORY_MB
    except ValueError:
        return DEFAULT_MEMORY_MB


class LearnerRaised(Exception):
    """The learner's code raised an exception of a type the judge does not rebuild (their own class, say)."""


class CheckBug(Exception):
    """The check sent the learner's process something it cannot rebuild (a class from a blocked module, say)."""


class LearnerTimeout(Exception):
    """The check's time ran out while the learner's code was running."""


class LearnerProcessEnded(Exception):
    """The learner's process ended (exit, crash, killed) while the judge waited for it."""


class OutputTooLarge(Exception):
    """The learner's code printed past OUTPUT_LIMIT_BYTES."""


def child_sys_path() -> list[str]:
    """The judge's import path, without its current folder (so stray modules there stay out)."""
    here = os.getcwd()
    return [p for p in sys.path if p not in ("", ".") and os.path.abspath(p) != here]


class LearnerHost:
    """The warm zygote for a run of checks; use as a context manager (``with LearnerHost() as host``)."""

    def __init__(self) -> None:
        self._channel: socket.socket | None = None
        self._process: subprocess.Popen | None = None
        self._buffer = b""

    def __enter__(self) -> LearnerHost:
        return self  # the zygote starts with the first check (`begin`), so a command that checks nothing starts none

    def __exit__(self, *_exc: Any) -> None:
        self.close()

    def begin(self) -> None:
        """Start the zygote now (it imports torch while the judge does the same)."""
        if self._process is not None:
            return
        if not hasattr(os, "fork") or not hasattr(socket, "send_fds"):  # pragma: no cover - Windows
            from nnlessons.errors import LessonInputError

            raise LessonInputError("Checking exercises needs a system that can fork processes (Linux or macOS); "
                                   "on Windows, run nnlessons inside WSL.")
        ours, theirs = socket.socketpair()
        env = {**os.environ, SYS_PATH_ENVVAR: json.dumps(child_sys_path()), "PYTHONDONTWRITEBYTECODE": "1"}
        self._process = subprocess.Popen(
            [sys.executable, "-I", "-B", "-m", "nnlessons.practice.learner_process", str(theirs.fileno())],
            pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            env=env, start_new_session=True)
        theirs.close()
        self._channel = ours

    def _line(self) -> dict[str, Any]:
        assert self._channel is not None
        while b"\n" not in self._buffer:
            chunk = self._channel.recv(1 << 16)
            if not chunk:
                raise LearnerProcessEnded("the zygote ended")
            self._buffer += chunk
        line, self._buffer = self._buffer.split(b"\n", 1)
        return json.loads(line)

    def _fork(self, setup: dict[str, Any], fds: list[int]) -> int:
        self.begin()
        assert self._channel is not None
        if not getattr(self, "_ready", False):
            self._channel.settimeout(ZYGOTE_START_SECONDS)
            try:
                self._line()  # {"ready": true}: torch is imported
            except TimeoutError:
                raise LearnerProcessEnded(f"the process that runs checks did not start within {ZYGOTE_START_SECONDS} s "
                                          f"(is the machine very busy?)") from None
            finally:
                self._channel.settimeout(None)
            self._ready = True
        socket.send_fds(self._channel, [json.dumps(setup).encode()], fds)
        return int(self._line()["pid"])

    def start(self, learner: Path, scratch: Path, *, forbids: tuple = (), blocked_imports: list[str] | None = None,
              timeout: float = 30.0) -> LearnerSession:
        """Fork a learner's process for one check of `learner` (their file), in `scratch` (a private folder)."""
        output_path = scratch / "output.txt"
        dump_path = scratch / "where.txt"
        rpc_ours, rpc_theirs = socket.socketpair()
        done_read, done_write = os.pipe()
        output_fd = os.open(output_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        dump_fd = os.open(dump_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        setup = {
            "learner": str(learner.resolve()), "cwd": str(scratch),
            "forbids": [{"name": r.name, "message": r.message, "ops": list(r.ops), "attributes": list(r.attributes)}
                        for r in forbids],
            "blocked_imports": list(blocked_imports or []),
            "memory_bytes": memory_limit_mb() * 1024 * 1024, "output_bytes": OUTPUT_LIMIT_BYTES,
        }
        try:
            pid = self._fork(setup, [rpc_theirs.fileno(), output_fd, dump_fd, done_write])
        finally:
            for fd in (output_fd, dump_fd, done_write):
                os.close(fd)
            rpc_theirs.close()
        return LearnerSession(pid, rpc_ours, done_read, output_path, dump_path, learner, timeout)

    def close(self) -> None:
        if self._channel is not None:
            self._channel.close()
            self._channel = None
        if self._process is not None:
            try:
                self._process.wait(timeout=STOP_WAIT_SECONDS)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None


@dataclass
class Output:
    """What the learner's code printed: at most a head and a tail of it are kept."""

    text: str
    size: int
    overflowed: bool


class LearnerSession:
    """One learner's process: `module` is their file, seen from the judge."""

    def __init__(self, pid: int, channel: socket.socket, done_fd: int, output_path: Path, dump_path: Path,
                 learner: Path, timeout: float) -> None:
        self.pid = pid
        self.channel = channel
        self.done_fd = done_fd
        self.output_path = output_path
        self.dump_path = dump_path
        self.learner = learner
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.closed = False
        self.module = self._reply_value(self._receive(), inputs=[])

    # -- requests --------------------------------------------------------------------------------
    def request(self, kind: str, target: int, name: str | None = None, args: tuple = (), kwargs: dict | None = None) -> Any:
        import torch

        kwargs = kwargs or {}
        inputs = walk((args, kwargs))
        memo: dict[int, Any] = {}
        message = {"kind": kind, "target": target, "name": name, "args": sendable(args, memo),
                   "kwargs": sendable(kwargs, memo),
                   "grad": torch.is_grad_enabled(), "rng": torch.get_rng_state(),
                   "grads": [obj.grad if isinstance(obj, torch.Tensor) else None for obj in inputs],  # pickling drops .grad
                   "seconds_left": self.deadline - time.monotonic()}
        try:
            wire.send(self.channel.fileno(), wire.dump(message))
        except (BrokenPipeError, ConnectionResetError):
            raise LearnerProcessEnded(self.ended_how()) from None
        return self._reply_value(self._receive(), inputs)

    def _receive(self) -> dict[str, Any]:
        try:
            data = wire.receive(self.channel.fileno(), self.deadline, limit=wire.MAX_REPLY_BYTES)
        except wire.DeadlinePassed:
            time.sleep(DUMP_GRACE_SECONDS)
            raise LearnerTimeout(self.where_it_was()) from None
        except (wire.ChannelClosed, ConnectionResetError):
            raise LearnerProcessEnded(self.ended_how()) from None
        except wire.ReplyTooLarge as too_large:
            raise CheckFailed(f"your code returned {int(too_large.args[0]) // 2**20} MB at once; the check reads at most "
                              f"{wire.MAX_REPLY_BYTES // 2**20} MB. Return what the task asks for.") from None
        try:
            return wire.load_reply(data)
        except Exception as exc:  # noqa: BLE001 - a reply the restricted unpickler refuses
            raise LearnerProcessEnded(f"its reply could not be read ({type(exc).__name__})") from None

    def _reply_value(self, reply: dict[str, Any], inputs: list[Any]) -> Any:
        import torch

        if self.output().overflowed:
            raise OutputTooLarge(OUTPUT_LIMIT_BYTES)
        if reply.get("rng") is not None:
            torch.set_rng_state(reply["rng"])
        if reply.get("after") is not None:
            self._mirror(inputs, reply["after"])
        if reply.get("broken"):
            from nnlessons.practice import compare

            raise compare.failure(reply["broken"], compare.current_case or compare.Case("your code"))
        if "unreadable" in reply:
            raise CheckBug(f"the learner's process could not rebuild what the check sent ({reply['unreadable']}); "
                           f"send tensors, numbers, containers and torch objects, not classes of the exercise package")
        if "raised" in reply:
            raise rebuilt_exception(reply["raised"])
        return self.decode(reply["value"], inputs)

    # -- values ----------------------------------------------------------------------------------
    def decode(self, value: Any, inputs: list[Any]) -> Any:
        if not isinstance(value, list):
            return value
        tag = value[0]
        if tag == "ref":
            return inputs[value[1]]
        if tag == "t":
            return _tensor(*value[1:])
        if tag == "l":
            return [self.decode(v, inputs) for v in value[1]]
        if tag == "tu":
            return tuple(self.decode(v, inputs) for v in value[1])
        if tag == "d":
            return {self.decode(k, inputs): self.decode(v, inputs) for k, v in value[1]}
        if tag == "h":
            return Remote(self, value[1], value[2])
        import torch

        if tag == "dtype":
            return getattr(torch, value[1])
        if tag == "device":
            return torch.device(value[1])
        if tag == "size":
            return torch.Size(value[1])
        raise LearnerProcessEnded(f"it sent a value tagged {tag!r}")

    def _mirror(self, inputs: list[Any], states: list[Any]) -> None:
        """Make the judge's inputs what the learner's process left them: tensors first, then containers."""
        import torch

        if len(states) != len(inputs):
            return
        for obj, state in zip(inputs, states):
            if state and state[0] == "t":
                data, requires_grad, grad = state[1:]
                with torch.no_grad():
                    obj.data = data
                if obj.is_leaf and obj.requires_grad != requires_grad and (data.is_floating_point() or data.is_complex()):
                    obj.requires_grad_(requires_grad)
                try:
                    obj.grad = grad
                except (RuntimeError, TypeError):
                    obj.grad = None
            elif state and state[0] == "m":
                modules = list(obj.modules())
                if len(modules) == len(state[1]):
                    for module, training in zip(modules, state[1]):
                        module.training = training
            elif state and state[0] == "o":
                try:
                    obj.load_state_dict(state[1])
                except (ValueError, KeyError, RuntimeError):
                    pass
        for obj, state in zip(inputs, states):
            if state and state[0] == "l":
                obj[:] = [self.decode(v, inputs) for v in state[1]]
            elif state and state[0] == "d":
                obj.clear()
                obj.update((self.decode(k, inputs), self.decode(v, inputs)) for k, v in state[1])

    # -- the end ---------------------------------------------------------------------------------
    def output(self, head: int = 2000, tail: int = 6000) -> Output:
        """What their code printed so far: the first `head` and last `tail` bytes, as text."""
        try:
            size = self.output_path.stat().st_size
            with open(self.output_path, "rb") as printed:
                if size <= head + tail:
                    data = printed.read()
                else:
                    first = printed.read(head)
                    printed.seek(size - tail)
                    data = first + f"\n... ({size - head - tail} bytes left out) ...\n".encode() + printed.read()
        except OSError:
            return Output("", 0, False)
        return Output(data.decode("utf-8", "replace"), size, size >= OUTPUT_LIMIT_BYTES)

    def where_it_was(self) -> str:
        """The learner's line the process was on when the time ran out (from faulthandler's dump), or ''."""
        try:
            dump = self.dump_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""
        mine = str(self.learner.resolve())
        for line in dump.splitlines():
            line = line.strip()
            if line.startswith(f'File "{mine}", line '):
                number = line.split(", line ", 1)[1].split()[0]
                try:
                    source = self.learner.read_text(encoding="utf-8", errors="replace").splitlines()[int(number) - 1].strip()
                except (OSError, ValueError, IndexError):
                    source = ""
                return f"line {number}" + (f": {source}" if source else "")
        return ""

    def ended_how(self) -> str:
        return "the process running your code ended (did it call sys.exit or os._exit, or crash?)"

    def close(self) -> None:
        """Stop the learner's process and every process it started; wait until they are gone."""
        if self.closed:
            return
        self.closed = True
        self.channel.close()
        try:
            os.kill(self.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        import select

        deadline = time.monotonic() + STOP_WAIT_SECONDS
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.done_fd], [], [], max(0.0, deadline - time.monotonic()))
            if ready and not os.read(self.done_fd, 1024):
                break  # every copy of the pipe is closed: the reaper is done
        os.close(self.done_fd)


def sendable(value: Any, memo: dict[int, Any]) -> Any:
    """`value` with its lists, tuples and dicts copied as plain ones (a check's ``class State(dict)`` included).

    The learner's process cannot import the exercise package, so a container class defined
    there would not unpickle; its contents travel in a plain container, and what the call
    changed is mirrored back onto the original. Shared containers stay shared.
    """
    if id(value) in memo:
        return memo[id(value)]
    if isinstance(value, Remote):
        return value
    if isinstance(value, dict):
        copy: Any = OrderedDict() if isinstance(value, OrderedDict) else {}
        memo[id(value)] = copy
        copy.update((k, sendable(v, memo)) for k, v in value.items())
        return copy
    if isinstance(value, list):
        copy = []
        memo[id(value)] = copy
        copy.extend(sendable(v, memo) for v in value)
        return copy
    if type(value) is tuple:
        return tuple(sendable(v, memo) for v in value)
    if isinstance(value, PurePath) and type(value).__module__ != "pathlib":
        return Path(value)  # a check's Path subclass (one that shows the file's text, say): a plain path
    return value


def _tensor(data: Any, requires_grad: bool, grad_fn: str | None, parameter: bool) -> Any:
    import torch

    if parameter:
        return torch.nn.Parameter(data, requires_grad=requires_grad)
    if requires_grad and (data.is_floating_point() or data.is_complex()):
        data.requires_grad_(True)
    if grad_fn:
        data.learner_grad_fn = grad_fn  # it was the result of `grad_fn` in the learner's process (see compare.grad_fn_name)
    return data


#: exception types rebuilt as themselves in the judge, so a check can catch them by type
_REBUILT = {name: getattr(builtins, name)
            for name in ("NotImplementedError", "ValueError", "TypeError", "RuntimeError", "IndexError", "KeyError",
                         "AttributeError", "ZeroDivisionError", "AssertionError", "ImportError", "ModuleNotFoundError",
                         "NameError", "SyntaxError", "IndentationError", "OverflowError", "MemoryError", "RecursionError",
                         "StopIteration", "LookupError", "ArithmeticError", "OSError", "FileNotFoundError",
                         "UnicodeDecodeError", "SystemExit", "KeyboardInterrupt", "Exception")}


def rebuilt_exception(info: dict[str, Any]) -> BaseException:
    """The learner's exception as the judge raises it, with their traceback in ``learner_traceback``."""
    if info["module"] == "builtins":
        kind = _REBUILT.get(info["type"])
    else:  # the few others a check may catch by type
        kind = {("_pickle", "UnpicklingError"): pickle.UnpicklingError,
                ("pickle", "UnpicklingError"): pickle.UnpicklingError}.get((info["module"], info["type"]))
    try:
        error = kind(info["message"]) if kind is not None and kind not in (UnicodeDecodeError,) else None
    except TypeError:
        error = None
    if error is None:
        error = LearnerRaised(f"{info['type']}: {info['message']}")
    if isinstance(error, (SystemExit, KeyboardInterrupt)):
        error = LearnerRaised(f"{info['type']}: {info['message']}")
    error.learner_traceback = info["traceback"]
    error.learner_type = info["type"]
    error.in_learner_code = info["in_learner_code"]
    error.out_of_memory = info["memory"]
    return error


def probe(remote: Remote, name: str, *args: Any) -> Any:
    """Run ``nnlessons.practice.probes.NAME(*args)`` in the learner's process of `remote`; return its value.

    For what only their process can do with their objects (gradients through their model).
    """
    return remote._session.request("probe", 0, name, args)


class Remote:
    """An object that lives in the learner's process (a model they built, their function)."""

    __slots__ = ("_session", "_number", "_meta")

    def __init__(self, session: LearnerSession, number: int, meta: dict[str, Any]) -> None:
        object.__setattr__(self, "_session", session)
        object.__setattr__(self, "_number", number)
        object.__setattr__(self, "_meta", meta)

    def _ask(self, kind: str, name: str | None = None, args: tuple = (), kwargs: dict | None = None) -> Any:
        return self._session.request(kind, self._number, name, args, kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)  # torch and copy probe for these: never the learner's business
        return self._ask("getattr", name)

    def __setattr__(self, name: str, value: Any) -> None:
        self._ask("setattr", name, (value,))

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._ask("call", args=args, kwargs=kwargs)

    def __iter__(self) -> Any:
        return iter(self._ask("iter"))

    def __len__(self) -> int:
        return self._ask("len")

    def __bool__(self) -> bool:  # `if model:` must not ask for len()
        return True

    def __getitem__(self, key: Any) -> Any:
        return self._ask("getitem", args=(key,))

    def __repr__(self) -> str:
        return self._meta["repr"]

    def __reduce__(self) -> tuple[Any, tuple[int]]:
        from nnlessons.practice.learner_process import resolve_handle

        return resolve_handle, (self._number,)

    @property
    def __class__(self) -> type:  # isinstance(model, nn.Module) holds when the learner's class is one
        return remote_class(self._meta["mro"])

    @property
    def type_name(self) -> str:
        return self._meta["type"]


def remote_class(mro: list[str]) -> type:
    """The first class in the learner's object's MRO that a module the judge already imported defines.

    Their own classes live in modules the judge never imports, so this is torch's ``nn.Module``,
    the lesson's ``RegressionNet`` they subclassed or returned, or ``object``'s neighbours.
    """
    for entry in mro:
        module_name, _, qualname = entry.partition(":")
        owner: Any = sys.modules.get(module_name)
        if owner is None:
            continue
        try:
            for part in qualname.split("."):
                owner = getattr(owner, part)
        except AttributeError:
            continue
        if isinstance(owner, type) and owner is not object:
            return owner
    return Remote
