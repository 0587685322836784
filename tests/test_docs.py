"""The docs site: built once with `mkdocs build --strict`, then checked on its HTML.

Every installed lesson has a generated page with its docstring, its options table and
its real output step by step (a heading per step, then the plots that step saved, with
their captions); every hook is documented; the CLI reference is the commands' own help;
no link points to a missing page or anchor; a lesson from another package gets its page
with no edit to the docs. The site works offline: nothing is loaded from another host and
every formula is MathML made while building; no page shows the build machine's paths.
How the pages look in a browser (no sideways scrolling at 390 px, no request leaving the
machine) is tests/test_docs_browser.py.
"""

from __future__ import annotations

import html
import inspect
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click
import pytest
from docs_site import build_site, full_site
from installed_package import make_package
from mnist_fixtures import write_tiny_mnist

from nnlessons import hookspecs
from nnlessons.cli import cli
from nnlessons.registry import LessonRegistry

ROOT = Path(__file__).resolve().parents[1]
HOOKS_DIR = ROOT / "docs" / "hooks"
BUNDLED = sorted(p.name for p in (ROOT / "plugins").iterdir() if p.name.startswith("nnlessons_"))
HOOKS = sorted(name for name in vars(hookspecs) if name.startswith("nnlessons_"))


#: what a page loads: (tag, attribute) pairs whose URL the browser fetches by itself
LOADED = {("script", "src"), ("img", "src"), ("source", "src"), ("iframe", "src"), ("embed", "src"), ("video", "src"),
          ("audio", "src"), ("link", "href")}
LINKS_THAT_ARE_NOT_LOADED = {"canonical", "alternate", "next", "prev", "author", "license"}


class Page(HTMLParser):
    """What the tests need from one HTML page: links, images, element ids, text, tables, terminal blocks,
    what it loads, and the order of its headings, terminal blocks and figures (`blocks`)."""

    def __init__(self, path: Path) -> None:
        super().__init__()
        self.path = path
        self.links: list[str] = []
        self.images: list[str] = []
        self.loads: list[str] = []  # every URL the page makes the browser fetch
        self.ids: set[str] = set()
        self.tables: list[list[str]] = []  # header cells of each table
        self.terminal_blocks = 0
        self.blocks: list[tuple] = []  # ("h3", id, text) | ("terminal", text) | ("img", src, alt) | ("figcaption", text)
        self.toc_links: list[str] = []  # the table of contents' anchors
        self.code_text: list[str] = []  # text inside <code> (left out of `prose`)
        self._chunks: list[str] = []
        self._prose: list[str] = []
        self._open: list[tuple[str, list[str]]] = []  # (what, its text) for h3, terminal, figcaption being read
        self._in_th = False
        self._code_depth = 0
        self._toc_depth = 0
        self.feed(path.read_text())

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        classes = (a.get("class") or "").split()
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
            if self._toc_depth:
                self.toc_links.append(a["href"])
        if tag == "img" and a.get("src"):
            self.images.append(a["src"])
            self.blocks.append(("img", a["src"], a.get("alt") or ""))
        if (tag, "src") in LOADED and a.get("src"):
            self.loads.append(a["src"])
        if tag == "link" and a.get("href") and not LINKS_THAT_ARE_NOT_LOADED & set((a.get("rel") or "").split()):
            self.loads.append(a["href"])
        if tag == "table":
            self.tables.append([])
        if tag == "th":
            self._in_th = True
            self.tables[-1].append("")
        if tag == "nav" and "md-nav--secondary" in classes:
            self._toc_depth = 1
        elif tag == "nav" and self._toc_depth:
            self._toc_depth += 1
        if tag == "code":
            self._code_depth += 1
            self.code_text.append("")
        if tag == "pre" and "nnl-terminal" in classes:
            self.terminal_blocks += 1
            self._open.append(("terminal", []))
        if tag == "h3" and a.get("id"):
            self._open.append((f"h3:{a['id']}", []))
        if tag == "figcaption":
            self._open.append(("figcaption", []))

    def handle_endtag(self, tag: str) -> None:
        if tag == "th":
            self._in_th = False
        if tag == "nav" and self._toc_depth:
            self._toc_depth -= 1
        if tag == "code" and self._code_depth:
            self._code_depth -= 1
        closing = {"pre": "terminal", "h3": "h3:", "figcaption": "figcaption"}.get(tag)
        if closing and self._open and self._open[-1][0].startswith(closing):
            what, text = self._open.pop()
            joined = " ".join("".join(text).split())
            if what.startswith("h3:"):
                self.blocks.append(("h3", what[3:], joined.rstrip("¶").strip()))
            else:
                self.blocks.append((what, joined))

    def handle_data(self, data: str) -> None:
        self._chunks.append(data)
        if self._code_depth:
            self.code_text[-1] += data
        else:
            self._prose.append(data)
        for _, text in self._open:
            text.append(data)
        if self._in_th and self.tables:
            self.tables[-1][-1] += data.strip()

    @property
    def text(self) -> str:
        return " ".join("".join(self._chunks).split())

    @property
    def prose(self) -> str:
        """The page's text outside <code>: what a reader sees as typeset text."""
        return " ".join("".join(self._prose).split())


