# expect: default_collate is off in this exercise
from torch.utils.data import default_collate


def collate(items):
    return default_collate(items)
