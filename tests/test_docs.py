"""The docs site: built once with `mkdocs build --strict`, then checked on its HTML.

Every installed lesson has a generated page with its docstring, its options table and
at least one image of its real output; every hook is documented; the CLI reference is
the commands' own help; no link points to a missing page or anchor; and a lesson from
another package gets its page with no edit to the docs.
"""

from __future__ import annotations

import html
import inspect
import os
import re
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click
import pytest
from installed_package import make_package

from nnlessons import hookspecs
from nnlessons.cli import cli
from nnlessons.registry import LessonRegistry

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted(p.name for p in (ROOT / "plugins").iterdir() if p.name.startswith("nnlessons_"))
HOOKS = sorted(name for name in vars(hookspecs) if name.startswith("nnlessons_"))


class Page(HTMLParser):
    """What the tests need from one HTML page: links, images, element ids, text, tables, terminal blocks."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.links: list[str] = []
        self.images: list[str] = []
        self.ids: set[str] = set()
        self.tables: list[list[str]] = []  # header cells of each table
        self.terminal_blocks = 0
        self._chunks: list[str] = []
        self._in_th = False
        self.feed(path.read_text())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if tag == "img" and a.get("src"):
            self.images.append(a["src"])
        if tag == "table":
            self.tables.append([])
        if tag == "th":
            self._in_th = True
            self.tables[-1].append("")
        if tag == "pre" and "nnl-terminal" in (a.get("class") or ""):
            self.terminal_blocks += 1

    def handle_endtag(self, tag: str) -> None:
        if tag == "th":
            self._in_th = False

    def handle_data(self, data: str) -> None:
        self._chunks.append(data)
        if self._in_th and self.tables:
            self.tables[-1][-1] += data.strip()

    @property
    def text(self) -> str:
        return " ".join("".join(self._chunks).split())


def build_site(out: Path, **env: str) -> tuple[subprocess.CompletedProcess, float]:
    """mkdocs build --strict; MNIST lessons find no data and download nothing (they show their data-free part)."""
    offline = {"NNLESSONS_DATA_DIR": str(out.parent / f"{out.name}-no-mnist"), "NNLESSONS_DOWNLOAD": "0"}
    start = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=900, env={**os.environ, **offline, **env})
    return result, time.perf_counter() - start


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result, seconds = build_site(out)
    assert result.returncode == 0, result.stderr[-3000:]
    print(f"\nmkdocs build --strict: {seconds:.1f} s, {len(list(out.rglob('index.html')))} pages")
    return out


@pytest.fixture(scope="module")
def pages(site) -> dict[Path, Page]:
    return {path: Page(path) for path in site.rglob("*.html")}


def installed_lessons():
    return [lesson for lesson in LessonRegistry.from_entry_points().ordered() if not lesson.broken]


def first_line(lesson) -> str:
    line = inspect.getdoc(lesson.plugin).splitlines()[0].strip().lstrip("# ")
    return " ".join(re.sub(r"[`*]", "", line).split())  # Markdown marks become tags, which the parser drops


def test_every_bundled_package_is_an_installed_lesson():
    assert sorted(lesson.plugin.__name__ for lesson in installed_lessons() if lesson.plugin.__name__ in BUNDLED) == BUNDLED


@pytest.mark.parametrize("lesson", installed_lessons(), ids=lambda l: l.id)
def test_lesson_docstring_is_a_real_page(lesson):
    doc = inspect.getdoc(lesson.plugin) or ""
    assert len(doc.split()) >= 300, f"{lesson.id}: the lesson page is too short"
    assert len(re.findall(r"^## ", doc, flags=re.M)) >= 3, f"{lesson.id}: give the page sections"
    assert "notes" in doc.lower(), f"{lesson.id}: say where the course notes are wrong or what they leave out"


@pytest.mark.parametrize("lesson", installed_lessons(), ids=lambda l: l.id)
def test_lesson_page_has_its_docstring_options_and_output(site, pages, lesson):
    path = site / "lessons" / lesson.id / "index.html"
    assert path.exists(), f"no page for installed lesson {lesson.id}"
    page = pages[path]
    assert first_line(lesson)[:60] in page.text, "the page does not show the lesson's docstring"
    assert lesson.info.title in page.text

    options = [t for t in page.tables if t[:4] == ["option", "type", "default", "--quick"]]
    assert len(options) == 1, f"expected one options table, found headers {page.tables}"
    for option in lesson.info.options:
        assert option.flag in page.text and option.help[:40] in page.text
        assert f"Allowed: {option.describe_range()}." in page.text or not option.describe_range()

    assert page.terminal_blocks == 1, "the page should show the terminal output of its quick run"
    output_images = [src for src in page.images if src.startswith("output/") and src.endswith(".png")]
    assert output_images, f"{lesson.id}: no image of the run's output on its page"
    for src in output_images:
        assert (path.parent / src).stat().st_size > 1000, f"{src} is missing or empty"


def test_terminal_output_keeps_its_colours(site, pages):
    text = (site / "lessons" / "cnn-shapes" / "index.html").read_text()
    block = text[text.index('<pre class="nnl-terminal">'):]
    block = block[:block.index("</pre>")]
    assert "Run settings" in html.unescape(block)
    assert re.search(r'<span style="[^"]*color: #', block), "rich's colours were lost"
    assert "\x1b[" not in block, "raw ANSI escape codes leaked into the page"


def test_home_page_lists_every_lesson_with_a_link(site, pages):
    home = pages[site / "index.html"]
    for lesson in installed_lessons():
        assert f"lessons/{lesson.id}/" in home.links, f"the home table does not link {lesson.id}"
        assert lesson.info.summary[:40] in home.text
    readme = (ROOT / "README.md").read_text()
    for command in re.findall(r"^python3\.11 -m venv .*$", readme, flags=re.M):
        assert command in home.text, "the home page should show the README's commands"
    assert home.terminal_blocks == 1, "the tour shows the real output of `nnlessons list`"


def test_every_hook_is_documented(site, pages):
    page = pages[site / "hooks" / "index.html"]
    for name in HOOKS:
        assert f"nnlessons.hookspecs.{name}" in page.ids, f"{name} has no section on the hook reference page"
        summary = inspect.getdoc(getattr(hookspecs, name)).split("\n\n")[0]
        assert " ".join(re.sub(r"[`*]", "", summary).split())[:50] in page.text


def test_cli_reference_is_the_commands_own_help(site, pages):
    page = pages[site / "cli" / "index.html"]
    text = html.unescape(re.sub(r"<[^>]+>", "", (site / "cli" / "index.html").read_text()))
    root = click.Context(cli, info_name="nnlessons")
    commands = [(cli, root)]
    for name in cli.list_commands(root):
        command = cli.get_command(root, name)
        context = click.Context(command, info_name=name, parent=root)
        commands.append((command, context))
        if isinstance(command, click.Group):
            commands += [(command.get_command(context, sub), click.Context(command.get_command(context, sub), info_name=sub, parent=context))
                         for sub in command.list_commands(context)]
    assert len(commands) >= 6 + len(installed_lessons())
    for command, context in commands:
        usage = command.get_usage(context)
        assert usage in text, f"`{context.command_path}` has no --help on the CLI page"
        for param in command.get_params(context):
            for opt in getattr(param, "opts", []):
                if opt.startswith("-"):
                    assert opt in page.text, f"{opt} of `{context.command_path}` is missing from the CLI page"


def test_api_reference_documents_the_run_context(site, pages):
    page = pages[site / "api" / "index.html"]
    for name in ("RunContext", "LessonInfo", "Option", "LessonInputError", "table", "save_figure", "progress", "layer_table"):
        assert name in page.text


def resolve(page: Page, site: Path, href: str) -> tuple[Path, str] | None:
    """The file and anchor an internal link points to; None for links leaving the site."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or href.startswith("mailto:"):
        return None
    if not parts.path:
        target = page.path
    elif parts.path.startswith("/"):  # 404.html links from the site root
        target = site / unquote(parts.path).lstrip("/")
    else:
        target = (page.path.parent / unquote(parts.path)).resolve()
    if target.is_dir() or parts.path.endswith("/"):
        target = target / "index.html"
    return target, parts.fragment


