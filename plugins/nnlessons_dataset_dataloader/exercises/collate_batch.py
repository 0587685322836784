"""A collate function: the step where a DataLoader glues items into a batch.

Task
----
Complete `collate(items)`. A DataLoader fetches B items, dataset[i] for
each row number i of the batch, and hands the list to its collate
function. Each item is a tuple of fields, e.g. (features, label). Return
one batched tensor per field, as torch.utils.data.default_collate does:

- tensor fields (all of one shape S) are stacked along a NEW first axis:
  shape (B, *S), their dtype;
- Python int fields (class numbers) become an int64 tensor of shape (B,);
- Python float fields become a float64 tensor of shape (B,)
  (default_collate's choice: torch.tensor(list of floats) alone would
  give float32).

Shapes
------
- items: a list of B >= 1 tuples, all with the same number of fields
  (1, 2, 3 ...), field j of the same kind and shape in every item
- returns: a tuple (or list) with one tensor per field

Example
-------
    >>> items = [(torch.tensor([1.0, 2.0]), torch.tensor([0.0])),
    ...          (torch.tensor([3.0, 4.0]), torch.tensor([1.0])),
    ...          (torch.tensor([5.0, 6.0]), torch.tensor([1.0]))]
    >>> features, labels = collate(items)
    >>> features.shape, labels.shape
    (torch.Size([3, 2]), torch.Size([3, 1]))
    >>> collate([(torch.tensor([1.0]), 2, 0.5), (torch.tensor([3.0]), 7, 1.5)])
    (tensor([[1.], [3.]]), tensor([2, 7]),
     tensor([0.5000, 1.5000], dtype=torch.float64))

Rules
-----
- torch.stack and torch.tensor; no default_collate (the check makes it
  raise while your function runs).
- The check compares your batches with default_collate's, exactly (shape,
  dtype and values), on the lesson's items ((8,) features, (1,) labels;
  batches of 32, 23 and 1), items with one and three fields, image-like
  (1, 4, 4) features, int and float fields, float64 and int64 tensors;
  then it passes `collate` to DataLoader(collate_fn=...) and compares a
  whole shuffled epoch with the default DataLoader's.
"""

import torch


def collate(items: list[tuple]) -> tuple[torch.Tensor, ...]:
    raise NotImplementedError("write this function")
