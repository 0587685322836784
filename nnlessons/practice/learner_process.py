"""The learner's process: where their code runs, computes what the check asks for, and nothing else.

Three kinds of process, all started from this module by
[`learner_host`][nnlessons.practice.learner_host]:

- the **zygote** (one per ``nnlessons check`` command, or per test session) imports torch once
  and then forks one process per check, so a check does not pay for importing torch again;
- each fork becomes a **reaper**: it starts a new session, becomes the *child subreaper* (Linux),
  forks the learner's process and, when told to stop or when that process ends, kills every
  process left below it (``subprocess.Popen``, ``os.fork``, ``start_new_session``: orphans
  are re-parented to the reaper, so none escapes), then exits;
- the **learner's process** limits its own memory and output, switches off what the exercise
  forbids, blocks the lessons' exercise packages (references and checks) from import, imports
  the learner's file and then answers requests: call this, get that attribute, iterate that.
  Its replies are values (see [`wire`][nnlessons.practice.wire]); whatever else their code
  returns stays here, as a numbered handle.

The verdict is never decided here: the check runs in the judge's process, which only sees the
values sent back.
"""

from __future__ import annotations

import ctypes
import faulthandler
import importlib.abc
import importlib.util
import itertools
import json
import os
import signal
import socket
import sys
import traceback
from collections import OrderedDict
from pathlib import Path
from typing import Any

SYS_PATH_ENVVAR = "NNLESSONS_PRACTICE_SYS_PATH"  # the judge's import path, less its current folder
MAX_ITEMS = 100_000  # iterating a learner's object yields at most this many items
MAX_DEPTH = 30  # nesting beyond this stays in the learner's process as a handle

PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36


def _prctl(option: int, value: int) -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        return ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False


# ---- the zygote ---------------------------------------------------------------------------------


def zygote(channel: socket.socket) -> None:
    """Import torch, say so, then fork a reaper for each request until the judge closes the channel."""
    _prctl(PR_SET_PDEATHSIG, signal.SIGKILL)  # the judge is gone: so is the zygote, and then every reaper
    import torch  # the point of the zygote: imported once, shared by every fork

    # The first optimizer a process builds imports torch._dynamo (over a second): once here, not in every check.
    torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=0.1)

    signal.signal(signal.SIGCHLD, lambda *_: _reap_any())
    channel.sendall(b'{"ready": true}\n')
    while True:
        try:
            message, fds, _flags, _address = socket.recv_fds(channel, 1 << 16, 8)
        except InterruptedError:  # pragma: no cover - PEP 475 retries; kept for safety
            continue
        if not message:
            return
        setup = json.loads(message)
        pid = os.fork()
        if pid == 0:
            channel.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            reaper(setup, fds)  # never returns
        for fd in fds:
            os.close(fd)
        channel.sendall(json.dumps({"pid": pid}).encode() + b"\n")


def _reap_any() -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


# ---- the reaper ----------------------------------------------------------------------------------


class _Stop(Exception):
    pass


def _stop(*_args: Any) -> None:
    raise _Stop


def reaper(setup: dict[str, Any], fds: list[int]) -> None:
    """Run the learner's process below this one; on SIGTERM, or when it ends, kill all that is left; exit."""
    rpc_fd, output_fd, dump_fd, done_fd = fds
    code = 0
    try:
        os.setsid()  # its own session: a terminal's Ctrl-C goes to the judge, which then stops this tree
        _prctl(PR_SET_CHILD_SUBREAPER, 1)
        _prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        signal.signal(signal.SIGTERM, _stop)
        learner_pid = os.fork()
        if learner_pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.setpgid(0, 0)  # its own group: where there is no subreaper, killing the group still ends its children
            os.close(done_fd)
            learner(setup, rpc_fd, output_fd, dump_fd)  # never returns
        try:
            os.setpgid(learner_pid, learner_pid)  # both sides set it: no race with a group kill
        except OSError:
            pass
        for fd in (rpc_fd, output_fd, dump_fd):
            os.close(fd)
        try:
            while True:
                pid, _status = os.waitpid(-1, 0)
                if pid == learner_pid:
                    break
        except (_Stop, ChildProcessError):
            pass
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _kill_group(learner_pid)
        kill_everything_below()
    except BaseException:  # noqa: BLE001 - a reaper never lets anything stop it from cleaning up
        code = 1
        kill_everything_below()
    finally:
        os._exit(code)


def _kill_group(group: int) -> None:
    try:
        os.killpg(group, signal.SIGKILL)
    except OSError:
        pass


