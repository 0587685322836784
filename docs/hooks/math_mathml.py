"""mkdocs hook: formulas become MathML while the site builds, so they need no script and no network.

``pymdownx.arithmatex`` (generic mode) marks formulas in the page: ```` ```math ```` blocks and
``$$ ... $$`` become ``<div class="arithmatex">\\[ ... \\]</div>``, inline ``$...$`` becomes
``<span class="arithmatex">\\( ... \\)</span>``. This hook replaces each with the MathML that
latex2mathml makes of it; every current browser typesets MathML natively.

latex2mathml knows ``align*`` but not ``aligned`` (it would leave each ``&`` as a letter), so
`latex_to_mathml` renames the environment first, and drops the extra space of ``\\\\[1ex]`` that it
would print as text. Whatever still comes out as LaTeX (a command or an ``&`` left as text, or
MathML that does not parse) is logged as a warning, which fails a ``--strict`` build: a formula
is never shown half converted.
"""

from __future__ import annotations

import html
import logging
import re
from xml.etree import ElementTree

from latex2mathml.converter import convert

log = logging.getLogger("mkdocs.hooks.math_mathml")

ARITHMATEX = re.compile(r'<(div|span) class="arithmatex">(.*?)</\1>', re.S)
DELIMITERS = re.compile(r"^\s*(\\\[|\\\(|\$\$?)(.*?)(\\\]|\\\)|\$\$?)\s*$", re.S)
ROW_SPACING = re.compile(r"\\\\\s*\[[^\]]*\]")  # \\[1ex]: a line break with extra space
LEFT_AS_TEXT = re.compile(r"\\[A-Za-z]+|\\\\|&")


class FormulaError(ValueError):
    """A formula that does not convert to clean MathML."""


def prepare(tex: str) -> str:
    """The LaTeX, with what latex2mathml does not know rewritten into what it does."""
    tex = re.sub(r"\\(begin|end)\{aligned\}", r"\\\1{align*}", tex)
    return ROW_SPACING.sub(r"\\\\", tex)


def latex_to_mathml(tex: str, display: bool) -> str:
    """``<math>`` for the LaTeX `tex` (without delimiters); FormulaError if any of it would show as LaTeX."""
    try:
        mathml = convert(prepare(tex.strip()), display="block" if display else "inline")
        root = ElementTree.fromstring(mathml)
    except Exception as exc:  # latex2mathml raises its own types, and malformed MathML is a ParseError
        raise FormulaError(f"{type(exc).__name__}: {exc}") from None
    leftover = sorted({m for text in root.itertext() for m in LEFT_AS_TEXT.findall(text)})
    if leftover:
        raise FormulaError(f"{', '.join(leftover)} would show as text")
    return mathml


def formula_html(match: re.Match, page_uri: str) -> str:
    display = match.group(1) == "div"
    source = html.unescape(match.group(2))
    parts = DELIMITERS.match(source)
    tex = parts.group(2) if parts else source
    try:
        mathml = latex_to_mathml(tex, display)
    except FormulaError as exc:
        log.warning("%s: a formula does not convert to MathML (%s): %s", page_uri, exc, " ".join(tex.split())[:120])
        return match.group(0)
    # a wide formula scrolls inside its own box instead of widening the page
    return f'<div class="nnl-math">{mathml}</div>' if display else mathml


def on_page_content(content: str, page, config, files) -> str:
    return ARITHMATEX.sub(lambda m: formula_html(m, page.file.src_uri), content)
