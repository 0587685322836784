"""`nnlessons docs`: which mkdocs.yml it uses, the mkdocs command line, its errors, and how --build
replaces only a folder that is new, empty or an earlier build (no real server, no real build)."""

from __future__ import annotations

import importlib.util
import json
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


def test_build_runs_a_strict_build_into_a_new_folder_beside_the_one_asked(calls, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = invoke("--build", "site-out")
    assert result.exit_code == 3
    ((argv, cwd),) = calls
    assert argv[3:8] == ["build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "--site-dir"]
    building = Path(argv[8])
    assert building.parent == tmp_path.resolve() and building.name.startswith(".site-out.building-")
    assert cwd == ROOT
    assert list(tmp_path.iterdir()) == []  # the failed build left nothing: no site-out, no folder beside it


@pytest.mark.parametrize("where", ["file/site", "/proc/nnlessons-site"])
def test_an_unwritable_build_folder_is_one_line_exit_2_before_mkdocs_starts(calls, tmp_path, monkeypatch, where):
    if where.startswith("/proc") and not Path("/proc/self").is_dir():
        pytest.skip("needs Linux's /proc")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "file").write_text("mine")
    assert_one_line_error(invoke("--build", where), f"Cannot write the docs site into '{where}'", "choose a writable folder with --build")
    assert calls == []  # mkdocs never started
    assert (tmp_path / "file").read_text() == "mine"


def test_bad_port_is_exit_2(calls):
    assert invoke("--port", "0").exit_code == 2
    assert calls == []


@pytest.mark.parametrize("code", [0, 4])
def test_run_mkdocs_returns_the_exit_code(tmp_path, code):
    assert docs_command.run_mkdocs([sys.executable, "-c", f"raise SystemExit({code})"], cwd=tmp_path) == code


# ---- --build replaces only a new, empty or earlier-build folder ----------------------------------

@pytest.fixture
def builds(monkeypatch) -> list[list[str]]:
    """A fake mkdocs build that succeeds: each writes a small site (pages named by the build's number)."""
    seen: list[list[str]] = []

    def fake_run(argv: list[str], cwd: Path) -> int:
        site = Path(argv[argv.index("--site-dir") + 1])
        seen.append(sorted(p.name for p in site.iterdir()))  # what mkdocs found there: nothing, always
        (site / "assets").mkdir()
        for name in ("index.html", "sitemap.xml", "assets/app.js", f"page-{len(seen)}.html"):
            (site / name).write_text(f"build {len(seen)}")
        return 0

    monkeypatch.setattr(docs_command, "run_mkdocs", fake_run)
    return seen


def site_files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_a_build_writes_the_site_and_the_list_of_its_files(builds, tmp_path):
    result = invoke("--build", str(tmp_path / "site"))
    assert result.exit_code == 0, result.output
    files = site_files(tmp_path / "site")
    assert sorted(files) == [".nnlessons-build.json", "assets/app.js", "index.html", "page-1.html", "sitemap.xml"]
    assert json.loads(files[".nnlessons-build.json"])["files"] == ["assets/app.js", "index.html", "page-1.html", "sitemap.xml"]
    assert [p.name for p in tmp_path.iterdir()] == ["site"]  # nothing left beside it


def test_a_build_replaces_an_earlier_build_or_an_empty_folder(builds, tmp_path):
    (tmp_path / "site").mkdir()
    assert invoke("--build", str(tmp_path / "site")).exit_code == 0
    assert invoke("--build", str(tmp_path / "site")).exit_code == 0
    files = site_files(tmp_path / "site")
    assert "page-1.html" not in files and files["page-2.html"] == "build 2"  # the earlier build is gone as a whole
    assert builds == [[], []] and [p.name for p in tmp_path.iterdir()] == ["site"]


def test_build_never_empties_a_folder_of_a_users_files_that_looks_like_a_site(calls, tmp_path):
    folder = tmp_path / "site"
    (folder / "photos").mkdir(parents=True)
    for name in ("index.html", "sitemap.xml", "notes.txt", "photos/cat.jpg"):
        (folder / name).write_text("mine")
    assert_one_line_error(invoke("--build", str(folder)),
                          f"The folder '{folder}' holds files ('index.html', 'notes.txt', 'photos' and 2 more)",
                          "that no earlier 'nnlessons docs --build' made", "choose a new or empty folder with --build")
    assert calls == [] and site_files(folder) == dict.fromkeys(["index.html", "notes.txt", "photos/cat.jpg", "sitemap.xml"], "mine")


@pytest.mark.parametrize("change", ["a file added", "an empty folder added", "a built file made a link", "a record of another list"])
def test_an_earlier_build_with_anything_it_did_not_make_is_refused(builds, tmp_path, change):
    folder = tmp_path / "site"
    assert invoke("--build", str(folder)).exit_code == 0
    if change == "a file added":
        (folder / "assets" / "notes.txt").write_text("mine")
    elif change == "an empty folder added":
        (folder / "drafts").mkdir()
    elif change == "a built file made a link":
        (folder / "page-1.html").unlink()
        (folder / "page-1.html").symlink_to(tmp_path / "elsewhere.html")
    else:
        (folder / ".nnlessons-build.json").write_text(json.dumps({"files": ["index.html"]}))
    before = {p: p.is_symlink() for p in folder.rglob("*")}
    assert_one_line_error(invoke("--build", str(folder)), "that no earlier 'nnlessons docs --build' made")
    assert len(builds) == 1 and {p: p.is_symlink() for p in folder.rglob("*")} == before


def test_a_symlink_as_the_build_folder_is_refused(calls, tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert_one_line_error(invoke("--build", str(tmp_path / "link")), "is a symbolic link")
    assert calls == [] and (tmp_path / "link").is_symlink()


def test_a_failed_build_leaves_the_earlier_one_as_it_was(builds, tmp_path, monkeypatch):
    folder = tmp_path / "site"
    assert invoke("--build", str(folder)).exit_code == 0
    before = site_files(folder)
    monkeypatch.setattr(docs_command, "run_mkdocs", lambda argv, cwd: 1)
    assert invoke("--build", str(folder)).exit_code == 1
    assert site_files(folder) == before and [p.name for p in tmp_path.iterdir()] == ["site"]


def test_files_added_to_the_folder_while_it_builds_stop_the_swap(tmp_path, monkeypatch):
    folder = tmp_path / "site"
    folder.mkdir()

    def slow_build(argv: list[str], cwd: Path) -> int:
        (Path(argv[argv.index("--site-dir") + 1]) / "index.html").write_text("new")
        (folder / "notes.txt").write_text("written meanwhile")
        return 0

    monkeypatch.setattr(docs_command, "run_mkdocs", slow_build)
    result = invoke("--build", str(folder))
    assert result.exit_code == 2 and result.output.strip().splitlines()[-1].startswith(f"Error: The folder '{folder}' holds files ('notes.txt')")
    assert site_files(folder) == {"notes.txt": "written meanwhile"} and [p.name for p in tmp_path.iterdir()] == ["site"]