def children_of_this_process() -> list[int]:
    """Direct children (Linux: /proc/self/task/*/children; elsewhere none found)."""
    found: list[int] = []
    try:
        tasks = os.listdir("/proc/self/task")
    except OSError:
        return found
    for task in tasks:
        try:
            with open(f"/proc/self/task/{task}/children", encoding="ascii") as listing:
                found += [int(pid) for pid in listing.read().split()]
        except OSError:
            continue
    return found


def kill_everything_below(rounds: int = 1000) -> None:
    """SIGKILL every child, reap it, repeat: orphans of the killed come back to this subreaper."""
    for _ in range(rounds):
        children = children_of_this_process()
        for pid in children:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            pid, _status = os.waitpid(-1, 0)
        except ChildProcessError:
            return
        except InterruptedError:  # pragma: no cover
            continue


# ---- the learner's process -------------------------------------------------------------------------


class _BlockedImports(importlib.abc.MetaPathFinder):
    """Refuses to import the lessons' exercise packages: the references and the checks stay out of reach."""

    def __init__(self, prefixes: list[str]) -> None:
        self.prefixes = prefixes

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if any(fullname == p or fullname.startswith(p + ".") for p in self.prefixes):
            raise ImportError(f"{fullname} cannot be imported while your code is checked: the reference solutions "
                              f"and checks are not part of your exercise", name=fullname)
        return None


def _limit(resource_name: str, value: int) -> None:
    import resource

    limit = getattr(resource, resource_name)
    _soft, hard = resource.getrlimit(limit)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(limit, (value, hard))


def learner(setup: dict[str, Any], rpc_fd: int, output_fd: int, dump_fd: int) -> None:
    """Set the limits and rules, import the learner's file, answer requests until the judge hangs up."""
    try:
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        os.close(output_fd)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.chdir(setup["cwd"])
        _limit("RLIMIT_DATA", setup["memory_bytes"])
        _limit("RLIMIT_FSIZE", setup["output_bytes"])
        _limit("RLIMIT_CORE", 0)
        sys.dont_write_bytecode = True  # never a __pycache__ beside the learner's file or anywhere else
        faulthandler.enable(file=dump_fd)
        server = Server(setup, rpc_fd, dump_fd)
        server.serve()
    finally:
        os._exit(0)


