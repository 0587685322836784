"""The dataset-dataloader exercises: a Dataset over a CSV file, batches per epoch, a collate function
(no torch imported here)."""

from nnlessons.practice import Exercise, forbid

PACKAGE = __name__
CHECKS = "nnlessons_dataset_dataloader.exercises.checks"

EXERCISES = [
    Exercise(
        id="csv-dataset",
        title="A Dataset over a CSV file",
        package=PACKAGE,
        starter="csv_dataset.py",
        solution="solutions/csv_dataset.py",
        check=f"{CHECKS}:check_csv_dataset",
        hints=(
            "Do the slow work once: in __init__ read the whole file into one float32 tensor of shape (N, F + 1) and "
            "slice it into features and labels; __getitem__ then only indexes, and __len__ returns N.",
            "np.loadtxt(path, delimiter=',', skiprows=1 if header else 0, ndmin=2, dtype=np.float32) reads it: "
            "ndmin=2 keeps a one-row file a table, and a header is a first line where float() fails on a cell. "
            "Keep the label's column axis: table[:, -1:] is (N, 1), table[:, -1] is (N,).",
            "table = torch.from_numpy(np.loadtxt(...)); self.features = table[:, :-1]; self.labels = table[:, -1:]; "
            "__getitem__: return self.features[index], self.labels[index]; __len__: return self.features.shape[0]",
        ),
    ),
    Exercise(
        id="batches-per-epoch",
        title="Batches per epoch, with and without drop_last",
        package=PACKAGE,
        starter="batches_per_epoch.py",
        solution="solutions/batches_per_epoch.py",
        check=f"{CHECKS}:check_batches_per_epoch",
        hints=(
            "Split N into full batches and the rows left over: full, rest = divmod(N, B). The leftover rows make "
            "one short batch, unless there are none or drop_last=True throws them away.",
            "batches = full + (1 if rest and not drop_last else 0), i.e. ceil(N / B) or, with drop_last, "
            "floor(N / B). The last batch is short (rest rows) only when it is kept; otherwise it is a full one.",
            "last_batch_rows: 0 if there are no batches; else rest if (rest and not drop_last) else batch_size.",
        ),
    ),
    Exercise(
        id="collate-batch",
        title="A collate function, like default_collate",
        package=PACKAGE,
        starter="collate_batch.py",
        solution="solutions/collate_batch.py",
        check=f"{CHECKS}:check_collate",
        forbids=(forbid.DEFAULT_COLLATE.because("default_collate is off in this exercise: build the batch with torch.stack and torch.tensor yourself."),),
        hints=(
            "Regroup first: zip(*items) turns B items of k fields into k groups of B values, one group per field.",
            "A group of tensors becomes torch.stack(group), which adds a new first axis (B, *S); torch.cat would "
            "join them along their existing axis. A group of Python ints becomes torch.tensor(group) (int64), of "
            "floats torch.tensor(group, dtype=torch.float64).",
            "return tuple(torch.stack(group) if isinstance(group[0], torch.Tensor) else torch.tensor(group, "
            "dtype=torch.float64 if isinstance(group[0], float) else torch.int64) for group in zip(*items))",
        ),
    ),
]
