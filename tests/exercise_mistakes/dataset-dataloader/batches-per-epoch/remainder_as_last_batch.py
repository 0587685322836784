# expect: the last batch is full, B rows
import math


def batches_per_epoch(n_rows, batch_size, drop_last):
    return n_rows // batch_size if drop_last else math.ceil(n_rows / batch_size)


def last_batch_rows(n_rows, batch_size, drop_last):
    if drop_last:
        return batch_size if n_rows >= batch_size else 0
    return n_rows % batch_size
