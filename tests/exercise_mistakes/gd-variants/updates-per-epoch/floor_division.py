# expect: drops the leftover samples
def updates_per_epoch(n_samples, batch_size):
    return n_samples // batch_size
