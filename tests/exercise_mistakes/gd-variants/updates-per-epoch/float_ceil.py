# expect: return a Python int
import numpy as np


def updates_per_epoch(n_samples, batch_size):
    return np.ceil(n_samples / batch_size)
