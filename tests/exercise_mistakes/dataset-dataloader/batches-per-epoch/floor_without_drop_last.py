# expect: only drop_last=True drops it
def batches_per_epoch(n_rows, batch_size, drop_last):
    return n_rows // batch_size


def last_batch_rows(n_rows, batch_size, drop_last):
    if n_rows < batch_size:
        return 0 if drop_last else n_rows
    return batch_size if drop_last else (n_rows % batch_size or batch_size)
