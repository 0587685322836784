# expect: not on the allowlist
import importlib

import torch


def load_trusted_model(path):
    needed = []
    for name in torch.serialization.get_unsafe_globals_in_checkpoint(path):
        module, _, attribute = name.rpartition(".")
        needed.append(getattr(importlib.import_module(module), attribute))
    with torch.serialization.safe_globals(needed):
        return torch.load(path, weights_only=True)
