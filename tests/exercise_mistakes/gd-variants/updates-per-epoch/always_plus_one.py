# expect: one batch too many when B divides N
def updates_per_epoch(n_samples, batch_size):
    return n_samples // batch_size + 1
