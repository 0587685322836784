# expect: division, not a count
def batches_per_epoch(n_rows, batch_size, drop_last):
    # the course notes: iterations per epoch = len / batch_size
    return n_rows // batch_size if drop_last else n_rows / batch_size


def last_batch_rows(n_rows, batch_size, drop_last):
    if n_rows == 0 or (drop_last and n_rows < batch_size):
        return 0
    rest = n_rows % batch_size
    return rest if rest and not drop_last else batch_size
