"""mkdocs hook: run every lesson with --quick and show its real output on its page.

For each page ``lessons/<id>.md`` the lesson runs once on the CPU (seed 0) while
the site builds; the terminal output is appended as text and the plots it saved
are added to the site as generated files. A lesson that cannot run here (for
instance MNIST that is not cached) gets a note with the reason instead.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import tempfile
from pathlib import Path

from mkdocs.structure.files import File, Files
from rich.console import Console

from nnlessons.errors import LessonInputError
from nnlessons.registry import LessonRegistry
from nnlessons.runner import RunRequest, run_lesson

log = logging.getLogger("mkdocs.hooks.lesson_output")
OUTPUTS: dict[str, str] = {}
_workdir = tempfile.TemporaryDirectory(prefix="nnlessons-docs-")


@contextlib.contextmanager
def _inside(folder: str):
    previous = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def _run(registry: LessonRegistry, lesson_id: str) -> tuple[str, list[Path]]:
    console = Console(record=True, width=88, file=io.StringIO(), color_system=None)
    out = Path("nnlessons-runs") / lesson_id
    with _inside(_workdir.name):
        record = run_lesson(registry, RunRequest(lesson_id, device="cpu", seed=0, out=out, quick=True, quiet=True), console)
    return console.export_text(), [Path(p) for p in record["artifacts"] if p.endswith(".png")]


def on_files(files: Files, config) -> Files:
    registry = LessonRegistry.from_entry_points()
    for lesson in registry.ordered():
        if lesson.broken or files.get_file_from_path(f"lessons/{lesson.id}.md") is None:
            continue
        command = f"nnlessons run {lesson.id} --quick --device cpu"
        try:
            text, pngs = _run(registry, lesson.id)
        except LessonInputError as exc:
            OUTPUTS[lesson.id] = f'!!! note "Not run while building this site"\n    {exc.message}\n'
            log.info("lesson %s not run for the docs: %s", lesson.id, exc.message)
            continue
        parts = [f"Output of `{command}` (seed 0), captured while this page was built:\n", "```text", text.rstrip(), "```\n"]
        for png in pngs:
            uri = f"lessons/{lesson.id}/output/{png.name}"
            files.append(File.generated(config, uri, abs_src_path=str(png)))
            parts.append(f"![{png.stem}]({lesson.id}/output/{png.name})\n")
        OUTPUTS[lesson.id] = "\n".join(parts)
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    uri = page.file.src_uri
    if uri.startswith("lessons/") and uri.endswith(".md"):
        lesson_id = uri[len("lessons/"):-3]
        if lesson_id in OUTPUTS:
            return markdown + "\n\n## What a run shows\n\n" + OUTPUTS[lesson_id]
    return markdown
