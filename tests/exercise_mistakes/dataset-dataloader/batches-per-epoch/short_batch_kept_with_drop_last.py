# expect: the short batch is dropped
def batches_per_epoch(n_rows, batch_size, drop_last):
    return n_rows // batch_size if drop_last else -(-n_rows // batch_size)


def last_batch_rows(n_rows, batch_size, drop_last):
    if batches_per_epoch(n_rows, batch_size, drop_last) == 0:
        return 0
    return n_rows % batch_size or batch_size
