"""The docs site builds (mkdocs --strict) and shows every bundled lesson's own text."""

from __future__ import annotations

import html
import inspect
import re
import subprocess
import sys
from pathlib import Path

import pytest

from nnlessons.registry import LessonRegistry

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = sorted(p.name for p in (ROOT / "plugins").iterdir() if p.name.startswith("nnlessons_"))


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("site")
    result = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return out


def bundled_lessons():
    registry = LessonRegistry.from_entry_points()
    return [l for l in registry.ordered() if l.source in BUNDLED]


def test_every_bundled_package_is_an_installed_lesson():
    assert sorted(l.source for l in bundled_lessons()) == BUNDLED


@pytest.mark.parametrize("lesson", bundled_lessons(), ids=lambda l: l.id)
def test_lesson_docstring_is_a_real_page(lesson):
    doc = inspect.getdoc(lesson.plugin) or ""
    assert len(doc.split()) >= 300, f"{lesson.id}: the lesson page is too short"
    assert len(re.findall(r"^## ", doc, flags=re.M)) >= 3, f"{lesson.id}: give the page sections"
    assert "notes" in doc.lower(), f"{lesson.id}: say where the course notes are wrong or what they leave out"


@pytest.mark.parametrize("lesson", bundled_lessons(), ids=lambda l: l.id)
def test_site_renders_each_lesson_from_its_docstring(site, lesson):
    page = site / "lessons" / lesson.id / "index.html"
    assert page.exists(), f"no docs page for {lesson.id}; add docs/lessons/{lesson.id}.md and a nav entry"
    text = html.unescape(re.sub(r"<[^>]+>", "", page.read_text()))
    first_line = inspect.getdoc(lesson.plugin).splitlines()[0].strip()
    plain = re.sub(r"[`*]", "", first_line)  # Markdown marks become tags, which were stripped above
    assert " ".join(plain.split())[:60] in " ".join(text.split())


def test_site_renders_the_plugin_api(site):
    text = (site / "plugin-api" / "index.html").read_text()
    for hook in ("nnlessons_lesson_info", "nnlessons_explain", "nnlessons_run"):
        assert hook in text
