"""The dataset-dataloader exercises: a Dataset over a CSV file, batches per epoch, a collate function, and the
whole pipeline of a run built from a specification (no torch imported here)."""

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
        level="core",
        minutes=20,
        timeout=10,
        hints=(
            "Do the slow work once: in __init__ read the whole file into one float32 tensor of shape (N, F + 1) and "
            "keep the features and the labels; __getitem__ then only indexes, and __len__ returns N.",
            "np.loadtxt(path, delimiter=',', skiprows=..., ndmin=2, dtype=np.float32) reads the table: ndmin=2 keeps "
            "a one-row file a table, and a header is a first line where float() fails on a cell. Keep the label's "
            "column axis: table[:, -1:] is (N, 1), table[:, -1] is (N,).",
            "__init__: skip = 1 if the first line is not numbers else 0; table = torch.from_numpy(np.loadtxt(...)); "
            "self.features = ...  # every column but the last: your line; self.labels = ...  # the last column, "
            "(N, 1): your line. __getitem__ returns the pair at index; __len__ the number of rows.",
        ),
    ),
    Exercise(
        id="batches-per-epoch",
        title="Batches per epoch, with and without drop_last",
        package=PACKAGE,
        starter="batches_per_epoch.py",
        solution="solutions/batches_per_epoch.py",
        check=f"{CHECKS}:check_batches_per_epoch",
        forbids=(forbid.DATALOADER.because("DataLoader is switched off in this exercise: count the batches with "
                                           "integer arithmetic."),),
        level="warm-up",
        minutes=10,
        timeout=30,
        hints=(
            "Split N into full batches and the rows left over. The leftover rows make one short batch, unless there "
            "are none or drop_last=True throws them away.",
            "full, rest = divmod(N, B): the epoch has ceil(N / B) batches, or floor(N / B) with drop_last. The last "
            "batch is short (rest rows) only when it is kept; otherwise it is a full one, and an epoch with no "
            "batch at all has a last batch of 0 rows.",
            "batches_per_epoch: full, rest = divmod(n_rows, batch_size); return ...  # full, plus one when a short "
            "batch is kept: your line. last_batch_rows: if batches_per_epoch(...) == 0: return 0; then ...  # "
            "rest or batch_size: your line.",
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
        level="core",
        minutes=15,
        timeout=10,
        hints=(
            "Regroup first: zip(*items) turns B items of k fields into k groups of B values, one group per field.",
            "A group of tensors becomes torch.stack(group), which adds a new first axis (B, *S); torch.cat would "
            "join them along their existing axis. A group of Python ints becomes an int64 tensor, of floats a "
            "float64 one (torch.tensor(group, dtype=...)).",
            "def collate_field(values): if isinstance(values[0], torch.Tensor): return ...  # a new first axis: "
            "your line; if isinstance(values[0], float): return ...  # float64: your line; return torch.tensor(values)."
            " collate returns tuple(collate_field(list(group)) for group in zip(*items)).",
        ),
    ),
    Exercise(
        id="make-loaders",
        title="Build the data pipeline: train and validation loaders from a CSV, seeded",
        package=PACKAGE,
        starter="make_loaders.py",
        solution="solutions/make_loaders.py",
        check=f"{CHECKS}:check_make_loaders",
        level="build",
        minutes=30,
        timeout=10,
        hints=(
            "Three parts: read the table into float32 tensors (features (N, F), labels (N, 1)), cut it in two "
            "(the last N // 5 rows for validation), and wrap each part in a Dataset and a DataLoader.",
            "TensorDataset(features[:n_train], labels[:n_train]) is a Dataset in one line. Only the training "
            "loader shuffles and drops its short batch; its order comes from a generator seeded once, "
            "torch.Generator().manual_seed(seed), passed as the DataLoader's generator= argument.",
            "table = torch.from_numpy(np.loadtxt(path, delimiter=',', skiprows=1, ndmin=2, dtype=np.float32)); "
            "features, labels = table[:, :-1], table[:, -1:]; n_train = len(table) - len(table) // 5; "
            "train_loader = DataLoader(...)  # shuffle, drop_last, the seeded generator: your line; "
            "validation_loader = DataLoader(...)  # in file order, every row: your line.",
        ),
    ),
]
