"""Same seed, same starting weights: build a model inside `seeded(seed)`.

PyTorch draws a new layer's initial weights from its global CPU random generator, so
two models built one after the other start differently, and a model built after some
other random draw starts differently from one built before it. Comparing optimizers,
or train and eval settings, fairly needs models that start identical. Inside
``seeded(seed)`` the global generator starts from `seed`; afterwards it is exactly
where it was, so the rest of the run draws what it would have drawn anyway.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator


@contextlib.contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Run the block with torch's CPU random generator seeded with `seed`, then put it back as it was.

    Build each model in a block of its own, on the CPU: its initial weights (PyTorch's own
    initialisation, for every kind of layer) then depend on `seed` alone. Move it to its device
    afterwards; the weights are the same on every device::

        def fresh_net():
            with seeded(7):
                return Net().to(device)

        sgd_net, adam_net = fresh_net(), fresh_net()  # identical starting weights

    Only the CPU generator is seeded and restored: a module made directly on a GPU
    (``nn.Linear(..., device="cuda")``) draws from the GPU's generator, which this leaves alone.
    """
    import torch  # not at import time: `nnlessons list` stays fast

    with torch.random.fork_rng(devices=[]):  # saves the CPU generator's state, restores it on exit
        torch.random.default_generator.manual_seed(seed)
        yield
