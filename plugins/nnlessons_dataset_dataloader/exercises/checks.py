"""Checks of the dataset-dataloader exercises: PyTorch's DataLoader, BatchSampler and default_collate are the oracles."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

import torch
from torch.utils.data import DataLoader, Dataset, TensorDataset, default_collate

from nnlessons.practice.compare import Case, call_learner, describe_value, expect, expect_close, expect_equal

# ---- csv-dataset ----------------------------------------------------------------------------

VALUE_TOLERANCE = 1e-6  # float32 rounding of numbers written with 5 decimals is far below this


def table_values(g: torch.Generator, rows: int, features: int) -> torch.Tensor:
    """Features rounded to 5 decimals (as the lesson writes them) and 0/1 labels: (rows, features + 1), float64."""
    x = torch.round(torch.randn(rows, features, generator=g, dtype=torch.float64) * 2, decimals=5)
    labels = torch.randint(0, 2, (rows, 1), generator=g).double()
    return torch.cat([x, labels], dim=1)


def csv_text(table: torch.Tensor, header: bool, blank_end: bool = False, formats: Callable[[float], str] | None = None) -> str:
    n_features = table.shape[1] - 1
    lines = [",".join([f"x{i + 1}" for i in range(n_features)] + ["label"])] if header else []
    fmt = formats or (lambda v: f"{v:.5f}")
    lines += [",".join([fmt(v) for v in row[:-1]] + [str(int(row[-1]))]) for row in table.tolist()]
    return "\n".join(lines) + "\n" + ("\n" if blank_end else "")


class CsvPath(type(Path())):  # PosixPath or WindowsPath: subclass the concrete one
    """A path that a failure shows with the file's text, kept here: the file is gone once the check ends."""

    text = ""

    def __repr__(self) -> str:
        return f"{self.name} holding {self.text!r}"


def csv_cases(folder: Path) -> list[tuple[Case, torch.Tensor, bool]]:
    """(case with the file's path, the table it holds, whether it has a header) for every file written."""
    g = torch.Generator().manual_seed(7)
    specs = [
        ("the lesson's layout: a header x1..x8,label, 30 rows, 8 features", table_values(g, 30, 8), True, {}),
        ("no header line, 12 rows, 3 features", table_values(g, 12, 3), False, {}),
        ("one feature column, with a header, 7 rows", table_values(g, 7, 1), True, {}),
        ("a file with one data row (and a header)", table_values(g, 1, 4), True, {}),
        ("a file with one data row and no header", table_values(g, 1, 2), False, {}),
        ("a blank line at the end of the file, 5 rows", table_values(g, 5, 3), True, {"blank_end": True}),
        ("integers, negative numbers and exponents (1e-3, 2.5e2), 4 rows",
         torch.tensor([[1, -3, 0.001, 1], [250, 0, -2, 0], [-1, 4, 0.5, 1], [7, 8, 9, 0]], dtype=torch.float64), False,
         {"formats": lambda v: {0.001: "1e-3", 250.0: "2.5e2"}.get(v, f"{v:g}")}),
    ]
    for k in range(4):
        rows = int(torch.randint(2, 41, (), generator=g))
        features = int(torch.randint(1, 11, (), generator=g))
        specs.append((f"random file {k + 1}: {rows} rows, {features} features", table_values(g, rows, features),
                      k % 2 == 0, {}))
    cases = []
    for number, (description, table, header, options) in enumerate(specs):
        path = CsvPath(folder / f"table_{number}.csv")
        path.text = csv_text(table, header, **options)
        path.write_text(path.text, encoding="utf-8")
        given = str(path) if number == 1 else path  # the starter accepts a str too
        cases.append((Case(f"{description} ({path.name})", path=given), table, header))
    return cases


def check_item(item, features: torch.Tensor, label: torch.Tensor, index: int, case: Case) -> None:
    expect(isinstance(item, (tuple, list)) and len(item) == 2,
           f"dataset[{index}] returned {describe_value(item)}; return the pair (features, label).", case)
    got_x, got_y = item
    for name, got, expected in (("features", got_x, features), ("label", got_y, label)):
        expect(not isinstance(got, torch.Tensor) or got.dtype == torch.float32,
               f"dataset[{index}]'s {name}: {str(got.dtype).removeprefix('torch.')}; the lesson's dataset gives "
               f"float32, the dtype of the model's weights (np.loadtxt reads float64: pass dtype=np.float32 or "
               f"call .float()).", case)
    expect_close(got_x, features, case, atol=VALUE_TOLERANCE, rtol=VALUE_TOLERANCE, what=f"dataset[{index}][0] (features)",
                 mistakes={"the features include the label: take every column but the last, table[:, :-1].":
                           torch.cat([features, label])})
    expect_close(got_y, label, case, atol=VALUE_TOLERANCE, rtol=VALUE_TOLERANCE, what=f"dataset[{index}][1] (label)",
                 mistakes={"the label lost its column axis: table[:, -1] gives shape (N,); table[:, -1:] keeps "
                           "(N, 1), so that batches of labels are (B, 1) like the model's output.": label[0]})


