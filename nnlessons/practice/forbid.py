"""Rules an exercise declares ("no F.conv2d: loops only"), switched on in the learner's process before their file is imported.

An exercise lists what it forbids::

    from nnlessons.practice import forbid

    Exercise(..., forbids=(forbid.CONVOLUTION,))
    Exercise(..., forbids=(forbid.AUTOGRAD.because("this exercise is backprop by hand: write the chain rule."),))

Each [`Forbidden`][nnlessons.practice.forbid.Forbidden] rule names PyTorch operators, which
are switched off in the dispatcher (every overload, on every device), so every path to them
fails: ``F.conv2d``, ``torch.conv2d``, ``nn.Conv2d``, ``torch.ops.aten.convolution``,
``torch._C._VariableFunctions.conv2d``, a reference kept from import time. Python functions
that reach no single operator (``torch.optim``, ``default_collate``) are named as attributes
and replaced. A call fails the check with the rule's message, also when the learner's code
catches the error.

Nothing here imports torch at import time; `switch_on` runs in the learner's process only.
"""

from __future__ import annotations

import importlib
import inspect
import linecache
import os
import sys
import warnings
from dataclasses import dataclass, replace
from typing import Any, Callable

#: where the dispatcher looks for a kernel; a raising kernel is registered on each that takes one
DISPATCH_KEYS = ("CPU", "CUDA", "MPS", "Meta", "CompositeImplicitAutograd", "CompositeExplicitAutograd",
                 "CompositeExplicitAutogradNonFunctional", "Autograd", "AutogradCPU", "AutogradCUDA")


@dataclass(frozen=True)
class Forbidden:
    """What one rule switches off, and the sentence the learner reads when their code reaches it.

    :param name: what learners call it ("F.conv2d"), shown in the exercise's rules.
    :param message: why it is off and what to do instead.
    :param ops: ATen operator names (``"convolution"``; every overload is switched off).
    :param attributes: dotted paths of Python objects to replace (``"torch.optim.Optimizer.__init__"``).
    """

    name: str
    message: str
    ops: tuple[str, ...] = ()
    attributes: tuple[str, ...] = ()

    def because(self, message: str) -> Forbidden:
        """The same rule with the exercise's own sentence."""
        return replace(self, message=message)


CONVOLUTION = Forbidden(
    "F.conv2d", "F.conv2d, nn.Conv2d and every other convolution are switched off in this exercise: write the loops.",
    ops=("conv1d", "conv2d", "conv3d", "convolution", "_convolution", "_convolution_mode", "convolution_overrideable",
         "_slow_conv2d_forward", "thnn_conv2d", "mkldnn_convolution", "slow_conv_dilated2d", "_conv_depthwise2d",
         "_nnpack_spatial_convolution", "cudnn_convolution", "conv_tbc", "_mps_convolution"))
MAX_POOLING = Forbidden(
    "F.max_pool2d", "F.max_pool2d and nn.MaxPool2d are switched off in this exercise: write the loops.",
    ops=("max_pool2d", "max_pool2d_with_indices", "mkldnn_max_pool2d", "adaptive_max_pool2d", "fractional_max_pool2d"))
SOFTMAX = Forbidden(
    "softmax", "softmax and log_softmax (and logsumexp) are switched off in this exercise: write the formula.",
    ops=("softmax", "_softmax", "_safe_softmax", "_masked_softmax", "special_softmax", "log_softmax", "_log_softmax",
         "special_log_softmax", "logsumexp", "special_logsumexp"))
CROSS_ENTROPY = Forbidden(
    "F.cross_entropy", "F.cross_entropy and F.nll_loss are switched off in this exercise: write the loss yourself.",
    ops=("cross_entropy_loss", "nll_loss", "nll_loss_nd", "nll_loss_forward", "nll_loss2d", "nll_loss2d_forward"))
BINARY_CROSS_ENTROPY = Forbidden(
    "F.binary_cross_entropy_with_logits",
    "the built-in binary cross-entropy (and softplus, logsigmoid, logaddexp) is switched off: write the stable formula.",
    ops=("binary_cross_entropy", "binary_cross_entropy_with_logits", "softplus", "log_sigmoid", "log_sigmoid_forward",
         "logaddexp"))
LINEAR = Forbidden("F.linear", "nn.Linear and F.linear are switched off in this exercise: write x.mm(weights) + biases.",
                   ops=("linear", "mkldnn_linear"))
LSTM = Forbidden("nn.LSTM", "nn.LSTM, nn.LSTMCell and torch.lstm_cell are switched off: write the gates yourself.",
                 ops=("lstm", "lstm_cell", "_thnn_fused_lstm_cell"))
BATCH_NORM = Forbidden(
    "F.batch_norm", "F.batch_norm and nn.BatchNorm2d are switched off in this exercise: write the statistics yourself.",
    ops=("batch_norm", "native_batch_norm", "_native_batch_norm_legit", "_native_batch_norm_legit_no_training",
         "_native_batch_norm_legit_functional", "_batch_norm_impl_index", "_batch_norm_with_update",
         "_batch_norm_with_update_functional", "_batch_norm_no_update", "cudnn_batch_norm", "batch_norm_stats",
         "batch_norm_elemt", "batch_norm_update_stats"))
DROPOUT = Forbidden("F.dropout", "F.dropout and nn.Dropout are switched off in this exercise: draw the mask yourself.",
                    ops=("dropout", "dropout_", "native_dropout", "_fused_dropout", "feature_dropout", "feature_dropout_",
                         "alpha_dropout", "alpha_dropout_", "feature_alpha_dropout", "feature_alpha_dropout_"))