class Server:
    """Answers the judge's requests on `rpc_fd`; keeps the learner's objects in `handles`."""

    def __init__(self, setup: dict[str, Any], rpc_fd: int, dump_fd: int) -> None:
        import torch

        from nnlessons.practice import forbid

        self.torch = torch
        self.forbid = forbid
        _resolving.server = self
        self.rpc_fd = rpc_fd
        self.dump_fd = dump_fd
        self.learner_file = Path(setup["learner"])
        self.handles: dict[int, Any] = {}
        self.handle_of: dict[int, int] = {}  # id(object) -> handle number
        self.counter = itertools.count(1)
        torch.set_num_threads(1)  # small checks run fastest on one thread, and the same on every machine
        rules = tuple(forbid.Forbidden(rule["name"], rule["message"], tuple(rule["ops"]), tuple(rule["attributes"]))
                      for rule in setup["forbids"])
        from nnlessons.practice import wire

        wire.keep_torch_load()
        forbid.learner_folder = str(self.learner_file.resolve().parent)
        self.library = forbid.switch_on(rules)  # before the learner's file: no reference kept from import time
        sys.meta_path.insert(0, _BlockedImports(setup["blocked_imports"]))
        for name in [m for m in sys.modules if any(m == p or m.startswith(p + ".") for p in setup["blocked_imports"])]:
            del sys.modules[name]
        sys.path.append(str(self.learner_file.parent))  # the learner's other exercise files of this lesson

    # -- replies ---------------------------------------------------------------------------------
    def reply(self, message: dict[str, Any]) -> None:
        from nnlessons.practice import wire

        for stream in (sys.stdout, sys.stderr):  # what their code printed is in the file before the judge reads it
            try:
                stream.flush()
            except (OSError, ValueError):
                pass
        broken = self.forbid.broken
        message["broken"] = None if broken is None else str(broken)
        message["rng"] = self.torch.get_rng_state()
        try:
            payload = wire.dump(message)
        except Exception as exc:  # noqa: BLE001 - a value torch.save cannot write: say what it was
            payload = wire.dump({"raised": self.describe_exception(exc), "broken": message["broken"], "rng": message["rng"]})
        wire.send(self.rpc_fd, payload)

    def describe_exception(self, exc: BaseException) -> dict[str, Any]:
        kind = type(exc)
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if self._learners(f.filename)]
        lines = traceback.format_list(frames) + traceback.format_exception_only(kind, exc)
        return {"type": kind.__name__, "module": kind.__module__, "message": str(exc)[:2000],
                "traceback": "".join(lines).rstrip()[-4000:], "in_learner_code": bool(frames) or isinstance(exc, SyntaxError),
                "memory": isinstance(exc, MemoryError) or "can't allocate memory" in str(exc)}

    def _learners(self, filename: str) -> bool:
        try:
            return Path(filename).resolve().parent == self.learner_file.resolve().parent
        except OSError:
            return False

    # -- the loop --------------------------------------------------------------------------------
    def serve(self) -> None:
        from nnlessons.practice import wire

        try:
            module = self.import_learner()
        except BaseException as exc:  # noqa: BLE001 - anything their file does on import is theirs to see
            self.reply({"raised": self.describe_exception(exc)})
            return
        self.reply({"value": self.encode(module, {}, 0)})
        while True:
            try:
                data = wire.receive(self.rpc_fd)
            except wire.ChannelClosed:
                return
            try:
                request = wire.load_request(data)
            except Exception as exc:  # noqa: BLE001 - the check sent what this process cannot rebuild: its bug
                self.reply({"unreadable": f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}"})
                continue
            self.answer(request)

    def import_learner(self) -> Any:
        name = "learner_" + "".join(c if c.isalnum() else "_" for c in self.learner_file.stem)
        spec = importlib.util.spec_from_file_location(name, self.learner_file)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot import {self.learner_file}")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
        return module

    def answer(self, request: dict[str, Any]) -> None:
        torch = self.torch
        target = self.handles.get(request["target"]) if request["target"] else self.handles.get(0)
        args, kwargs = request.get("args", ()), request.get("kwargs", {})
        resolved = _resolving.pop_resolved()
        inputs = walk((args, kwargs), skip=resolved)
        index = {id(obj): k for k, obj in enumerate(inputs)}
        for obj, grad in zip(inputs, request.get("grads", ())):
            if grad is not None and isinstance(obj, torch.Tensor):
                obj.grad = grad
        torch.set_rng_state(request["rng"])
        faulthandler.dump_traceback_later(max(0.05, request["seconds_left"] - 0.3), file=self.dump_fd)
        try:
            with torch.set_grad_enabled(request["grad"]):
                result = self.perform(target, request["kind"], request.get("name"), args, kwargs)
        except BaseException as exc:  # noqa: BLE001 - reported to the judge, which decides
            faulthandler.cancel_dump_traceback_later()
            self.reply({"raised": self.describe_exception(exc), "after": self.after(inputs, index)})
            return
        faulthandler.cancel_dump_traceback_later()
        self.reply({"value": self.encode(result, index, 0), "after": self.after(inputs, index)})

    @staticmethod
    def perform(target: Any, kind: str, name: str | None, args: tuple, kwargs: dict) -> Any:
        if kind == "call":
            return target(*args, **kwargs)
        if kind == "getattr":
            return getattr(target, name)
        if kind == "setattr":
            setattr(target, name, args[0])
            return None
        if kind == "iter":
            return list(itertools.islice(iter(target), MAX_ITEMS))
        if kind == "len":
            return len(target)
        if kind == "getitem":
            return target[args[0]]
        if kind == "probe":
            from nnlessons.practice import probes

            return getattr(probes, name)(*args, **kwargs)
        raise ValueError(f"unknown request {kind!r}")

    # -- values ----------------------------------------------------------------------------------
    def encode(self, value: Any, index: dict[int, int], depth: int) -> Any:
        torch = self.torch
        if id(value) in index:
            return ["ref", index[id(value)]]
        kind = type(value)
        if value is None or kind in (bool, str, bytes):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return int(value)
        if isinstance(value, float):
            return float(value)
        if isinstance(value, torch.Tensor) and depth < MAX_DEPTH:
            return self.tensor(value)
        if kind is torch.dtype:
            return ["dtype", str(value).removeprefix("torch.")]
        if kind is torch.device:
            return ["device", str(value)]
        if kind is torch.Size:
            return ["size", list(value)]
        if depth < MAX_DEPTH:
            if kind is list:
                return ["l", [self.encode(v, index, depth + 1) for v in value]]
            if kind is tuple:
                return ["tu", [self.encode(v, index, depth + 1) for v in value]]
            if kind in (dict, OrderedDict):
                return ["d", [[self.encode(k, index, depth + 1), self.encode(v, index, depth + 1)] for k, v in value.items()]]
        return self.handle(value)

    def tensor(self, value: Any) -> list[Any]:
        torch = self.torch
        grad_fn = type(value.grad_fn).__name__ if value.grad_fn is not None else None
        data = value.detach()
        if type(data) is not torch.Tensor:
            data = data.as_subclass(torch.Tensor)
        return ["t", data, bool(value.requires_grad), grad_fn, isinstance(value, torch.nn.Parameter)]

    def handle(self, value: Any) -> list[Any]:
        number = self.handle_of.get(id(value))
        if number is None:
            number = next(self.counter) if self.handles else 0
            self.handles[number] = value
            self.handle_of[id(value)] = number
        kind = type(value)
        try:
            shown = repr(value)
        except Exception:  # noqa: BLE001
            shown = f"<{kind.__name__}>"
        mro = [f"{c.__module__}:{c.__qualname__}" for c in kind.__mro__]
        return ["h", number, {"type": kind.__name__, "mro": mro, "repr": " ".join(shown.split())[:200]}]

    def after(self, inputs: list[Any], index: dict[int, int]) -> list[Any]:
        """The state of every object the judge sent, after the call: it mirrors them."""
        torch = self.torch
        states = []
        for obj in inputs:
            if isinstance(obj, torch.Tensor):
                grad = obj.grad.detach() if obj.grad is not None else None
                states.append(["t", obj.detach().as_subclass(torch.Tensor), bool(obj.requires_grad), grad])
            elif isinstance(obj, torch.nn.Module):
                states.append(["m", [m.training for m in obj.modules()]])
            elif isinstance(obj, torch.optim.Optimizer):
                try:
                    states.append(["o", obj.state_dict()])
                except Exception:  # noqa: BLE001 - an optimizer the learner broke: left as it was
                    states.append(None)
            elif isinstance(obj, list):
                states.append(["l", [self.encode(v, index, 1) for v in obj]])
            else:  # dict
                states.append(["d", [[self.encode(k, index, 1), self.encode(v, index, 1)] for k, v in obj.items()]])
        return states


def walk(root: Any, skip: set[int] = frozenset()) -> list[Any]:
    """The objects a call can change, in a fixed order, the same in the judge and here.

    Tensors, lists, dicts, modules and optimizers, found through lists, tuples, dicts, a
    module's parameters and buffers and an optimizer's parameters. Anything else (and the
    learner's own objects, `skip`) is not followed.
    """
    import torch

    found: list[Any] = []
    seen: set[int] = set()

    def visit(value: Any, depth: int) -> None:
        if id(value) in seen or id(value) in skip or depth > MAX_DEPTH or type(value).__name__ == "Remote":
            return
        kind = type(value)
        if isinstance(value, torch.Tensor):
            seen.add(id(value))
            found.append(value)
        elif isinstance(value, (list, dict)):
            seen.add(id(value))
            found.append(value)
            for item in (value.values() if isinstance(value, dict) else value):
                visit(item, depth + 1)
        elif kind is tuple:
            for item in value:
                visit(item, depth + 1)
        elif isinstance(value, torch.nn.Module):
            seen.add(id(value))
            found.append(value)
            for tensor in itertools.chain(value.parameters(), value.buffers()):
                visit(tensor, depth + 1)
        elif isinstance(value, torch.optim.Optimizer):
            seen.add(id(value))
            found.append(value)
            for group in value.param_groups:
                for tensor in group["params"]:
                    visit(tensor, depth + 1)

    visit(root, 0)
    return found


class _Resolving:
    """The learner's objects named in a request (the judge pickles a handle as a call to `resolve_handle`)."""

    def __init__(self) -> None:
        self.server: Server | None = None
        self.resolved: set[int] = set()

    def pop_resolved(self) -> set[int]:
        found, self.resolved = self.resolved, set()
        return found


_resolving = _Resolving()


def resolve_handle(number: int) -> Any:
    """Unpickling a handle in the learner's process gives back the object it stands for."""
    server = _resolving.server
    if server is None or number not in server.handles:
        raise LookupError(f"no object {number} in the learner's process")
    value = server.handles[number]
    _resolving.resolved.add(id(value))
    return value


def main(argv: list[str]) -> None:
    extra = json.loads(os.environ.get(SYS_PATH_ENVVAR, "[]"))
    sys.path.extend(p for p in extra if p not in sys.path)
    zygote(socket.socket(fileno=int(argv[0])))


if __name__ == "__main__":  # run as the module itself, so that unpickling finds `resolve_handle` in the same place
    from nnlessons.practice import learner_process

    learner_process.main(sys.argv[1:])
