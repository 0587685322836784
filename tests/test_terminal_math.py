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
    (r"\epsilon = 10^{-8}", "ϵ = 10^-8"),  # a signed number loses its braces
    (r"2^{10} \cdot x^{-1.5}", "2^10 · x^-1.5"),
    (r"W_{ih} x_t", "W_ih x_t"),  # a subscript that is one name too
    (r"\theta_{t+1}", "θ_{t+1}"),  # anything longer keeps them
    (r"e^{ix}", "e^{ix}"),  # a product in an exponent keeps them
    (r"W_{ih}x", "W_{ih}x"),  # and so does a group a letter follows (W_ihx would be one name)
    (r"a\,b", "a b"),
    (r"dx \, dy", "dx dy"),  # one space, not the source's two plus the thin space
    (r"a \; b \: c", "a b c"),
    (r"w = 1, \quad x > 0", "w = 1,  x > 0"),  # a quad is two spaces: it separates two formulas
    (r"w \leftarrow g \qquad \eta = \text{lr}", "w ← g    η = lr"),  # a qquad four
    (r"a \qquad \, b", "a    b"),  # the widest of a run
    (r"a \ b", "a b"),
    (r"f\!\left(x\right)", "f(x)"),  # a negative space is none
    (r"1.46\ldots \quad \text{(not 0)}", "1.46…  (not 0)"),  # the macro before a spacing command keeps its space
    (r"\sum_{\text{rows}} \partial L", "∑_{rows}∂L"),  # LaTeX ate the space: the braces show where the index ends
    (r"n \! m", "nm"),
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
    assert math_blocks_as_text(markdown) == "- the layer has\n\n    ```text\n    C_out · K parameters.\n    ```\n"


def test_a_row_break_followed_by_a_space_is_not_a_spacing_command():
    latex = "\\begin{aligned}\na &= b \\\\ \nc &= d\\,e\n\\end{aligned}"
    assert latex_as_text(latex).splitlines() == ["a = b", "c = d e"]


def test_markdown_without_math_is_unchanged():
    markdown = "```python\nx = 1\n```\n\n```\nplain\n```\n"
    assert math_blocks_as_text(markdown) == markdown


@pytest.mark.parametrize("lesson", [l for l in LESSONS if "```math" in (l.plugin.__doc__ or "")], ids=lambda l: l.id)
def test_explain_shows_formulas_without_latex_commands(lesson):
    result = CliRunner().invoke(cli, ["explain", lesson.id], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    leftovers = re.findall(r"\\(?:begin|end|text|frac|sigma|partial|leftarrow|sum|mathrm|eta|beta)\b", result.output)
    assert not leftovers, f"LaTeX commands left in the terminal text: {sorted(set(leftovers))}"