def page_path(site: Path, name: str) -> Path:
    """The file of a page: the offline plugin makes plain .html files (links work opened from disk)."""
    return site / f"{name}.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return full_site(tmp_path_factory)


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
    path = page_path(site, f"lessons/{lesson.id}")
    assert path.exists(), f"no page for installed lesson {lesson.id}"
    page = pages[path]
    assert first_line(lesson)[:60] in page.text, "the page does not show the lesson's docstring"
    assert lesson.info.title in page.text

    options = [t for t in page.tables if t[:4] == ["option", "type", "default", "--quick"]]
    assert len(options) == (1 if lesson.info.options else 0), f"expected one options table, found headers {page.tables}"
    for option in lesson.info.options:
        assert option.flag in page.text and option.help[:40] in page.text
        assert f"Allowed: {option.describe_range()}." in page.text or not option.describe_range()

    assert page.terminal_blocks >= 2, "the page should show the terminal output of its quick run, step by step"
    output_images = [src for src in page.images if src.startswith(f"{lesson.id}/output/") and src.endswith(".png")]
    assert output_images, f"{lesson.id}: no image of the run's output on its page"
    for src in output_images:
        assert (path.parent / src).stat().st_size > 1000, f"{src} is missing or empty"


def test_terminal_output_keeps_its_colours(site, pages):
    text = page_path(site, "lessons/cnn-shapes").read_text()
    block = text[text.index('<pre class="nnl-terminal">'):]
    block = block[:block.index("</pre>")]
    assert "Run settings" in html.unescape(block)
    assert re.search(r'<span style="[^"]*color: #', block), "rich's colours were lost"
    assert "\x1b[" not in block, "raw ANSI escape codes leaked into the page"


def test_home_page_lists_every_lesson_with_a_link(site, pages):
    home = pages[site / "index.html"]
    for lesson in installed_lessons():
        assert f"lessons/{lesson.id}.html" in home.links, f"the home table does not link {lesson.id}"
        assert lesson.info.summary[:40] in home.text
    readme = (ROOT / "README.md").read_text()
    for command in re.findall(r"^python3\.11 -m venv .*$", readme, flags=re.M):
        assert command in home.text, "the home page should show the README's commands"
    assert home.terminal_blocks == 1, "the tour shows the real output of `nnlessons run cnn-shapes --help`"
    assert "--random-cases" in home.text
    assert len(home.tables) == 1, "the lessons are listed once (the table), not also as `nnlessons list` output"


