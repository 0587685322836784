"""`nnlessons docs`: which mkdocs.yml it uses, the mkdocs command line, and its errors (no real server)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from nnlessons import docs_command
from nnlessons.cli import cli

ROOT = Path(__file__).resolve().parents[1]


def make_checkout(folder: Path) -> Path:
    (folder / "nnlessons").mkdir(parents=True)
    (folder / "nnlessons" / "__init__.py").write_text("")
    (folder / "mkdocs.yml").write_text("site_name: test\n")
    return folder


@pytest.fixture
def nowhere(tmp_path, monkeypatch) -> Path:
    """The current folder is empty and nnlessons seems installed from a folder without mkdocs.yml."""
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.chdir(empty)
    monkeypatch.setattr(docs_command, "source_checkout", lambda: tmp_path / "site-packages")
    return empty


@pytest.fixture
def calls(monkeypatch) -> list[tuple[list[str], Path]]:
    """Record what would be run instead of running mkdocs; it "exits" with code 3."""
    seen: list[tuple[list[str], Path]] = []

    def fake_run(argv: list[str], cwd: Path) -> int:
        seen.append((argv, cwd))
        return 3

    monkeypatch.setattr(docs_command, "run_mkdocs", fake_run)
    return seen


def invoke(*args: str):
    return CliRunner().invoke(cli, ["docs", *args], env={"COLUMNS": "200"})


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for fragment in fragments:
        assert fragment in lines[0]


def test_serve_command_line():
    config = Path("/src/nnlessons/mkdocs.yml")
    assert docs_command.mkdocs_argv(config) == [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), "-a", "127.0.0.1:8000"]
    assert docs_command.mkdocs_argv(config, port=8123)[-1] == "127.0.0.1:8123"


def test_build_command_line(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    config = Path("/src/nnlessons/mkdocs.yml")
    assert docs_command.mkdocs_argv(config, build=Path("out")) == [
        sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(config), "--site-dir", str(tmp_path.resolve() / "out"),
    ]


def test_this_checkout_is_found_from_anywhere(tmp_path):
    assert docs_command.find_config(cwd=tmp_path) == ROOT / "mkdocs.yml"


def test_a_checkout_in_the_current_folder_comes_first(tmp_path):
    checkout = make_checkout(tmp_path / "other-clone")
    assert docs_command.find_config(cwd=checkout) == checkout.resolve() / "mkdocs.yml"


def test_another_projects_mkdocs_yml_is_not_used(tmp_path, monkeypatch):
    (tmp_path / "mkdocs.yml").write_text("site_name: someone else\n")
    installed_from = make_checkout(tmp_path / "installed-from")
    monkeypatch.setattr(docs_command, "source_checkout", lambda: installed_from)
    assert docs_command.find_config(cwd=tmp_path) == installed_from / "mkdocs.yml"


def test_no_mkdocs_yml_is_one_line_exit_2(nowhere, calls):
    result = invoke()
    assert_one_line_error(result, "No nnlessons mkdocs.yml in the current folder or in", "pip install -e '.[docs]'")
    assert calls == []


def test_mkdocs_not_installed_is_one_line_exit_2(monkeypatch, calls):
    real_find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "mkdocs" else real_find_spec(name, *a))
    result = invoke()
    assert_one_line_error(result, "The docs site needs mkdocs, which is not installed", "pip install -e '.[docs]'")
    assert calls == []


def test_serve_runs_mkdocs_in_the_checkout_and_passes_its_exit_code_through(calls):
    result = invoke("--port", "8123")
    assert result.exit_code == 3
    assert calls == [([sys.executable, "-m", "mkdocs", "serve", "-f", str(ROOT / "mkdocs.yml"), "-a", "127.0.0.1:8123"], ROOT)]
    assert "Running " in result.output and "mkdocs serve" in result.output


def test_build_runs_a_strict_build_into_the_folder(calls, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("--build", "site-out")
    assert result.exit_code == 3
    ((argv, cwd),) = calls
    assert argv[3:] == ["build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "--site-dir", str(tmp_path.resolve() / "site-out")]
    assert cwd == ROOT


@pytest.mark.parametrize("where", ["file/site", "/proc/nnlessons-site"])
def test_an_unwritable_build_folder_is_one_line_exit_2_before_mkdocs_starts(calls, tmp_path, monkeypatch, where):
    if where.startswith("/proc") and not Path("/proc/self").is_dir():
        pytest.skip("needs Linux's /proc")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("mine")
    assert_one_line_error(invoke("--build", where), f"Cannot write the docs site into '{where}'", "choose a writable folder with --build")
    assert calls == []  # mkdocs never started
    assert (tmp_path / "file").read_text() == "mine"


def test_the_build_folder_is_made_before_mkdocs_starts(calls, tmp_path):
    result = invoke("--build", str(tmp_path / "new" / "site"))
    assert result.exit_code == 3 and (tmp_path / "new" / "site").is_dir() and calls


def test_bad_port_is_exit_2(calls):
    assert invoke("--port", "0").exit_code == 2
    assert calls == []


@pytest.mark.parametrize("code", [0, 4])
def test_run_mkdocs_returns_the_exit_code(tmp_path, code):
    assert docs_command.run_mkdocs([sys.executable, "-c", f"raise SystemExit({code})"], cwd=tmp_path) == code


def test_build_into_a_folder_of_a_users_files_is_refused_before_mkdocs_empties_it(tmp_path):
    from nnlessons.docs_command import check_build_folder
    from nnlessons.errors import LessonInputError

    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "thesis.tex").write_text("years of work")
    with pytest.raises(LessonInputError, match="holds files \\('thesis.tex'\\) and no earlier docs build"):
        check_build_folder(folder)
    assert (folder / "thesis.tex").read_text() == "years of work"
    earlier = tmp_path / "site"
    earlier.mkdir()
    for name in ("index.html", "sitemap.xml", "extra.css"):
        (earlier / name).write_text("x")
    check_build_folder(earlier)  # an earlier build may be rebuilt
