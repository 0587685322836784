"""The confusion matrix of a test run, and the pairs of digits it mixes up most often.

Task
----
Complete two functions:

- `confusion_matrix(predicted, true)`: a (10, 10) int64 tensor whose cell [t, p] counts the
  test digits with true label t that the model read as p. Rows are true digits, columns
  predictions, so the diagonal holds the correct answers and its sum is the number right.
- `most_confused(confusion, top)`: the `top` largest cells OFF the diagonal, as a list of
  (true, predicted, count) tuples of Python ints, largest count first; only cells with a count
  above 0; equal counts ordered by the true digit, then by the predicted one.

This is how a lesson reports which digits get mixed up: from the run's own numbers, never a
sentence written in advance that the run may contradict.

Shapes
------
- predicted, true: (N,) int64 tensors of digits 0..9 (N may be 0)
- confusion_matrix returns (10, 10) int64; most_confused returns a list of at most `top` tuples

Example
-------
    >>> true = torch.tensor([4, 4, 9, 9, 9, 7])
    >>> predicted = torch.tensor([9, 4, 9, 4, 4, 1])
    >>> c = confusion_matrix(predicted, true)
    >>> c[4, 9].item(), c[9, 4].item(), c[9, 9].item()
    (1, 2, 1)
    >>> most_confused(c, top=5)
    [(9, 4, 2), (4, 9, 1), (7, 1, 1)]

Rules
-----
- No sklearn. The inputs must not change.
- The check compares with PyTorch's counts and a sort on many seeded random runs: perfect
  predictions, no predictions (N = 0), ties, a single digit, and top larger than the mistakes.
"""

import torch


def confusion_matrix(predicted: torch.Tensor, true: torch.Tensor) -> torch.Tensor:
    raise NotImplementedError("write this function")


def most_confused(confusion: torch.Tensor, top: int) -> list[tuple[int, int, int]]:
    raise NotImplementedError("write this function")