def check_first_batch(dataset: Dataset, features: torch.Tensor, labels: torch.Tensor, case: Case) -> None:
    """A shuffled DataLoader over the learner's dataset gives the rows a seeded permutation picks, shaped (B, F), (B, 1)."""
    batch_size = min(4, len(features))
    ours = DataLoader(dataset, batch_size=batch_size, shuffle=True, generator=torch.Generator().manual_seed(3))
    theirs = DataLoader(TensorDataset(features, labels), batch_size=batch_size, shuffle=True,
                        generator=torch.Generator().manual_seed(3))
    got_x, got_y = next(iter(ours))
    want_x, want_y = next(iter(theirs))
    expect_close(got_x, want_x, case, atol=VALUE_TOLERANCE, rtol=VALUE_TOLERANCE,
                 what=f"the features of a shuffled DataLoader's first batch (batch_size={batch_size})")
    expect_close(got_y, want_y, case, atol=VALUE_TOLERANCE, rtol=VALUE_TOLERANCE,
                 what=f"the labels of a shuffled DataLoader's first batch (batch_size={batch_size})",
                 mistakes={"the labels of a batch are (B,), not (B, 1): BCELoss refuses them next to the model's "
                           "(B, 1) output; keep the label's column axis.": want_y[:, 0]})


def check_csv_dataset(learner: ModuleType) -> str:
    with tempfile.TemporaryDirectory(prefix="nnlessons-csv-") as folder:
        cases = csv_cases(Path(folder))
        for case, table, header in cases:
            features = table[:, :-1].float()  # (N, F)
            labels = table[:, -1:].float()  # (N, 1)
            dataset = call_learner(learner.CsvDataset, case)
            expect(isinstance(dataset, Dataset), "CsvDataset must subclass torch.utils.data.Dataset "
                                                 "(class CsvDataset(Dataset): ...).", case)
            n = len(features)
            skipped = {"you skipped the first line, but this file has no header: skip it only when it is not "
                       "numbers.": n - 1}
            expect_equal(len(dataset), n, case, what="len(dataset)", mistakes={} if header else skipped)
            for index in [*range(n), -1]:
                check_item(dataset[index], features[index], labels[index], index, case)
            check_first_batch(dataset, features, labels, case)
    return (f"{len(cases)} CSV files (with and without a header, one row, one feature, a blank last line, "
            f"random sizes): len, every item and a shuffled batch matched.")


# ---- batches-per-epoch ----------------------------------------------------------------------

BATCH_SIZES = (1, 2, 3, 5, 7, 8, 16, 32, 1000)
LARGE_BATCH_SIZES = (1, 7, 32, 1000)
LARGE_ROWS = (759, 1000, 1024, 1025, 60_000, 10**6 + 1, 123_456_789)


def check_count(got, expected: int, case: Case, what: str, mistakes: dict) -> None:
    known = {message: wrong for message, wrong in mistakes.items() if wrong is not None}
    expect_equal(got, expected, case, what=what, mistakes=known)
    expect(type(got) is int, f"{what} returned {got!r}, a {type(got).__name__}; a count is an int "
                             f"(use // and %, not /).", case,
           mistake=next((message for message, wrong in known.items() if isinstance(wrong, float)), None))


def batch_count_mistakes(n: int, b: int, drop_last: bool) -> dict:
    short = n % b != 0
    return {
        "N / B is a division, not a count (the course notes' 'iterations = len / batch_size'): the loader makes "
        "ceil(N / B) batches, the last one short, or floor(N / B) with drop_last=True.": n / b,
        "floor(N / B) leaves out the short last batch, but only drop_last=True drops it: without it the "
        "epoch has ceil(N / B) batches.": n // b if short and not drop_last else None,
        "with drop_last=True the short last batch is dropped: floor(N / B) batches, not ceil(N / B).":
            n // b + 1 if short and drop_last else None,
    }


