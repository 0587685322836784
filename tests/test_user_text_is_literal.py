"""Whatever the user types prints exactly as typed: square brackets are never read as rich markup.

Every kind of user input (--out, --csv, --data-dir, --case, --optimizers, --device and every
other str/Path option of every installed lesson) is given values holding ``[v2]``, ``[/]`` and
``[bold]``. A run must end with exit code 0 or a clean exit 2 (never 1, never a MarkupError or a
traceback), and the text must appear unaltered where the run prints it: the settings table, the
saved paths, the "Re-run with" line and error messages. COLUMNS=200 keeps lines from wrapping.
"""

from __future__ import annotations

import shlex
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from nnlessons.cli import cli
from nnlessons.registry import LessonRegistry

#: rich markup would drop an unknown tag ([v2]), apply a style ([bold]) and fail on a closing tag with nothing open ([/])
MARKS = "[v2][bold]x[/]y"
REGISTRY = LessonRegistry.from_entry_points()
LESSONS = [lesson.info for lesson in REGISTRY.ordered() if lesson.info is not None]
CSV_LESSONS = ("manual-grad", "classification", "dataset-dataloader")
WEEKDAYS = ("Mon", "Tues", "Wed", "Thurs", "Fri", "Sat", "Sun")
GOOD_CSV = {
    "manual-grad": "year,month,day,week,temp_2,temp_1,average,actual,friend\n"
                   + "".join(f"2016,1,{d},{WEEKDAYS[d % 7]},{40 + d % 5},{41 + d % 4},45.5,{42 + d % 6},50\n" for d in range(1, 31)),
    "classification": "x1,x2,label\n" + "".join(f"{(-1) ** i * 2 + i / 50},{(-1) ** i * 2},{i % 2}\n" for i in range(40)),
    "dataset-dataloader": "x1,x2,label\n" + "".join(f"{(-1) ** i * 2 + i / 50},{(-1) ** i * 2},{i % 2}\n" for i in range(40)),
}
#: a number column of each lesson's file
NUMBER_COLUMN = {"manual-grad": 4, "classification": 0, "dataset-dataloader": 0}
#: options whose values need a real file or folder, or a shape the lesson can use, get their own tests below
OWN_TESTS = {"csv", "data_dir"}


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.delenv("NNLESSONS_DATA_DIR", raising=False)
    yield


def marked(folder: Path, stem: str, suffix: str = "") -> str:
    """A path under `folder` whose text holds every mark; its parent folders exist."""
    text = f"{folder.resolve()}/{stem}{MARKS}{suffix}"
    Path(text).parent.mkdir(parents=True, exist_ok=True)
    return text


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["run", *args])


def assert_clean(result: Result, codes: tuple[int, ...] = (0, 2)) -> None:
    assert result.exit_code in codes, result.output
    for crash in ("MarkupError", "Traceback", "closing tag"):
        assert crash not in result.output, result.output


def setting_line(result: Result, name: str) -> str:
    """The settings table's row for `name` (a flag or 'output folder')."""
    rows = [line for line in result.output.splitlines() if line.startswith("│") and f" {name} " in line]
    assert rows, f"no settings row {name!r} in:\n{result.output}"
    return rows[0]


def rerun_command(result: Result) -> str:
    """The 'Re-run with' command, its wrapped lines joined again."""
    tail = result.output.split("Re-run with: ", 1)[1]
    return " ".join(line.strip() for line in tail.splitlines())


def assert_shown(result: Result, out: str, option: str | None = None, value: str | None = None) -> None:
    """A finished run shows the folder and the option's value literally in every place it prints them."""
    assert out in setting_line(result, "output folder")
    assert f"  {out}/run.json" in result.output.splitlines()  # the Saved list
    if option is not None:
        assert value in setting_line(result, option)
        assert f"{option} {shlex.quote(str(value))}" in rerun_command(result)


# ---- --out: a folder whose name holds markup ---------------------------------------------------
# Every run below uses such a folder; these lessons also print or use files of theirs in it.


@pytest.mark.parametrize(("lesson", "own_file"), [("gd-variants", None), ("dataset-dataloader", "table.csv"),
                                                  ("save-load", None)])
