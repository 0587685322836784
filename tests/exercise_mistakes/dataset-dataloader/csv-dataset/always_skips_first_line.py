# expect: this file has no header
import numpy as np
import torch
from torch.utils.data import Dataset


class CsvDataset(Dataset):
    def __init__(self, path):
        table = torch.from_numpy(np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2, dtype=np.float32))
        self.features = table[:, :-1]
        self.labels = table[:, -1:]

    def __getitem__(self, index):
        return self.features[index], self.labels[index]

    def __len__(self):
        return self.features.shape[0]