def last_rows_mistakes(n: int, b: int, drop_last: bool) -> dict:
    return {
        "when B divides N the last batch is full, B rows, not N % B = 0.": 0 if n % b == 0 and n > 0 else None,
        "with drop_last=True the short batch is dropped, so the last batch is a full one of B rows.":
            n % b if drop_last and n >= b and n % b else None,
        "this epoch has no batch at all (N = 0, or N < B with drop_last=True): the last batch has 0 rows.":
            b if n == 0 or (drop_last and n < b) else None,
        "with drop_last=True and N < B the only batch is short, so it is dropped: the epoch has no batch, and "
        "the last batch has 0 rows.": n if drop_last and 0 < n < b else None,
    }


def loader_batches(n: int, b: int, drop_last: bool) -> tuple[int, int]:
    """len(DataLoader) and the size of the last batch it really makes."""
    loader = DataLoader(range(n), batch_size=b, drop_last=drop_last)
    sizes = [len(batch) for batch in loader.batch_sampler]  # the row numbers of each batch, no data fetched
    return len(loader), sizes[-1] if sizes else 0


def check_batches_per_epoch(learner: ModuleType) -> str:
    checked = 0
    for n in range(25):
        for b in BATCH_SIZES:
            for drop_last in (False, True):
                count, last = loader_batches(n, b, drop_last)
                case = Case(f"N = {n}, B = {b}, drop_last={drop_last}", n_rows=n, batch_size=b, drop_last=drop_last)
                check_count(call_learner(learner.batches_per_epoch, case), count, case, "batches_per_epoch",
                            batch_count_mistakes(n, b, drop_last))
                check_count(call_learner(learner.last_batch_rows, case), last, case, "last_batch_rows",
                            last_rows_mistakes(n, b, drop_last))
                checked += 1
    for n in LARGE_ROWS:
        for b in LARGE_BATCH_SIZES:
            for drop_last in (False, True):
                case = Case(f"N = {n}, B = {b}, drop_last={drop_last}", n_rows=n, batch_size=b, drop_last=drop_last)
                count = len(DataLoader(range(n), batch_size=b, drop_last=drop_last))
                check_count(call_learner(learner.batches_per_epoch, case), count, case, "batches_per_epoch",
                            batch_count_mistakes(n, b, drop_last))
                checked += 1
    return f"{checked} settings of N, B and drop_last matched len(DataLoader) (and, for N up to 24, its real last batch)."


# ---- collate-batch --------------------------------------------------------------------------



def collate_cases() -> list[Case]:
    g = torch.Generator().manual_seed(11)

    def pairs(b: int, features: int = 8) -> list[tuple]:
        return [(torch.randn(features, generator=g), torch.randint(0, 2, (1,), generator=g).float()) for _ in range(b)]

    cases = [
        Case("the lesson's items: (8,) features and a (1,) label, a batch of 32", items=pairs(32)),
        Case("the lesson's last, short batch: 23 items", items=pairs(23)),
        Case("a batch of one item", items=pairs(1)),
        Case("three fields: features, label and a sample weight", items=[(*pair, torch.rand((), generator=g))
                                                                          for pair in pairs(6, 3)]),
        Case("one field: items that are 1-tuples", items=[(torch.randn(5, generator=g),) for _ in range(4)]),
        Case("image-like features of shape (1, 4, 4) and an int class number",
             items=[(torch.randn(1, 4, 4, generator=g), int(torch.randint(0, 10, (), generator=g))) for _ in range(5)]),
        Case("features, a float target and an int index (Python numbers)",
             items=[(torch.randn(2, generator=g), float(torch.randn((), generator=g)), k) for k in range(7)]),
        Case("a batch of one item with a float and an int field",
             items=[(torch.randn(2, generator=g), float(torch.randn((), generator=g)), 3)]),
        Case("float64 features and int64 labels",
             items=[(torch.randn(3, generator=g, dtype=torch.float64), torch.randint(0, 5, (), generator=g))
                    for _ in range(6)]),
    ]
    for k in range(4):
        b = int(torch.randint(1, 40, (), generator=g))
        f = int(torch.randint(1, 12, (), generator=g))
        cases.append(Case(f"random batch {k + 1}: {b} items, {f} features", items=pairs(b, f)))
    return cases


