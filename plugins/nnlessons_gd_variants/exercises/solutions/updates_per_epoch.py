"""How many updates one epoch makes (reference solution)."""


def updates_per_epoch(n_samples: int, batch_size: int) -> int:
    # ceil(N / B) in integers: -(-N // B) rounds up without going through a float
    return -(-n_samples // batch_size)
