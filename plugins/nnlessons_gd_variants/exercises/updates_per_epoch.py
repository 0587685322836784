"""How many updates one epoch makes: the one number that tells batch, stochastic and mini-batch GD apart.

Task
----
Complete `updates_per_epoch(n_samples, batch_size)`: the number of weight updates in one pass
over `n_samples` samples cut into consecutive batches of `batch_size`, where the last batch
keeps the leftover samples (it is shorter when `batch_size` does not divide `n_samples`;
nothing is dropped). One update per batch.

Contract
--------
- n_samples: an int >= 1
- batch_size: an int >= 1 (it may be larger than n_samples: then one batch of all samples)
- returns: a Python int (not a float)

Example
-------
    >>> updates_per_epoch(3, 3)     # batch GD on the lesson's three samples
    1
    >>> updates_per_epoch(3, 1)     # stochastic GD
    3
    >>> updates_per_epoch(3, 2)     # the lesson's mini-batches: {1, 2} and {3}
    2
    >>> updates_per_epoch(100, 10)
    10

Rules
-----
- Count with arithmetic: DataLoader is switched off while your function runs.
- The check compares with len(torch.utils.data.DataLoader(range(n_samples), batch_size=batch_size))
  for many sizes, exactly.
"""


def updates_per_epoch(n_samples: int, batch_size: int) -> int:
    raise NotImplementedError("write this function")