def test_every_hook_is_documented(site, pages):
    page = pages[page_path(site, "hooks")]
    for name in HOOKS:
        assert f"nnlessons.hookspecs.{name}" in page.ids, f"{name} has no section on the hook reference page"
        summary = inspect.getdoc(getattr(hookspecs, name)).split("\n\n")[0]
        assert " ".join(re.sub(r"[`*]", "", summary).split())[:50] in page.text


def test_cli_reference_is_the_commands_own_help(site, pages):
    page = pages[page_path(site, "cli")]
    text = html.unescape(re.sub(r"<[^>]+>", "", page_path(site, "cli").read_text()))
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
    page = pages[page_path(site, "api")]
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


OUTSIDE_LESSON = "outside-lesson"
MNIST_LESSONS = ("mnist-mlp", "lstm-mnist")


@pytest.fixture(scope="module")
def partial_site(tmp_path_factory) -> Path:
    """A second build that runs only a lesson from another package and the MNIST lessons, with (tiny) MNIST."""
    from nnlessons.scaffold import Names, render

    tmp = tmp_path_factory.mktemp("partial")
    names = Names.of(OUTSIDE_LESSON)
    files = render(names)
    make_package(tmp / "site-packages", names.module, names.module, files[f"{names.module}/__init__.py"], names.id)  # dist-info names use "_"
    for path, text in files.items():  # the rest of the package: its exercises
        if path.startswith(f"{names.module}/") and not (tmp / "site-packages" / path).exists():
            (tmp / "site-packages" / path).parent.mkdir(parents=True, exist_ok=True)
            (tmp / "site-packages" / path).write_text(text)
    data = write_tiny_mnist(tmp / "mnist")
    result, _ = build_site(tmp / "site", PYTHONPATH=str(tmp / "site-packages"), NNLESSONS_DATA_DIR=str(data),
                           NNLESSONS_DOCS_OUTPUTS=",".join((OUTSIDE_LESSON, *MNIST_LESSONS)))
    assert result.returncode == 0, result.stderr[-3000:]
    return tmp / "site"


def test_a_lesson_made_with_nnlessons_new_gets_its_page_with_no_edit_to_the_docs(partial_site):
    page = Page(page_path(partial_site, f"lessons/{OUTSIDE_LESSON}"))
    assert "fit y = 2x with one weight, and check the gradient by hand." in page.text
    assert "--steps" in page.text and "--lr" in page.text
    assert page.terminal_blocks >= 1 and f"{OUTSIDE_LESSON}/output/loss.png" in page.images
    assert (partial_site / "lessons" / OUTSIDE_LESSON / "output" / "loss.png").stat().st_size > 1000
    assert f"lessons/{OUTSIDE_LESSON}.html" in Page(partial_site / "index.html").links
    # lessons not run in this build say so instead of showing stale output
    assert "Not run for this build" in Page(page_path(partial_site, "lessons/cnn-shapes")).text


@pytest.mark.parametrize("lesson_id", MNIST_LESSONS)
def test_with_mnist_the_mnist_pages_are_complete(partial_site, lesson_id):
    lesson = LessonRegistry.from_entry_points().lessons[lesson_id]
    page = Page(page_path(partial_site, f"lessons/{lesson_id}"))
    record = page_run_record(page)
    assert record["status"] == "ok", record.get("error")
    saved = {name for name in record["artifacts"] if name.endswith(".png")}
    named_in_text = set(re.findall(r"`([\w.-]+\.png)`", inspect.getdoc(lesson.plugin)))
    assert named_in_text <= saved, f"the lesson text describes plots the run did not make: {named_in_text - saved}"
    shown = {src.rsplit("/", 1)[-1] for src in page.images if src.startswith(f"{lesson_id}/output/")}
    assert shown == saved, f"plots missing from the page: {saved - shown}"
    assert "built without MNIST" not in page.text
    assert_steps_shown_in_order(page, record)


