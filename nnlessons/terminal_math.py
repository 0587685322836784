"""Formulas for the terminal: a lesson's ```math blocks (LaTeX) as Unicode text.

The docs site typesets ```math blocks with MathJax; ``nnlessons explain`` shows the
same blocks through pylatexenc, so ``\\sigma(z_{0:100})`` reads ``σ(z_{0:100})`` and
``\\partial L / \\partial w`` reads ``∂L / ∂w``. Groups of two or more characters keep
their braces, so ``h_{t-1}`` does not turn into the ambiguous ``h_t-1``.
"""

from __future__ import annotations

import re

OPERATOR = re.compile(r"[ \t]*([←→⊙·≈≤≥×∼])[ \t]*")
MATH_BLOCK = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+)math[ \t]*\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$", re.M | re.S)


def latex_as_text(latex: str) -> str:
    """One LaTeX formula (``aligned`` rows allowed) as Unicode text, one row per line."""
    from pylatexenc.latex2text import LatexNodes2Text  # imported only when a lesson has formulas

    converter = LatexNodes2Text(math_mode="text", keep_braced_groups=True, keep_braced_groups_minlen=2,
                                strict_latex_spaces="based-on-source")
    rows = []
    for line in converter.latex_to_text(latex).splitlines():
        if not line.strip():
            continue
        line = OPERATOR.sub(r" \1 ", line).strip()  # LaTeX eats the space after a macro: "m ←β_1 ·m" -> "m ← β_1 · m"
        line = re.sub(r"∂\s+", "∂", line)  # "\partial L" -> "∂L"
        line = re.sub(r"^(\S.*?)\s{2,}([=←])", r"\1 \2", line)  # "h    = ..." -> "h = ..."
        rows.append(re.sub(r"\s{4,}", "    ", line))  # the && columns, as a wide gap
    return "\n".join(rows)


def math_blocks_as_text(markdown: str) -> str:
    """The Markdown with every ```math block replaced by a plain code block of its Unicode text."""
    def plain(match: re.Match) -> str:
        indent, fence = match["indent"], match["fence"]
        rows = latex_as_text(match["body"]).splitlines()
        return "\n".join([f"{indent}{fence}text", *(indent + row for row in rows), f"{indent}{fence}"])

    return MATH_BLOCK.sub(plain, markdown)
