"""The lesson-writing guide shows the files `nnlessons new my-lesson` writes, exactly.

``docs/writing-a-lesson.md`` is read as plain Markdown too (GitHub, an editor, the
README's link), so the files are in it as code blocks, each titled with its path
(```` ```python title="PATH" ````), rather than filled in while the site builds. These
tests fail when a block differs from what the scaffold writes. After changing a
scaffold template, rewrite the blocks with ``python tests/test_guide.py``.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from nnlessons.scaffold import Names, render

GUIDE = Path(__file__).resolve().parents[1] / "docs" / "writing-a-lesson.md"
EXAMPLE_ID = "my-lesson"  # the package the guide walks through
NOT_SHOWN = {"README.md"}  # the guide describes it in a table instead
BLOCK = re.compile(r'^(?P<fence>`{3,})(?P<language>\w+) title="(?P<path>[^"]+)"\n(?P<body>.*?)\n(?P=fence)$',
                   re.M | re.S)
LANGUAGES = {".py": "python", ".toml": "toml"}


def fenced(path: str, text: str) -> str:
    """`text` as a code block titled `path`, fenced with more backticks than any run inside it."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f'{fence}{LANGUAGES[Path(path).suffix]} title="{path}"\n{text.removesuffix(chr(10))}\n{fence}'


def synced(guide: str, files: dict[str, str]) -> str:
    """The guide with every titled block replaced by the current text of the file it names."""
    def current(match: re.Match) -> str:
        path = match["path"]
        if path not in files:
            raise KeyError(f"the guide shows {path}, which `nnlessons new` does not write (it writes {sorted(files)})")
        return fenced(path, files[path])

    return BLOCK.sub(current, guide)


def scaffold_files() -> dict[str, str]:
    return render(Names.of(EXAMPLE_ID))


def test_every_code_block_is_the_file_nnlessons_new_writes():
    guide = GUIDE.read_text(encoding="utf-8")
    assert synced(guide, scaffold_files()) == guide, (
        "docs/writing-a-lesson.md differs from what `nnlessons new my-lesson` writes: "
        "run `python tests/test_guide.py` to rewrite its code blocks")


def test_the_guide_shows_every_file_but_the_readme():
    shown = [match["path"] for match in BLOCK.finditer(GUIDE.read_text(encoding="utf-8"))]
    assert len(shown) == len(set(shown)), f"a file is shown twice: {shown}"
    assert set(shown) == set(scaffold_files()) - NOT_SHOWN, "add a titled code block for each file the scaffold writes"


def test_the_guide_needs_no_site_build_to_be_complete():
    guide = GUIDE.read_text(encoding="utf-8")
    assert "<!-- nnlessons:" not in guide, "placeholders are empty when the guide is read on GitHub"


def test_a_block_that_drifted_is_found():
    files = {"pkg/__init__.py": "x = 1\n"}
    stale = 'Text.\n\n```python title="pkg/__init__.py"\nx = 0\n```\n\nMore.\n'
    assert synced(stale, files) == 'Text.\n\n```python title="pkg/__init__.py"\nx = 1\n```\n\nMore.\n'
    with_fence = {"pkg/__init__.py": '"""Doc.\n\n```math\na\n```\n"""\n'}
    assert synced(stale, with_fence).startswith('Text.\n\n````python title="pkg/__init__.py"\n"""Doc.')


if __name__ == "__main__":
    text = GUIDE.read_text(encoding="utf-8")
    GUIDE.write_text(synced(text, scaffold_files()), encoding="utf-8")
    sys.exit(0)