def test_lesson_writing_guide_shows_the_files_nnlessons_new_writes(site, pages):
    from nnlessons.scaffold import Names, render

    page = pages[page_path(site, "writing-a-lesson")]
    text = html.unescape(re.sub(r"<[^>]+>", "", page_path(site, "writing-a-lesson").read_text()))
    for path, content in render(Names.of("my-lesson")).items():
        if path.endswith((".py", ".toml")):
            assert content.strip() in text, f"the guide does not show the {path} that `nnlessons new` writes"
    assert "hooks.html" in page.links and any(link.startswith("api.html#") for link in page.links)


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
    assert page_path(tmp_path / "relaxed", "lessons/cnn-shapes").exists()


@pytest.mark.parametrize("lesson", installed_lessons(), ids=lambda l: l.id)
def test_lesson_page_lists_its_exercises_with_hints_but_never_the_solution(site, lesson):
    from nnlessons.practice import catalog

    entries = catalog.exercises_of(LessonRegistry.from_entry_points(), lesson)
    text = html.unescape(re.sub(r"<[^>]+>", "", page_path(site, f"lessons/{lesson.id}").read_text()))
    # what the page may show: every exercise's starter, task and hints (a hint may give a line away on purpose)
    shown_on_purpose = " ".join(part for entry in entries for part in
                                (entry.exercise.starter_text(), entry.exercise.task(), *entry.exercise.hints))
    for entry in entries:
        exercise = entry.exercise
        assert entry.full_id in text and exercise.title in text
        assert exercise.task().splitlines()[0] in text, f"{entry.full_id}: the task is not on the page"
        for hint in exercise.hints:
            shown = " ".join(hint.replace("`", "").split())  # `code` spans are shown as code, without backquotes
            assert shown[:50] in " ".join(text.split()), f"{entry.full_id}: a hint is missing"
        starter = {line.strip() for line in exercise.starter_text().splitlines()}
        only_in_solution = [line for line in exercise.solution_text().splitlines()
                            if line.strip() and line.strip() not in starter
                            and not line.strip().startswith(("#", '"""', "import", "from")) and len(line.strip()) > 12]
        leaked = [line.strip() for line in only_in_solution if line.strip() in text and line.strip() not in shown_on_purpose]
        # the lesson's own text may teach a step a solution also takes (``optimizer.zero_grad()`` in the training loop
        # it explains), never more than a third of the solution's own lines
        taught = [line for line in leaked if line in (lesson.plugin.__doc__ or "")]
        assert not [line for line in leaked if line not in taught], f"{entry.full_id}: the page shows solution code {leaked[:2]}"
        assert len(taught) <= len(only_in_solution) // 3, f"{entry.full_id}: the lesson's text holds its solution: {taught}"


# ---- output step by step ------------------------------------------------------------------------


def hook_module(name: str):
    """A module of docs/hooks (mkdocs loads them by path; the tests import them the same way)."""
    if str(HOOKS_DIR) not in sys.path:
        sys.path.insert(0, str(HOOKS_DIR))
    return __import__(name)


def page_run_record(page: Page) -> dict:
    """The run.json shown on a lesson page."""
    for text in page.code_text:
        if text.lstrip().startswith("{") and '"lesson"' in text:
            return json.loads(text)
    raise AssertionError(f"{page.path.name} shows no run.json")


