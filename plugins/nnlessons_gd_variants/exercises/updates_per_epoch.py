"""How many updates one epoch makes: the one number that tells batch, stochastic and mini-batch GD apart.

Task
----
Complete `updates_per_epoch(n_samples, batch_size)`: the number of weight updates in one pass
over `n_samples` samples cut into consecutive batches of `batch_size`, where the last batch
keeps the leftover samples (it is shorter when `batch_size` does not divide `n_samples`;
nothing is dropped).

| variant         | batch_size | updates per epoch |
| --------------- | ---------- | ----------------- |
| batch GD        | N          | 1                 |
| stochastic GD   | 1          | N                 |
| mini-batch GD   | B          | ceil(N / B)       |

Inputs and output
-----------------
- n_samples: an int >= 1
- batch_size: an int >= 1 (it may be larger than n_samples: then one batch of all samples)
- returns: an int

Example
-------
    >>> updates_per_epoch(3, 2)     # the lesson's mini-batches: {1, 2} and {3}
    2
    >>> updates_per_epoch(100, 10)
    10

Rules
-----
- Integer arithmetic (`//`, `%`) or `math.ceil`; return a Python int, not a float.
- The check compares with len(torch.utils.data.DataLoader(range(n_samples), batch_size=batch_size))
  for many sizes, exactly.
"""

import math  # noqa: F401 - math.ceil is one way to do it


def updates_per_epoch(n_samples: int, batch_size: int) -> int:
    raise NotImplementedError("count the batches: full ones, plus one for the leftover samples if there are any")