def field_mistakes(values: list, expected: torch.Tensor) -> dict[str, torch.Tensor]:
    if not isinstance(values[0], torch.Tensor):
        return {}
    if values[0].shape == (1,):  # torch.cat and .item() both flatten (1,) labels to (B,)
        return {"the labels are (B,), not (B, 1): each (1,) label lost its axis (torch.cat, or .item()); "
                "torch.stack the label tensors as they are, as BCELoss needs (B, 1) next to the model's output.":
                expected[:, 0]}
    mistakes = {"torch.cat joins the items along their existing first axis; torch.stack adds a new batch axis "
                "in front: (B, *S).": torch.cat([v.reshape(-1) if v.dim() == 0 else v for v in values])}
    if expected.dim() >= 2:
        mistakes["the batch axis is not first: stack along dim 0, (B, *S)."] = torch.stack(values, dim=1)
    return mistakes


def check_field(got, values: list, expected: torch.Tensor, j: int, case: Case) -> None:
    what = f"field {j} of your batch"
    expect(isinstance(got, torch.Tensor), f"{what} is {describe_value(got)}; make each field one tensor.", case)
    if got.dtype != expected.dtype and not isinstance(values[0], torch.Tensor):
        kind = type(values[0]).__name__
        expect(False, f"{what} is {str(got.dtype).removeprefix('torch.')}; Python {kind}s become "
                      f"{str(expected.dtype).removeprefix('torch.')} in default_collate "
                      f"(torch.tensor(values, dtype=torch.{str(expected.dtype).removeprefix('torch.')})).", case)
    expect_close(got, expected, case, atol=0.0, what=what, mistakes=field_mistakes(values, expected))


def check_batch(got, expected: list[torch.Tensor], items: list[tuple], case: Case) -> None:
    fields = len(items[0])
    expect(isinstance(got, (tuple, list)) and len(got) == fields,
           f"collate returned {describe_value(got)}; the items have {fields} field(s), so return a tuple of "
           f"{fields} tensor(s), one per field.", case)
    for j, (got_field, expected_field) in enumerate(zip(got, expected, strict=True)):
        check_field(got_field, [item[j] for item in items], expected_field, j, case)


def check_in_loader(learner: ModuleType) -> None:
    """A whole shuffled epoch through DataLoader(collate_fn=learner.collate) equals the default loader's."""
    g = torch.Generator().manual_seed(5)
    dataset = TensorDataset(torch.randn(23, 3, generator=g), torch.randint(0, 2, (23, 1), generator=g).float())

    def loader(collate_fn=None) -> DataLoader:
        options = {"collate_fn": collate_fn} if collate_fn else {}
        return DataLoader(dataset, batch_size=5, shuffle=True, generator=torch.Generator().manual_seed(9), **options)

    theirs = list(loader())
    case = Case("one shuffled epoch of DataLoader(TensorDataset of 23 rows, batch_size=5, collate_fn=collate)",
                loader=loader(learner.collate))
    ours = call_learner(list, case)  # list(loader): the loader calls your collate once per batch
    expect_equal(len(ours), len(theirs), case, what="the number of batches")
    for number, (got, want) in enumerate(zip(ours, theirs, strict=True), start=1):
        for j, (got_field, want_field) in enumerate(zip(got, want, strict=True)):
            expect_close(got_field, want_field, case, atol=0.0, what=f"field {j} of batch {number}")


def check_collate(learner: ModuleType) -> str:
    cases = collate_cases()
    for case in cases:
        expected = default_collate(case["items"])  # before yours runs: your code gets the same item tensors
        got = call_learner(learner.collate, case)
        check_batch(got, expected, case["items"], case)
    check_in_loader(learner)
    return (f"{len(cases)} batches matched default_collate exactly (1 to 3 fields, tensors, ints and floats), "
            f"and a shuffled epoch through DataLoader(collate_fn=collate) matched the default loader's.")


# ---- make-loaders ---------------------------------------------------------------------------

#: torch's global random state when the learner's loaders are built (and GLOBAL_SEED + e before epoch e)
GLOBAL_SEED = 1234
#: (rows, features, batch size, seed): short last batches in both loaders, a validation set smaller than a batch
LOADER_CASES = ((53, 4, 8, 0), (30, 3, 4, 1), (100, 8, 16, 7), (21, 2, 5, 3), (47, 5, 6, 2024), (12, 1, 3, 5))

FLOAT64_FIX = ("your features are float64: np.loadtxt and np.array read float64 by default; "
               "pass dtype=np.float32 or call .float(): the model's weights are float32.")
