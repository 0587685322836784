"""`nnlessons new ID`: the package it writes installs with pip, is listed, runs, and passes its own tests.

The package is installed for real but outside the shared environment:
``pip install --no-deps --no-build-isolation --target <tmp>/site <package>``, then every
command runs in a subprocess with ``PYTHONPATH=<tmp>/site``, where nnlessons finds the
lesson through the entry point pip wrote into the package's dist-info.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from demo_plugins import CountingLesson
from nnlessons.cli import cli
from nnlessons.registry import LessonRegistry
from nnlessons.scaffold import FILES, Names, render

ROOT = Path(__file__).resolve().parents[1]
LESSON_ID = "demo-new-lesson"
MODULE = "nnlessons_demo_new_lesson"


def env_with(site: Path) -> dict[str, str]:
    path = os.pathsep.join(p for p in (str(site), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, "COLUMNS": "200"}


@pytest.fixture(scope="module")
def made(tmp_path_factory) -> dict[str, object]:
    """Run `nnlessons new`, then pip-install the package into a private site folder."""
    root = tmp_path_factory.mktemp("new-lesson")
    package = root / "pkg"
    result = CliRunner().invoke(cli, ["new", LESSON_ID, "--dir", str(package)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    site = root / "site"
    pip = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "--target", str(site), str(package)],
        capture_output=True, text=True, timeout=300,
    )
    assert pip.returncode == 0, pip.stdout + pip.stderr
    return {"root": root, "package": package, "site": site, "output": result.output}


def nnlessons(site: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "nnlessons", *args], env=env_with(site),
                          capture_output=True, text=True, timeout=300)


def test_new_writes_the_package_and_says_what_to_do_next(made):
    package = made["package"]
    written = sorted(p.relative_to(package).as_posix() for p in package.rglob("*")
                     if p.is_file() and "build" not in p.parts and ".egg-info" not in str(p))
    assert written == sorted(path.format(module=MODULE) for path, _, _ in FILES)
    output = made["output"]
    for relative in written:
        assert relative in output
    assert "pip install -e" in output and f"nnlessons run {LESSON_ID} --quick" in output
    pyproject = (package / "pyproject.toml").read_text()
    assert f'name = "nnlessons-{LESSON_ID}"' in pyproject
    assert f'[project.entry-points."nnlessons.lessons"]\n{LESSON_ID} = "{MODULE}"' in pyproject
    assert re.search(r'"nnlessons>=[\d.]+,<\d+"', pyproject)


def test_installed_package_is_listed_and_not_broken(made):
    result = nnlessons(made["site"], "list", "--json")
    assert result.returncode == 0, result.stderr
    lessons = {entry["id"]: entry for entry in json.loads(result.stdout)}
    lesson = lessons[LESSON_ID]
    assert lesson["broken"] is False, lesson["error"]
    assert lesson["source"] == MODULE
    assert lesson["title"] == "Demo new lesson"
    assert {o["flag"] for o in lesson["options"]} == {"--lr", "--steps", "--points", "--x-min", "--x-max"}


def test_installed_lesson_runs_and_its_claims_hold(made):
    out = made["root"] / "out"
    result = nnlessons(made["site"], "run", LESSON_ID, "--quick", "--device", "cpu", "--out", str(out))
    assert result.returncode == 0, result.stderr
    record = json.loads((out / "run.json").read_text())
    assert record["status"] == "ok" and record["params"]["steps"] == 20  # the Option's quick value
    metrics = record["metrics"]
    assert metrics["max_abs_grad_diff"] < 1e-6  # hand-derived gradient == autograd
    assert abs(metrics["final_weight"] - 2) < 1e-2  # y = 2x: w reaches 2
    assert metrics["final_loss"] < 1e-4
    assert (out / "loss.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "dL/dw autograd" in result.stdout


def test_the_package_passes_its_own_tests(made):
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(made["package"])],
        cwd=made["root"], env=env_with(made["site"]), capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"\b8 passed\b", result.stdout), result.stdout


def test_the_packages_tests_use_only_the_documented_fixtures():
    """No nnlessons internals in the new lesson's tests: the fixtures of nnlessons.testing cover each case."""
    test = render(Names.of("my-lesson"))["tests/test_nnlessons_my_lesson.py"]
    imported = set(re.findall(r"^(?:from|import) (\S+)", test, flags=re.M))
    assert imported == {"__future__", "nnlessons_my_lesson", "nnlessons_my_lesson.exercises"}
    for fixture in ("run_lesson", "expect_usage_error", "check_device_placement", "check_exercise"):
        assert f"({fixture})" in test, fixture
    assert 'message="--x-min 2 is not below --x-max 1"' in test  # the nnlessons_check_params rule