def assert_steps_shown_in_order(page: Page, record: dict) -> None:
    """One heading per step of the run (in the table of contents), then its output, then its plots, captioned."""
    output = page.blocks[next(i for i, b in enumerate(page.blocks) if b[:2] == ("h3", "run-settings")):]
    headings = [b for b in output if b[0] == "h3"]
    assert [h[2] for h in headings] == ["Run settings"] + [step["title"] for step in record["steps"]], \
        f"{page.path.name}: the step headings are not the run's steps"
    for heading in headings:
        assert f"#{heading[1]}" in page.toc_links, f"{page.path.name}: step {heading[2]!r} is not in the table of contents"
    captions = record.get("captions", {})
    for number, step in enumerate(record["steps"], start=1):
        at = output.index(headings[number])
        following = output[at + 1:output.index(headings[number + 1]) if number + 1 < len(headings) else len(output)]
        assert following and following[0][0] == "terminal", f"step {step['title']!r} has no terminal block under it"
        shown = [b for b in following if b[0] == "img"]
        pngs = [name for name in step["artifacts"] if name.endswith(".png")]
        assert [src.rsplit("/", 1)[-1] for _, src, _ in shown] == pngs, f"the plots of step {step['title']!r} are not right after it"
        figcaptions = [b[1] for b in following if b[0] == "figcaption"]
        for (_, src, alt), figcaption in zip(shown, figcaptions):
            name = src.rsplit("/", 1)[-1]
            assert name in figcaption
            if name in captions:
                caption = " ".join(captions[name].split())
                assert alt == captions[name] and caption in figcaption, f"{name}: its caption is not its alt text and figcaption"


@pytest.mark.parametrize("lesson", installed_lessons(), ids=lambda l: l.id)
def test_lesson_page_shows_its_run_step_by_step_with_each_steps_plots(site, pages, lesson):
    page = pages[page_path(site, f"lessons/{lesson.id}")]
    record = page_run_record(page)
    assert record["steps"], f"{lesson.id}: the run recorded no steps (ctx.heading)"
    assert page.terminal_blocks == len(record["steps"]) + 1
    assert_steps_shown_in_order(page, record)


def test_split_steps_cuts_at_the_markers_and_drops_only_the_heading_rule(tmp_path):
    lesson_runs = hook_module("lesson_runs")
    (tmp_path / "a.png").write_bytes(b"png")
    (tmp_path / "b.png").write_bytes(b"png")
    long_title = "2. A title far too long for the terminal, so it goes whole under a plain rule"
    stdout = "\n".join(["──── Demo ────", "settings table",
                        "<<nnlessons-step 1>>", "──── 1. First ────", "first output", "── not a heading ──",
                        "<<nnlessons-step 2>>", "─" * 40, *textwrap.wrap(long_title, 40), "second output"])
    record = {"steps": [{"title": "1. First", "artifacts": ["a.png"]}, {"title": long_title, "artifacts": ["b.png", "run.txt"]}],
              "captions": {"a.png": "What a shows."}, "artifacts": ["a.png", "b.png", "run.txt"]}
    steps = lesson_runs.split_steps(stdout, record, tmp_path)
    assert [s.title for s in steps] == ["Run settings", "1. First", long_title]
    assert "settings table" in steps[0].terminal_html and not steps[0].plots
    assert "First" not in steps[1].terminal_html and "first output" in steps[1].terminal_html
    assert "not a heading" in steps[1].terminal_html
    assert "far too long" not in steps[2].terminal_html and "second output" in steps[2].terminal_html
    assert [(p.path.name, p.caption) for p in steps[1].plots] == [("a.png", "What a shows.")]
    assert [(p.path.name, p.caption) for p in steps[2].plots] == [("b.png", None)]


def test_dim_terminal_text_reads_on_the_dark_block():
    lesson_runs = hook_module("lesson_runs")
    block = lesson_runs.ansi_to_html("\x1b[2;3ma table caption\x1b[0m and \x1b[2;31mdim red\x1b[0m")
    caption_style = re.search(r'<span style="([^"]*)">a table caption', block).group(1)
    assert f"color: {lesson_runs.DIM_GREY}" in caption_style  # rich would blend it half into the background
    assert re.search(r"<span style=\"color: #f4005f[^\"]*\">dim red", block), "a dim colour keeps its own colour (undimmed)"


def test_a_step_title_is_shown_literally_in_its_heading():
    lesson_pages = hook_module("lesson_pages")
    import markdown

    title = "3. `x` * y_[0] <b> $a$ \\(b\\) #1 | done!"
    rendered = markdown.markdown(f"### {lesson_pages.heading_text(title)}", extensions=["pymdownx.arithmatex"])
    assert html.unescape(re.sub(r"<[^>]+>", "", rendered)) == title
    assert "arithmatex" not in rendered


