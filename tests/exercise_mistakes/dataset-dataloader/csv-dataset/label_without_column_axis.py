# expect: lost its column axis
import numpy as np
import torch
from torch.utils.data import Dataset


class CsvDataset(Dataset):
    def __init__(self, path):
        with open(path) as handle:
            first = handle.readline()
        skip = 0 if first.replace(",", "").replace(".", "").replace("-", "").strip().isdigit() else 1
        table = torch.from_numpy(np.loadtxt(path, delimiter=",", skiprows=skip, ndmin=2, dtype=np.float32))
        self.features = table[:, :-1]
        self.labels = table[:, -1]

    def __getitem__(self, index):
        return self.features[index], self.labels[index]

    def __len__(self):
        return len(self.features)