def test_installed_lessons_exercise_is_practised_and_checked(made):
    """A third-party lesson's exercise works in practice/check/hint with no change to nnlessons."""
    workspace = made["root"] / "ws"
    result = nnlessons(made["site"], "practice", LESSON_ID, "--workspace", str(workspace))
    assert result.returncode == 0, result.stderr
    mine = workspace / LESSON_ID / "gradient_by_hand.py"
    assert "NotImplementedError" in mine.read_text()
    result = nnlessons(made["site"], "check", f"{LESSON_ID}/gradient-by-hand", "--workspace", str(workspace))
    assert result.returncode == 1 and "not implemented yet" in result.stdout
    mine.write_text("def gradient_by_hand(w, x, y):\n    return (2 * x * (w * x - y)).mean()\n")
    result = nnlessons(made["site"], "check", f"{LESSON_ID}/gradient-by-hand", "--workspace", str(workspace))
    assert result.returncode == 0, result.stdout + result.stderr
    result = nnlessons(made["site"], "hint", f"{LESSON_ID}/gradient-by-hand", "--workspace", str(workspace))
    assert "Hint 1 of 3" in result.stdout


def test_lesson_module_imports_nothing_heavy_and_explains_itself(made):
    probe = (f"import sys, {MODULE}; heavy = {{'torch', 'matplotlib', 'numpy'}} & set(sys.modules); "
             "print(sorted(heavy))")
    result = subprocess.run([sys.executable, "-c", probe], env=env_with(made["site"]), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
    explain = nnlessons(made["site"], "explain", LESSON_ID)
    assert explain.returncode == 0, explain.stderr
    for section in ("The idea", "The formula", "What to look at in the output", "Pitfalls"):
        assert section in explain.stdout


def test_the_lesson_page_is_a_real_page():
    source = render(Names.of("my-lesson"))["nnlessons_my_lesson/__init__.py"]
    doc = source.split('"""')[1]
    assert doc.splitlines()[0].startswith("My lesson: ")
    assert len(re.findall(r"^## ", doc, flags=re.M)) >= 4
    assert len(doc.split()) >= 250


def test_every_template_renders_with_no_placeholder_left():
    for relative, text in render(Names.of("a1-b2")).items():
        assert "${" not in text, relative
        if relative.endswith(".py"):
            compile(text, relative, "exec")
    assert Names.of("a1-b2") == Names(id="a1-b2", module="nnlessons_a1_b2", dist="nnlessons-a1-b2", title="A1 b2")


def test_templates_ship_in_the_wheel(tmp_path):
    """A non-editable install has the templates too (package data in pyproject.toml)."""
    src = tmp_path / "src"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "build")
    for name in ("nnlessons", "plugins"):
        shutil.copytree(ROOT / name, src / name, ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "-w", str(tmp_path / "dist"), str(src)],
        capture_output=True, text=True, timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    (wheel,) = (tmp_path / "dist").glob("nnlessons-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for _, template, _ in FILES:
        assert f"nnlessons/scaffold/templates/{template}" in names


# ---- bad input: exit 2, one line, nothing written --------------------------------------------


@pytest.fixture
def in_empty_folder(tmp_path, monkeypatch) -> Path:
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    return work


def invoke_new(*args: str, registry: LessonRegistry | None = None):
    obj = {"registry": registry} if registry is not None else None
    return CliRunner().invoke(cli, ["new", *args], obj=obj, env={"COLUMNS": "200"})


def files_under(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize("bad_id", ["My-Lesson", "my_lesson", "1lesson", "my--lesson", "my-lesson-", "a b", "über", ""])
def test_bad_id(in_empty_folder, bad_id):
    result = invoke_new(bad_id, registry=LessonRegistry())
    assert_one_line_error(result, "is not a valid lesson id", "lowercase letters, digits and single hyphens")
    assert files_under(in_empty_folder) == []


def test_a_300_character_id_is_refused_with_a_short_excerpt(in_empty_folder):
    result = invoke_new("a" * 300, registry=LessonRegistry())
    assert_one_line_error(result, "has 300 characters; use at most 64")
    assert "a" * 41 not in result.output  # only the start of the id is quoted
    assert files_under(in_empty_folder) == []


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_a_folder_that_cannot_be_made_is_one_line(in_empty_folder):
    result = invoke_new("fresh", "--dir", "/proc/nnlessons-fresh", registry=LessonRegistry())
    assert_one_line_error(result, "Cannot write the lesson package into '/proc/nnlessons-fresh'", "choose a writable folder with --dir")


@pytest.mark.parametrize("where", ["taken.txt/sub", "x" * 300])
def test_a_path_below_a_file_or_too_long_is_one_line(in_empty_folder, where):
    (in_empty_folder / "taken.txt").write_text("mine")
    result = invoke_new("fresh", "--dir", where, registry=LessonRegistry())
    assert_one_line_error(result, "Cannot write the lesson package into", "choose a writable folder with --dir")
    assert files_under(in_empty_folder) == ["taken.txt"]


def test_a_write_that_fails_midway_is_one_line(in_empty_folder, monkeypatch):
    from nnlessons import atomic_files

    def disk_full(path, text, encoding="utf-8"):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(atomic_files, "write_text", disk_full)
    result = invoke_new("fresh", registry=LessonRegistry())
    assert_one_line_error(result, "Cannot write the lesson package into 'nnlessons-fresh' (No space left on device)")


def test_id_of_an_installed_lesson(in_empty_folder):
    registry = LessonRegistry()
    registry.add("counting", CountingLesson(), source="demo_counting")
    result = invoke_new("counting", registry=registry)
    assert_one_line_error(result, "A lesson called 'counting' is already installed (from demo_counting)")
    assert files_under(in_empty_folder) == []


def test_id_of_a_real_installed_lesson(in_empty_folder):
    lesson_id = LessonRegistry.from_entry_points().ordered()[0].id
    assert_one_line_error(invoke_new(lesson_id), f"A lesson called {lesson_id!r} is already installed")
    assert files_under(in_empty_folder) == []


def test_id_whose_module_already_exists(in_empty_folder, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "nnlessons_taken").mkdir(parents=True)
    (elsewhere / "nnlessons_taken" / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(elsewhere))
    result = invoke_new("taken", registry=LessonRegistry())
    assert_one_line_error(result, "A Python module called 'nnlessons_taken' already exists")
    assert files_under(in_empty_folder) == []


def test_target_folder_not_empty(in_empty_folder):
    (in_empty_folder / "nnlessons-fresh").mkdir()
    (in_empty_folder / "nnlessons-fresh" / "notes.txt").write_text("mine")
    result = invoke_new("fresh", registry=LessonRegistry())
    assert_one_line_error(result, "nnlessons-fresh already exists and is not empty")
    assert files_under(in_empty_folder) == ["nnlessons-fresh", "nnlessons-fresh/notes.txt"]
    assert (in_empty_folder / "nnlessons-fresh" / "notes.txt").read_text() == "mine"


def test_target_is_a_file(in_empty_folder):
    (in_empty_folder / "taken.txt").write_text("mine")
    result = invoke_new("fresh", "--dir", "taken.txt", registry=LessonRegistry())
    assert_one_line_error(result, "taken.txt exists and is not a folder")
    assert files_under(in_empty_folder) == ["taken.txt"]


def test_default_folder_and_an_existing_empty_folder_are_fine(in_empty_folder):
    assert invoke_new("fresh", registry=LessonRegistry()).exit_code == 0
    assert (in_empty_folder / "nnlessons-fresh" / "nnlessons_fresh" / "__init__.py").is_file()
    (in_empty_folder / "empty").mkdir()
    result = invoke_new("other", "--dir", "empty", registry=LessonRegistry())
    assert result.exit_code == 0, result.output
    assert "pip install -e './empty[test]'" in result.output
    assert (in_empty_folder / "empty" / "tests" / "test_nnlessons_other.py").is_file()
