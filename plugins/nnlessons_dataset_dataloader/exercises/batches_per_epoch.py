"""Batches per epoch of a DataLoader, and the rows in the last batch.

Task
----
Complete two functions of N (rows in the dataset), B (batch size) and
drop_last, with the answers len(DataLoader(dataset, batch_size=B,
drop_last=drop_last)) and the real batches give:

- `batches_per_epoch(n_rows, batch_size, drop_last)`: the number of
  batches in one epoch;
- `last_batch_rows(n_rows, batch_size, drop_last)`: the rows in the last
  batch of the epoch (0 when the epoch has no batch at all).

The DataLoader cuts the N rows, in order (shuffled or not), into batches
of B; the last batch is short when B does not divide N, and drop_last=True
drops that short batch.

Shapes
------
- n_rows: int >= 0; batch_size: int >= 1; drop_last: bool
- returns: an int (a count: never a float)

Example
-------
The lesson's table: N = 759 = 23 x 32 + 23, B = 32.

    >>> batches_per_epoch(759, 32, False), last_batch_rows(759, 32, False)
    (24, 23)
    >>> batches_per_epoch(759, 32, True), last_batch_rows(759, 32, True)
    (23, 32)

Rules
-----
- Integer arithmetic only: no DataLoader (the check makes it raise while
  your functions run), no BatchSampler, no loop over
  the batches.
- The check compares both functions with a DataLoader's len and its real
  batches for every N from 0 to 24 and B in 1, 2, 3, 5, 7, 8, 16, 32,
  1000, with and without drop_last, and with len(DataLoader) for larger N
  (759, 1000, 60000, 10**6 + 1 ...). Answers must be equal.
"""


def batches_per_epoch(n_rows: int, batch_size: int, drop_last: bool) -> int:
    raise NotImplementedError("write this function")


def last_batch_rows(n_rows: int, batch_size: int, drop_last: bool) -> int:
    raise NotImplementedError("write this function")