def test_no_page_links_to_a_missing_page_or_anchor(site, pages):
    broken = []
    for page in pages.values():
        for href in page.links + page.images:
            resolved = resolve(page, site, href)
            if resolved is None:
                continue
            target, anchor = resolved
            if not target.exists():
                broken.append(f"{page.path.relative_to(site)} -> {href} (no such file)")
            elif anchor and target.suffix == ".html" and anchor not in pages[target].ids:
                broken.append(f"{page.path.relative_to(site)} -> {href} (no such anchor)")
    assert not broken, "\n".join(broken)


def test_a_lesson_made_with_nnlessons_new_gets_its_page_with_no_edit_to_the_docs(tmp_path):
    from nnlessons.scaffold import Names, render

    names = Names.of("outside-lesson")
    module_source = render(names)[f"{names.module}/__init__.py"]
    make_package(tmp_path / "site-packages", names.module, names.module, module_source, names.id)  # dist-info names use "_"
    result, _ = build_site(tmp_path / "site", PYTHONPATH=str(tmp_path / "site-packages"), NNLESSONS_DOCS_OUTPUTS=names.id)
    assert result.returncode == 0, result.stderr[-3000:]

    page = Page(tmp_path / "site" / "lessons" / names.id / "index.html")
    assert "fit y = 2x with one weight, and check the gradient by hand." in page.text
    assert "--steps" in page.text and "--lr" in page.text
    assert page.terminal_blocks == 1 and "output/loss.png" in page.images
    assert (tmp_path / "site" / "lessons" / names.id / "output" / "loss.png").stat().st_size > 1000
    assert f"lessons/{names.id}/" in Page(tmp_path / "site" / "index.html").links
    # lessons not run in this build say so instead of showing stale output
    assert "Not run for this build" in Page(tmp_path / "site" / "lessons" / "cnn-shapes" / "index.html").text