LABELS_FLAT = ("the labels of a batch are (B,), not (B, 1): the label column lost its axis (table[:, -1]); keep it "
               "with table[:, -1:], so that labels have the (B, 1) shape of the model's output.")
UNSEEDED = ("the order comes from a new torch.Generator() that was never seeded: seed it with "
            "torch.Generator().manual_seed(seed), or every run gets the same order whatever the seed.")
GLOBAL_ORDER = ("the order comes from torch's global random state (shuffle=True without generator=..., or "
                "torch.manual_seed(seed) instead of the loader's own generator): anything else that draws random "
                "numbers changes it. Pass generator=torch.Generator().manual_seed(seed) to the training DataLoader.")
NOT_SHUFFLED = "the training loader is not shuffled: it gives the rows in file order; pass shuffle=True."
RESEEDED = ("epoch 2 repeats epoch 1's order: the generator is seeded again for every epoch (or a new loader is made "
            "per epoch). Seed it once, when the loader is built, so that each epoch draws a new order.")
SPLIT_FIX = "the validation set is the LAST N // 5 rows of the file, in file order; the training set the first N - N // 5."


def index_epochs(n: int, batch_size: int, *, shuffle: bool, drop_last: bool,
                 generator: torch.Generator | None = None, global_seed: int | None = None) -> list[list[list[int]]]:
    """The row numbers of every batch of two epochs of DataLoader(range(n), ...) set up this way."""
    loader = DataLoader(range(n), batch_size=batch_size, shuffle=shuffle, drop_last=drop_last, generator=generator)
    epochs = []
    for epoch in range(2):
        if global_seed is not None:
            torch.manual_seed(global_seed + epoch)
        epochs.append([batch.tolist() for batch in loader])
    return epochs


def train_variants(n: int, batch_size: int, seed: int) -> tuple[list, dict[str, list]]:
    """The reference's two epochs of row numbers, and the two epochs each known mistake gives."""
    right = index_epochs(n, batch_size, shuffle=True, drop_last=True, generator=torch.Generator().manual_seed(seed))
    mistakes = {
        UNSEEDED: index_epochs(n, batch_size, shuffle=True, drop_last=True, generator=torch.Generator()),
        GLOBAL_ORDER: index_epochs(n, batch_size, shuffle=True, drop_last=True, global_seed=GLOBAL_SEED),
        NOT_SHUFFLED: index_epochs(n, batch_size, shuffle=False, drop_last=True),
        RESEEDED: [right[0], right[0]],
    }
    return right, mistakes


def check_batches(got: Any, expected: list[torch.Tensor], labels: list[torch.Tensor], case: Case, what: str,
                  mistakes: Mapping[str, list[torch.Tensor]], count_mistakes: Mapping[str, int]) -> None:
    """`got`, the batches of one epoch, against the `expected` feature batches (and those known mistakes give)."""
    expect(isinstance(got, list), f"{what} gave {describe_value(got)}; iterating a DataLoader gives its batches.", case)
    known = next((message for message, count in count_mistakes.items() if count == len(got) != len(expected)), None)
    expect(len(got) == len(expected), f"{what} gave {len(got)} batches; the reference gives {len(expected)}.", case,
           mistake=known)
    for k, (batch, want_x, want_y) in enumerate(zip(got, expected, labels, strict=True)):
        where = f"batch {k + 1} of {what}"
        expect(isinstance(batch, (tuple, list)) and len(batch) == 2,
               f"{where} is {describe_value(batch)}; each batch is the pair (features, labels).", case)
        got_x, got_y = batch
        expect(not isinstance(got_x, torch.Tensor) or got_x.dtype != torch.float64, f"{where}: {FLOAT64_FIX}", case,
               mistake="features as float64.")
        expect(not isinstance(got_y, torch.Tensor) or got_y.shape != want_y.shape[:1], f"{where}: {LABELS_FLAT}", case,
               mistake="labels shaped (B,) instead of (B, 1).")
        wrong = {message: batches[k] for message, batches in mistakes.items() if k < len(batches)}
        expect_close(got_x, want_x, case, atol=VALUE_TOLERANCE, rtol=VALUE_TOLERANCE, what=f"the features of {where}",
                     mistakes=wrong)
        expect_close(got_y, want_y, case, atol=VALUE_TOLERANCE, rtol=VALUE_TOLERANCE, what=f"the labels of {where}")