def test_out_folder_prints_literally(tmp_path: Path, lesson: str, own_file: str | None) -> None:
    out = marked(tmp_path, "out")
    result = run(lesson, "--quick", "--device", "cpu", "--out", out)
    assert_clean(result, (0,))
    assert_shown(result, out)
    if own_file:
        assert f"{out}/{own_file}" in "".join(setting_line(result, "file read in __init__").split("│")[2:])


def test_out_that_is_a_file_is_a_literal_error(tmp_path: Path) -> None:
    out = marked(tmp_path, "taken")
    Path(out).write_text("not a folder")
    result = run("gd-variants", "--quick", "--device", "cpu", "--out", out)
    assert_clean(result, (2,))
    assert f"--out '{out}' is a file, not a folder" in result.output


def test_device_is_a_literal_error(tmp_path: Path) -> None:
    result = run("gd-variants", "--quick", "--device", MARKS, "--out", str(tmp_path / "out"))
    assert_clean(result, (2,))
    assert repr(MARKS) in result.output


# ---- --csv: a valid file named with markup, a missing one, a cell with markup ------------------------


@pytest.mark.parametrize("lesson", CSV_LESSONS)
def test_csv_file_named_with_markup_runs_and_prints_literally(tmp_path: Path, lesson: str) -> None:
    path = marked(tmp_path, "points", ".csv")
    Path(path).write_text(GOOD_CSV[lesson])
    out = marked(tmp_path, "out")
    result = run(lesson, "--quick", "--device", "cpu", "--out", out, "--csv", path)
    assert_clean(result, (0,))
    assert_shown(result, out, "--csv", path)


@pytest.mark.parametrize("lesson", CSV_LESSONS)
def test_missing_csv_and_markup_in_a_cell_are_literal_errors(tmp_path: Path, lesson: str) -> None:
    missing = marked(tmp_path, "absent", ".csv")
    result = run(lesson, "--quick", "--device", "cpu", "--out", str(tmp_path / "o1"), "--csv", missing)
    assert_clean(result, (2,))
    assert f"'{missing}' does not exist" in result.output
    lines = GOOD_CSV[lesson].splitlines()
    cells = lines[1].split(",")
    cells[NUMBER_COLUMN[lesson]] = MARKS
    spoiled = Path(marked(tmp_path, "bad", ".csv"))
    spoiled.write_text("\n".join([lines[0], ",".join(cells), *lines[2:]]) + "\n")
    result = run(lesson, "--quick", "--device", "cpu", "--out", str(tmp_path / "o2"), "--csv", str(spoiled))
    assert_clean(result, (2,))
    assert f"'{spoiled}'" in result.output and f"holds '{MARKS}', which is not a number" in result.output


# ---- --data-dir: the MNIST lessons without data ----------------------------------------------------


@pytest.mark.parametrize("lesson", [info.id for info in LESSONS if any(o.name == "data_dir" for o in info.options)])
def test_data_dir_with_markup_is_named_literally(tmp_path: Path, lesson: str) -> None:
    data = marked(tmp_path, "data")
    out = marked(tmp_path, "out")
    result = run(lesson, "--quick", "--device", "cpu", "--no-download", "--out", out, "--data-dir", data)
    assert_clean(result)
    assert data in setting_line(result, "--data-dir")
    if result.exit_code == 2:
        assert data in result.output.strip().splitlines()[-1]  # the message names the folder to put the files in


# ---- every other str/Path option of every installed lesson (--case, --optimizers, --digit, ...) -------


def other_text_options() -> list[tuple[str, str]]:
    return [(info.id, option.name) for info in LESSONS for option in info.options
            if option.type in (str, Path) and option.name not in OWN_TESTS]


@pytest.mark.parametrize(("lesson", "name"), other_text_options())
def test_every_text_option_with_markup_is_literal(tmp_path: Path, lesson: str, name: str) -> None:
    info = REGISTRY.get(lesson).info
    option = info.option(name)
    value = marked(tmp_path, name) if option.type is Path else f"{name}{MARKS}"
    out = marked(tmp_path, "out")
    args = [lesson, "--quick", "--device", "cpu", "--out", out, option.flag, value]
    if info.needs_download:
        args.append("--no-download")
    result = run(*args)
    assert_clean(result)
    if result.exit_code == 0:
        assert_shown(result, out, option.flag, value)
    else:
        assert value in result.output.strip().splitlines()[-1]  # the error quotes what was typed, unaltered