# ---- MNIST without the data ---------------------------------------------------------------------


@pytest.mark.parametrize("lesson_id", MNIST_LESSONS)
def test_without_mnist_the_page_shows_what_ran_and_a_short_clean_note(site, pages, lesson_id):
    page = pages[page_path(site, f"lessons/{lesson_id}")]
    record = page_run_record(page)
    assert record["status"] == "failed" and len(record["steps"]) >= 1
    assert "This page was built without MNIST" in page.text
    for leak in ("https://", "http://", "MNIST/raw is missing", "Error:"):
        assert leak not in page.prose, f"{lesson_id}: the page shows the raw download error ({leak})"
    lesson = LessonRegistry.from_entry_points().lessons[lesson_id]
    made = {name for name in record["artifacts"] if name.endswith(".png")}
    promised = set(re.findall(r"`([\w.-]+\.png)`", inspect.getdoc(lesson.plugin))) - made
    note = page.text[page.text.index("This page was built without MNIST"):][:600]
    assert promised and all(name in note for name in promised), "the note must name the plots that need the data"


# ---- offline: nothing from another host, formulas as MathML -------------------------------------


def is_other_host(url: str) -> bool:
    parts = urlsplit(url)
    return bool(parts.netloc) or parts.scheme not in ("", "data", "blob", "file")


def test_no_page_loads_anything_from_another_host(site, pages):
    remote = [f"{path.relative_to(site)}: {url}" for path, page in pages.items() for url in page.loads if is_other_host(url)]
    assert not remote, "\n".join(remote)
    for stylesheet in site.rglob("*.css"):  # fonts and imports of the stylesheets
        urls = re.findall(r"(?:url\(\s*['\"]?|@import\s+['\"])([^'\")\s]+)", stylesheet.read_text(errors="replace"))
        assert not [u for u in urls if is_other_host(u)], f"{stylesheet.relative_to(site)} loads {[u for u in urls if is_other_host(u)]}"
    assert not list(site.rglob("*mathjax*")), "MathJax is not needed: formulas are MathML"


def test_no_raw_latex_reaches_a_page(site, pages):
    leaks = [f"{path.relative_to(site)}: ...{page.prose[max(0, m.start() - 40):m.end() + 40]}..."
             for path, page in pages.items() for m in re.finditer(r"\\\[|\\\(|\\begin|\\frac|\\text\{|\$\$", page.prose)]
    assert not leaks, "\n".join(leaks[:10])


def lesson_formulas(lesson) -> list[tuple[str, bool]]:
    """Every formula of a lesson's docstring: ```math blocks (display) and $...$ (inline)."""
    doc = inspect.getdoc(lesson.plugin) or ""
    blocks = [(tex, True) for tex in re.findall(r"```math\n(.*?)\n\s*```", doc, flags=re.S)]
    prose = re.sub(r"```.*?```", "", doc, flags=re.S)
    inline = [(tex, False) for tex in re.findall(r"(?<![\\$])\$(?!\$)([^$\n]+?)\$", re.sub(r"`[^`]*`", "", prose))]
    return blocks + inline


def test_every_formula_in_the_lessons_converts_to_clean_mathml():
    math_mathml = hook_module("math_mathml")
    formulas = [(lesson.id, tex, display) for lesson in installed_lessons() for tex, display in lesson_formulas(lesson)]
    assert len(formulas) >= 20
    for lesson_id, tex, display in formulas:
        mathml = math_mathml.latex_to_mathml(tex, display)  # FormulaError: a command or & would show as text
        assert mathml.startswith("<math") and ("\\begin{aligned}" not in tex or "<mtable" in mathml), (lesson_id, tex)


