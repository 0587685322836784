# expect: np.loadtxt reads float64
import csv

import numpy as np
import torch
from torch.utils.data import Dataset


class CsvDataset(Dataset):
    def __init__(self, path):
        with open(path, newline="") as handle:
            rows = [row for row in csv.reader(handle) if row]
        try:
            float(rows[0][0])
        except ValueError:
            rows = rows[1:]
        table = torch.from_numpy(np.array(rows, dtype=float))  # float64
        self.features = table[:, :-1]
        self.labels = table[:, -1:]

    def __getitem__(self, index):
        return self.features[index], self.labels[index]

    def __len__(self):
        return self.features.shape[0]