def run_epochs(loader: Any, case: Case) -> list[Any]:
    """Two epochs of the learner's loader, with torch's global random state set as `index_epochs` sets it."""
    epochs = []
    for epoch in range(2):
        torch.manual_seed(GLOBAL_SEED + epoch)
        epochs.append(call_learner(list, Case(case.description, loader=loader)))  # list(loader): one epoch
    return epochs


def rows_of(batches: list[list[int]], table: torch.Tensor) -> list[torch.Tensor]:
    return [table[index] for index in batches]


def check_validation_order(batches: Any, features: torch.Tensor, case: Case, what: str) -> None:
    """The validation rows, all there but in another order: the validation loader is shuffled."""
    try:
        got = torch.cat([batch[0] for batch in batches]).double()
    except Exception:  # noqa: BLE001 - not batches of tensors: check_batches says what is wrong
        return
    if got.shape == features.shape and not torch.allclose(got, features.double(), atol=1e-5):
        expect(not torch.allclose(got.sort(dim=0).values, features.double().sort(dim=0).values, atol=1e-5),
               f"{what} gives the validation rows in another order than the file's.", case,
               mistake="shuffling the validation loader: evaluate in file order (shuffle=False); only training "
                       "needs a new order every epoch.")


def check_make_loaders(learner: ModuleType) -> str:
    g = torch.Generator().manual_seed(17)
    with tempfile.TemporaryDirectory(prefix="nnlessons-loaders-") as folder:
        for number, (rows, n_features, batch_size, seed) in enumerate(LOADER_CASES):
            table = table_values(g, rows, n_features)
            path = CsvPath(Path(folder) / f"table_{number}.csv")
            path.text = csv_text(table, header=True)
            path.write_text(path.text, encoding="utf-8")
            features, labels = table[:, :-1].float(), table[:, -1:].float()  # (N, F), (N, 1)
            n_val = rows // 5
            n_train = rows - n_val
            case = Case(f"{rows} rows ({n_train} for training, {n_val} for validation), {n_features} features, "
                        f"batch_size={batch_size}, seed={seed}", path=path, batch_size=batch_size, seed=seed)
            torch.manual_seed(GLOBAL_SEED)
            got = call_learner(learner.make_loaders, case)
            expect(isinstance(got, (tuple, list)) and len(got) == 2,
                   f"make_loaders returned {describe_value(got)}; return the pair (train_loader, validation_loader).",
                   case)
            train, validation = got
            for name, loader in (("the training loader", train), ("the validation loader", validation)):
                expect(isinstance(loader, DataLoader), f"{name} is {describe_value(loader)}; return DataLoader objects.",
                       case)
            right, mistakes = train_variants(n_train, batch_size, seed)
            train_counts = {"the training loader keeps the short last batch: pass drop_last=True to it (and only "
                            "to it).": -(-n_train // batch_size)}
            expect_equal(len(train), len(right[0]), case, what="len(train_loader)", mistakes=train_counts)
            x, y = features[:n_train], labels[:n_train]
            for epoch, batches in enumerate(run_epochs(train, case)):
                wrong = {message: rows_of(orders[epoch], x) for message, orders in mistakes.items()}
                wrong[SPLIT_FIX] = rows_of(right[epoch], features[n_val:])  # the first rows held out instead
                check_batches(batches, rows_of(right[epoch], x), rows_of(right[epoch], y), case,
                              f"epoch {epoch + 1} of the training loader", wrong, train_counts)
            in_order = index_epochs(n_val, batch_size, shuffle=False, drop_last=False)[0]
            val_counts = {"the validation loader drops its short last batch (drop_last=True): every validation row "
                          "must be counted once.": n_val // batch_size}
            expect_equal(len(validation), len(in_order), case, what="len(validation_loader)", mistakes=val_counts)
            x, y = features[n_train:], labels[n_train:]
            for epoch, batches in enumerate(run_epochs(validation, case)):
                what = f"epoch {epoch + 1} of the validation loader"
                check_validation_order(batches, x, case, what)
                check_batches(batches, rows_of(in_order, x), rows_of(in_order, y), case, what,
                              {SPLIT_FIX: rows_of(in_order, features[:n_val])}, val_counts)
    return (f"{len(LOADER_CASES)} CSV files: two epochs of both loaders matched a reference pipeline batch for batch "
            f"(the seeded order, drop_last on training only, float32 (B, F) features and (B, 1) labels).")
