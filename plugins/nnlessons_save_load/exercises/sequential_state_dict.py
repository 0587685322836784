"""Move a RegressionNet's state_dict into the same net written as nn.Sequential: rename its keys.

Task
----
A state_dict is matched by name, and the two ways of writing the lesson's net name their
parameters differently:

    RegressionNet:    hidden.weight, hidden.bias, predict.weight, predict.bias
    nn.Sequential:    ?.weight, ?.bias, ?.weight, ?.bias   (print(sequential_net()) shows the indices)

so `sequential.load_state_dict(net.state_dict())` fails with "Missing key(s)". Complete
`to_sequential_names(state_dict)`: return a NEW dict with the same tensors under the names
`sequential_net(hidden)` uses, so that loading it makes the Sequential compute exactly what
the RegressionNet computes. Leave the dict you are given unchanged.

Shapes
------
- state_dict: RegressionNet(hidden).state_dict(), e.g. 'hidden.weight' of shape (hidden, 1)
- returns: a dict with 4 entries, the same tensors (same shapes), keyed by the Sequential's names

Example
-------
    >>> _ = torch.manual_seed(0)
    >>> net, x = RegressionNet(10), torch.linspace(-1, 1, 5).unsqueeze(1)
    >>> sequential = sequential_net(10)
    >>> sequential.load_state_dict(to_sequential_names(net.state_dict()))
    <All keys matched successfully>
    >>> (sequential(x) - net(x)).abs().max().item()
    0.0

Rules
-----
- The check uses nets of widths 10, 1, 4 and 37 and compares every tensor and every prediction
  exactly (difference 0), and checks that the dict you were given still has its own keys.
"""

import torch

from nnlessons_save_load.nets import RegressionNet, sequential_net


def to_sequential_names(state_dict: dict[str, torch.Tensor]) -> dict[str, torch.Tensor]:
    raise NotImplementedError("write this function")