def test_a_formula_that_would_show_as_latex_is_refused():
    math_mathml = hook_module("math_mathml")
    with pytest.raises(math_mathml.FormulaError):
        math_mathml.latex_to_mathml(r"\begin{gathered} a & b \end{gathered}", True)
    with pytest.raises(math_mathml.FormulaError):
        math_mathml.latex_to_mathml(r"\nosuchcommand{x}", False)
    aligned = math_mathml.latex_to_mathml(r"\begin{aligned} a &= b && \text{c} \\[1ex] d &= e \end{aligned}", True)
    assert "&" not in re.sub(r"&#x[0-9A-Fa-f]+;", "", aligned) and "1ex" not in aligned and aligned.count("<mtr>") == 2


@pytest.mark.parametrize("lesson", installed_lessons(), ids=lambda l: l.id)
def test_every_formula_on_a_lesson_page_is_mathml(site, lesson):
    text = page_path(site, f"lessons/{lesson.id}").read_text()
    formulas = lesson_formulas(lesson)
    assert text.count('<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"') == sum(d for _, d in formulas)
    assert 'class="arithmatex"' not in text, "a formula was left for a script to typeset"


# ---- paths and option tables -------------------------------------------------------------------


def build_machine_paths(site: Path) -> list[str]:
    """Paths of the machine that built the site, none of which may appear on a page."""
    paths = {str(Path.home()) + os.sep, str(site.parent) + os.sep, os.path.join(tempfile.gettempdir(), "nnlessons-docs-"),
             str(ROOT) + os.sep}
    return sorted(p for p in paths if len(p) > 2)


def test_no_page_shows_the_build_machines_paths(site, pages):
    leaks = [f"{path.relative_to(site)}: {p}" for path in pages for p in build_machine_paths(site) if p in path.read_text()]
    assert not leaks, "\n".join(leaks)
    for lesson in installed_lessons():
        page = pages[page_path(site, f"lessons/{lesson.id}")]
        record = page_run_record(page)
        assert record["artifacts"] == [] or not any(os.path.isabs(a) for a in record["artifacts"])
        assert not any(os.path.isabs(str(v)) for v in record["params"].values()), f"{lesson.id}: an absolute path in run.json"


def option_cells(page_html: str, flag: str) -> dict[str, str]:
    """The cells of an option's row in a page's options table, by column, as text."""
    for row in re.findall(r"<tr>(.*?)</tr>", page_html, flags=re.S):
        cells = {label: html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
                 for label, cell in re.findall(r'<td data-label="([^"]*)">(.*?)</td>', row, flags=re.S)}
        if cells.get("option") == flag:
            return cells
    raise AssertionError(f"no row for {flag}")


def test_option_defaults_are_shown_as_a_reader_types_them(site, pages):
    from nnlessons.mnist import default_data_dir

    assert option_cells(page_path(site, "lessons/cnn-shapes").read_text(), "--case")["default"] == '""'
    if str(default_data_dir()).startswith(str(Path.home()) + os.sep):
        shown = option_cells(page_path(site, "lessons/mnist-mlp").read_text(), "--data-dir")["default"]
        assert shown == "~/" + str(default_data_dir().relative_to(Path.home()))
        assert "~/" + str(default_data_dir().relative_to(Path.home())) in pages[page_path(site, "cli")].text


def test_inline_code_breaks_only_between_words():
    inline_code = hook_module("inline_code")
    marked = inline_code.mark_tokens("<p><code>nnlessons run cnn-shapes --quick</code></p><pre><code>a-b</code></pre>")
    assert marked == ('<p><code>nnlessons run <span class="nnl-token">cnn-shapes</span> '
                      '<span class="nnl-token">--quick</span></code></p><pre><code>a-b</code></pre>')
    assert "nowrap" in re.search(r"code \.nnl-token\s*\{[^}]*\}", (ROOT / "docs/stylesheets/nnlessons.css").read_text()).group(0)
