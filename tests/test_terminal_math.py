"""`nnlessons explain` shows the lessons' ```math blocks (LaTeX for the docs site) as Unicode text."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from nnlessons.cli import cli
from nnlessons.registry import LessonRegistry
from nnlessons.terminal_math import latex_as_text, math_blocks_as_text

LESSONS = [l for l in LessonRegistry.from_entry_points().ordered() if not l.broken]


@pytest.mark.parametrize(("latex", "text"), [
    (r"i = \sigma(z_{0:100})", "i = σ(z_{0:100})"),
    (r"c_t = f \odot c_{t-1}", "c_t = f ⊙ c_{t-1}"),  # braces kept: not the ambiguous c_t-1
    (r"\partial L / \partial w", "∂L / ∂w"),
    (r"w \leftarrow w - \eta \cdot g", "w ← w - η · g"),
    (r"m \leftarrow \beta_1 \cdot m", "m ← β_1 · m"),
])
def test_latex_becomes_unicode(latex, text):
    assert latex_as_text(latex) == text


def test_aligned_rows_stay_one_per_line_without_latex_left():
    markdown = "Before.\n\n```math\n\\begin{aligned}\na &= b + c && \\text{first} \\\\\nd &= \\sqrt{e}\n\\end{aligned}\n```\n\nAfter.\n"
    out = math_blocks_as_text(markdown)
    block = out[out.index("```text\n") + 8:out.index("\n```\n\nAfter")]
    assert block.splitlines() == ["a = b + c    first", "d = √(e)"]
    assert out.startswith("Before.") and out.endswith("After.\n")


def test_a_math_block_inside_a_list_item_keeps_its_indent():
    markdown = "- the layer has\n\n    ```math\n    C_{out} \\cdot K \\ \\text{parameters.}\n    ```\n"
    assert math_blocks_as_text(markdown) == "- the layer has\n\n    ```text\n    C_{out} · K  parameters.\n    ```\n"


def test_markdown_without_math_is_unchanged():
    markdown = "```python\nx = 1\n```\n\n```\nplain\n```\n"
    assert math_blocks_as_text(markdown) == markdown


@pytest.mark.parametrize("lesson", [l for l in LESSONS if "```math" in (l.plugin.__doc__ or "")], ids=lambda l: l.id)
def test_explain_shows_formulas_without_latex_commands(lesson):
    result = CliRunner().invoke(cli, ["explain", lesson.id], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    leftovers = re.findall(r"\\(?:begin|end|text|frac|sigma|partial|leftarrow|sum|mathrm|eta|beta)\b", result.output)
    assert not leftovers, f"LaTeX commands left in the terminal text: {sorted(set(leftovers))}"
