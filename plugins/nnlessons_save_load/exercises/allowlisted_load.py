"""Load a whole-model file with weights_only=True, allowing only the classes you trust.

Task
----
`torch.save(model, path)` pickles the module object: the file stores the import path of every
class it needs (here nnlessons_save_load.nets.RegressionNet, torch.nn.modules.linear.Linear,
...). Since PyTorch 2.6, `torch.load(path)` (weights_only=True) refuses any class it was not
told about, with pickle.UnpicklingError. Complete `load_trusted_model(path)`:

- load the file with weights_only=True, allowing exactly these trusted classes:
  RegressionNet, nn.Sequential, nn.Linear and nn.ReLU, so files made from the lesson's two
  nets (RegressionNet and sequential_net) load;
- a file that names anything else (another class, or a function such as os.mkdir) must be
  refused: let torch's pickle.UnpicklingError propagate;
- allow the classes for this one load only, not for the rest of the program.

Shapes
------
- path: a pathlib.Path of a file written by torch.save(model, path)
- returns: the nn.Module stored there, with exactly the saved weights

Example
-------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.pt"
    >>> torch.save(RegressionNet(10), path)
    >>> load_trusted_model(path)
    RegressionNet(
      (hidden): Linear(in_features=1, out_features=10, bias=True)
      (predict): Linear(in_features=10, out_features=1, bias=True)
    )
    >>> torch.save(nn.Sequential(nn.Linear(1, 3), nn.Tanh()), path)   # Tanh is not trusted
    >>> load_trusted_model(path)
    Traceback (most recent call last):
    ...
    _pickle.UnpicklingError: Weights only load failed...

Rules
-----
- Never weights_only=False (the check makes it fail): it runs whatever the file's pickle says.
- The check loads RegressionNet and nn.Sequential files (comparing weights exactly), a file with
  an nn.Tanh and a file whose pickle calls os.mkdir (both must raise pickle.UnpicklingError, and
  the folder must not appear), and checks that torch allows none of the four classes afterwards.
"""

from pathlib import Path

import torch
from torch import nn

from nnlessons_save_load.nets import RegressionNet


def load_trusted_model(path: Path) -> nn.Module:
    raise NotImplementedError("write this function")
