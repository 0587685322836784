"""The course as a whole: the lessons' order, the README's first command, and the page about the notes they cite."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import yaml

from nnlessons.registry import LessonRegistry

ROOT = Path(__file__).resolve().parent.parent
NOTES = ("000", "001", "002", "003", "004")
BUNDLED = ("gd-variants", "manual-grad", "optimizers", "classification", "dataset-dataloader", "save-load",
           "cnn-shapes", "mnist-mlp", "generalization", "cnn-mnist", "lstm-mnist")


@pytest.fixture(scope="module")
def course() -> list:
    """The installed lessons in course order (what `nnlessons list` shows)."""
    return [lesson for lesson in LessonRegistry.from_entry_points().ordered() if not lesson.broken]


def position(course: list, lesson_id: str) -> int:
    return [lesson.id for lesson in course].index(lesson_id)


def test_each_lesson_comes_after_what_it_builds_on(course: list) -> None:
    # one weight and three batch sizes before a 14 -> 128 -> 1 network trained by hand
    assert position(course, "gd-variants") < position(course, "manual-grad")
    # sigmoid + BCE and softmax + cross-entropy are explained before the lesson that uses them
    assert position(course, "classification") < position(course, "dataset-dataloader")
    assert course[0].id == "gd-variants"
    assert position(course, "cnn-shapes") < position(course, "mnist-mlp") < position(course, "lstm-mnist")
    # validation and over-fitting on the network of mnist-mlp, before the CNNs
    assert position(course, "mnist-mlp") < position(course, "generalization") < position(course, "cnn-mnist")


def test_the_readmes_first_command_runs_the_first_lesson(course: list) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    first_block = readme.split("Set up and run the first lesson", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    assert first_block.strip().endswith(f"nnlessons run {course[0].id}")


def test_the_notes_page_describes_each_cited_note_and_is_in_the_nav() -> None:
    page = (ROOT / "docs" / "notes.md").read_text(encoding="utf-8")
    rows = {match.group(1) for match in re.finditer(r"^\| (\d{3}) \|", page, re.MULTILINE)}
    assert rows == set(NOTES)
    assert {"The course notes": "notes.md"} in yaml.safe_load(nav_text())
    assert "docs/notes.md" in (ROOT / "README.md").read_text(encoding="utf-8")


def nav_text() -> str:
    """The `nav:` block of mkdocs.yml (the rest of the file has tags plain YAML cannot read)."""
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    block = re.search(r"^nav:\n((?:[ #].*\n)+)", text, re.MULTILINE)
    assert block, "mkdocs.yml has no nav block"
    return block.group(1)


@pytest.mark.parametrize("lesson_id", BUNDLED)
def test_every_cited_note_is_one_of_the_five_and_each_page_corrects_them(lesson_id: str) -> None:
    page = lesson_page(lesson_id)
    assert set(re.findall(r"\b[Nn]otes? (\d{3})\b", " ".join(page.split()))) <= set(NOTES)
    assert re.search(r"## Where the (course )?notes are wrong", page)


def lesson_page(lesson_id: str) -> str:
    """The lesson's docstring: its page."""
    return importlib.import_module("nnlessons_" + lesson_id.replace("-", "_")).__doc__