def test_lesson_writing_guide_shows_the_files_nnlessons_new_writes(site, pages):
    from nnlessons.scaffold import Names, render

    page = pages[site / "writing-a-lesson" / "index.html"]
    text = html.unescape(re.sub(r"<[^>]+>", "", (site / "writing-a-lesson" / "index.html").read_text()))
    for path, content in render(Names.of("my-lesson")).items():
        if path.endswith((".py", ".toml")):
            assert content.strip() in text, f"the guide does not show the {path} that `nnlessons new` writes"
    assert "../hooks/" in page.links and any(link.startswith("../api/#") for link in page.links)


def test_no_page_shows_raw_sphinx_roles(pages):
    leaks = [f"{path.name} in {path.parent.name}" for path, page in pages.items()
             if re.search(r":(?:class|func|meth|attr|mod):`", page.text)]
    assert not leaks, f"Sphinx roles are not rendered by mkdocstrings' Markdown; use [`Name`][dotted.path]: {leaks}"


def test_a_broken_lesson_plugin_is_listed_as_broken_and_fails_only_a_strict_build(tmp_path):
    make_package(tmp_path / "site-packages", "nnlessons_broken", "nnlessons_broken", "import no_such_module\n", "broken")
    env = {"PYTHONPATH": str(tmp_path / "site-packages"), "NNLESSONS_DOCS_OUTPUTS": "none"}
    strict, _ = build_site(tmp_path / "strict", **env)
    assert strict.returncode != 0 and "lesson plugin broken is broken" in strict.stderr
    relaxed = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--site-dir", str(tmp_path / "relaxed")],
                             cwd=ROOT, capture_output=True, text=True, timeout=300, env={**os.environ, **env})
    assert relaxed.returncode == 0, relaxed.stderr[-2000:]
    home = Page(tmp_path / "relaxed" / "index.html")
    assert "broken (broken)" in home.text and "No module named 'no_such_module'" in home.text
    assert (tmp_path / "relaxed" / "lessons" / "cnn-shapes" / "index.html").exists()


@pytest.mark.parametrize("lesson", installed_lessons(), ids=lambda l: l.id)
def test_lesson_page_lists_its_exercises_with_hints_but_never_the_solution(site, lesson):
    from nnlessons.practice import catalog

    entries = catalog.exercises_of(LessonRegistry.from_entry_points(), lesson)
    text = html.unescape(re.sub(r"<[^>]+>", "", (site / "lessons" / lesson.id / "index.html").read_text()))
    for entry in entries:
        exercise = entry.exercise
        assert entry.full_id in text and exercise.title in text
        assert exercise.task().splitlines()[0] in text, f"{entry.full_id}: the task is not on the page"
        for hint in exercise.hints:
            assert " ".join(hint.split())[:50] in " ".join(text.split()), f"{entry.full_id}: a hint is missing"
        starter = set(exercise.starter_text().splitlines())
        only_in_solution = [line for line in exercise.solution_text().splitlines()
                            if line.strip() and line not in starter and not line.strip().startswith(("#", '"""', "import", "from"))
                            and len(line.strip()) > 12]
        leaked = [line for line in only_in_solution if line.strip() in text and line.strip() not in " ".join(exercise.hints)]
        assert not leaked, f"{entry.full_id}: the page shows solution code {leaked[:2]}"
