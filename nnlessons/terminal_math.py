"""Formulas for the terminal: a lesson's ```math blocks (LaTeX) as Unicode text.

The docs site typesets ```math blocks with MathJax; ``nnlessons explain`` shows the
same blocks through pylatexenc, so ``\\sigma(z_{0:100})`` reads ``σ(z_{0:100})`` and
``\\partial L / \\partial w`` reads ``∂L / ∂w``.

What survives in the terminal:

- Greek letters and operators become Unicode (``\\beta`` β, ``\\odot`` ⊙, ``\\leftarrow`` ←),
  ``\\frac{a}{b}`` becomes ``a/b``, ``\\sqrt{x}`` ``√(x)``, ``\\text{...}`` its text.
- A sub- or superscript that is one signed number, or a subscript that is one name,
  loses its braces: ``10^{-5}`` reads ``10^-5``, ``W_{ih}`` ``W_ih``. Anything else
  keeps them, so ``h_{t-1}`` does not turn into the ambiguous ``h_t-1``, nor ``e^{ix}``
  into ``e^ix``.
- Spacing commands replace the blanks around them: ``\\,`` ``\\:`` ``\\;`` and ``\\ `` are
  one space, ``\\quad`` two and ``\\qquad`` four (they separate a formula from the next
  one, ``w ← w - η · g    η = lr``); ``\\!`` (a negative space) is none.
- ``aligned`` rows stay one per line; ``&&`` columns are a wide gap.
"""

from __future__ import annotations

import re

#: spacing commands with the blanks around them (not the second backslash of a \\ row break)
SPACING = re.compile(r"(?:[ \t]*(?<!\\)\\(?:[,:>; ]|q?quad(?![A-Za-z]))[ \t]*)+")
SPACES_OF = {"quad": 2, "qquad": 4}  # terminal spaces of each spacing command (others: 1)
NEGATIVE_SPACE = re.compile(r"[ \t]*(?<!\\)\\![ \t]*")
#: a sub- or superscript group that is one signed number (10^{-5}), or a subscript that is one name (W_{ih});
#: not h_{t-1} or z_{0:100}, nor e^{ix} (a product), nor a group that anything but a space or punctuation follows
#: (W_{ih}x, \sum_{rows}\partial: LaTeX ate the space between them)
SIMPLE_SCRIPT = re.compile(r"(?:([_^])\{([-+]?\d+(?:\.\d+)?)\}|(_)\{([^\W\d_]+)\})(?=$|[\s)\]},.;:/+\-=*^_|])")
OPERATOR = re.compile(r"[ \t]*([←→⊙·≈≤≥×∼])[ \t]*")
MATH_BLOCK = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>```+)math[ \t]*\n(?P<body>.*?)^(?P=indent)(?P=fence)[ \t]*$", re.M | re.S)


def control_spaces(match: re.Match) -> str:
    """A run of spacing commands as control spaces (``\\ ``), which a macro before them cannot eat."""
    commands = re.findall(r"\\(q?quad|.)", match[0])
    return "\\ " * max(SPACES_OF.get(command, 1) for command in commands)


def latex_as_text(latex: str) -> str:
    """One LaTeX formula (``aligned`` rows allowed) as Unicode text, one row per line."""
    from pylatexenc.latex2text import LatexNodes2Text  # imported only when a lesson has formulas

    converter = LatexNodes2Text(math_mode="text", keep_braced_groups=True, keep_braced_groups_minlen=2,
                                strict_latex_spaces="based-on-source")
    latex = NEGATIVE_SPACE.sub("", SPACING.sub(control_spaces, latex))
    rows = []
    for line in converter.latex_to_text(latex).splitlines():
        if not line.strip():
            continue
        line = OPERATOR.sub(r" \1 ", line).strip()  # LaTeX eats the space after a macro: "m ←β_1 ·m" -> "m ← β_1 · m"
        line = re.sub(r"∂\s+", "∂", line)  # "\partial L" -> "∂L"
        line = SIMPLE_SCRIPT.sub(lambda m: "".join(g for g in m.groups() if g), line)  # "10^{-5}" -> "10^-5"
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
