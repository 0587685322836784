"""How many batches a DataLoader makes in one epoch, and how big the last one is (reference solution)."""


def batches_per_epoch(n_rows: int, batch_size: int, drop_last: bool) -> int:
    full, rest = divmod(n_rows, batch_size)  # full batches, rows left for a short one
    return full if drop_last or rest == 0 else full + 1  # ceil(N / B) in integers; floor with drop_last


def last_batch_rows(n_rows: int, batch_size: int, drop_last: bool) -> int:
    if batches_per_epoch(n_rows, batch_size, drop_last) == 0:
        return 0
    rest = n_rows % batch_size
    return batch_size if drop_last or rest == 0 else rest  # a full batch, unless the short one is kept