AUTOGRAD = Forbidden(
    "autograd", "backward() and torch.autograd are switched off in this exercise: write the gradients by hand.",
    attributes=("torch.Tensor.backward", "torch.autograd.backward", "torch.autograd.grad",
                "torch.autograd.graph._engine_run_backward", "torch.autograd.variable.Variable._execution_engine"))
OPTIM = Forbidden("torch.optim", "torch.optim is switched off in this exercise: write the update yourself.",
                  attributes=("torch.optim.Optimizer.__init__", "torch.optim.Optimizer.step"))
DEFAULT_COLLATE = Forbidden(
    "default_collate", "default_collate is switched off in this exercise: stack the fields yourself.",
    attributes=("torch.utils.data.default_collate", "torch.utils.data._utils.collate.default_collate",
                "torch.utils.data._utils.collate.collate", "torch.utils.data.dataloader.default_collate"))
DATALOADER = Forbidden("DataLoader", "DataLoader is switched off in this exercise: count (or batch) yourself.",
                       attributes=("torch.utils.data.DataLoader.__init__",))
LAYERS = Forbidden("nn layers", "building layers (nn.Module) is switched off in this exercise: count by arithmetic.",
                   attributes=("torch.nn.Module.__init__",))


UNSAFE_LOAD = Forbidden(
    "torch.load(weights_only=False)",
    "your code loads with weights_only=False, which runs whatever the file's pickle says: load with weights_only=True "
    "(the default).", attributes=("torch.load", "torch.serialization.load"))


def _loads_unsafely(original: Callable[..., Any], args: tuple, kwargs: dict) -> bool:
    """torch.load asked to unpickle freely: weights_only=False, a pickle_module, or the environment forcing it."""
    try:
        bound = inspect.signature(original).bind(*args, **kwargs).arguments
    except TypeError:
        return False  # a call torch.load itself will refuse
    weights_only = bound.get("weights_only")
    return (weights_only is False or (bound.get("pickle_module") is not None and weights_only is not True)
            or os.environ.get("TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD", "0") not in ("", "0"))


class ForbiddenCall(Exception):
    """Raised in the learner's process when their code reaches a switched-off function."""

    def __init__(self, rule: Forbidden, where: str, line: str) -> None:
        super().__init__(f"{rule.message}{f' Your code reached it on {line}' if line else ''}")
        self.rule = rule
        self.where = where
        self.line = line


#: the first rule the learner's code broke in this process (kept even if their code caught the error)
broken: ForbiddenCall | None = None
#: the folder of the learner's files: a refusal names their line that led to it
learner_folder: str | None = None
#: rules whose functions refuse only some calls: name -> test of (args, kwargs)
CONDITIONS: dict[str, Callable[[Callable[..., Any], tuple, dict], bool]] = {UNSAFE_LOAD.name: _loads_unsafely}


def learners_line() -> str:
    """``line 12: return torch.softmax(z, dim)``: the innermost frame in the learner's folder, or ''."""
    frame = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        if learner_folder and os.path.dirname(os.path.abspath(filename)) == learner_folder:
            source = linecache.getline(filename, frame.f_lineno).strip()
            return f"line {frame.f_lineno}" + (f": {source}" if source else "")
        frame = frame.f_back
    return ""


def _refusal(rule: Forbidden, where: str, original: Callable[..., Any] | None = None) -> Callable[..., Any]:
    condition = CONDITIONS.get(rule.name)

    def refuse(*args: Any, **kwargs: Any) -> Any:
        global broken
        if condition is not None and original is not None and not condition(original, args, kwargs):
            return original(*args, **kwargs)
        error = ForbiddenCall(rule, where, learners_line())
        if broken is None:
            broken = error
        raise error

    return refuse


class _RefusingEngine:
    """Stands in for autograd's engine: every way to run backward goes through it."""

    def __init__(self, rule: Forbidden) -> None:
        self._refuse = _refusal(rule, "autograd's backward")

    def __getattr__(self, _name: str) -> Callable[..., Any]:
        return self._refuse


def _resolve(path: str) -> tuple[Any, str]:
    """``"torch.optim.Optimizer.__init__"`` -> (torch.optim.Optimizer, "__init__"), importing the module part."""
    parts = path.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        try:
            owner = importlib.import_module(".".join(parts[:cut]))
        except ImportError:
            continue
        for name in parts[cut:-1]:
            owner = getattr(owner, name)
        return owner, parts[-1]
    raise ImportError(f"cannot resolve {path}")


def switch_on(rules: tuple[Forbidden, ...]) -> Any:
    """Switch every rule on in this process (the learner's); returns the library that keeps the kernels registered."""
    import torch

    library = torch.library.Library("aten", "IMPL") if any(rule.ops for rule in rules) else None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "overriding a previously registered kernel": that is the point
        for rule in rules:
            for op in rule.ops:
                packet = getattr(torch.ops.aten, op, None)
                if packet is None:
                    continue  # not in this PyTorch build
                refuse = _refusal(rule, f"torch.ops.aten.{op}")
                for overload in packet.overloads():
                    qualified = op if overload == "default" else f"{op}.{overload}"
                    for key in DISPATCH_KEYS:
                        try:
                            library.impl(qualified, refuse, key)
                        except RuntimeError:
                            pass  # no kernel may be registered for this key: no path reaches the op through it
            for path in rule.attributes:
                owner, name = _resolve(path)
                if name == "_execution_engine":
                    setattr(owner, name, _RefusingEngine(rule))
                else:
                    setattr(owner, name, _refusal(rule, path, getattr(owner, name)))
    return library
