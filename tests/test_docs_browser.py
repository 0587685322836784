"""The built docs site in a real browser, with no network: headless Chromium opens every page from disk.

At 1400 px (a desktop) and 390 px (a phone), in the light and the dark palette, every page must
fit its width (nothing scrolls sideways: wide tables, terminal output and formulas scroll inside
their own boxes), load nothing from another host (Chromium's proxy is a closed local port, and
every request is checked), and run its scripts without an error. Terminal blocks grow with their
output instead of scrolling inside.

Needs Chromium (Debian: ``apt-get install chromium``); without it the tests are skipped, saying so.
The site is the one tests/test_docs.py checks, built once per session (tests/docs_site.py).
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from docs_site import full_site
from headless_chromium import Chromium, find_chromium

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium): the docs browser tests did not run")

LOCAL_SCHEMES = ("file", "data", "blob", "about")
SIZES = {"desktop": (1400, 900), "phone": (390, 844)}

#: what the page reports once loaded: its width against the window's, its palette, what overflows
MEASURE = """(() => {
  const width = innerWidth;
  const wide = [...document.querySelectorAll('body *')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width > 0 && r.right > width + 1 && !e.closest('pre, .nnl-math, .md-typeset__scrollwrap, .md-sidebar, .md-search, .md-header, table');
  }).slice(0, 3).map(e => e.tagName.toLowerCase() + '.' + [...e.classList].join('.') + ' ' + Math.round(e.getBoundingClientRect().right));
  const scrolledInside = [...document.querySelectorAll('pre.nnl-terminal')].filter(e => e.scrollHeight > e.clientHeight + 1).length;
  return {scrollWidth: document.scrollingElement.scrollWidth, innerWidth: width, wide: wide,
          scheme: document.body.getAttribute('data-md-color-scheme'), terminalsScrollingInside: scrolledInside};
})()"""


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    return full_site(tmp_path_factory)


@pytest.fixture
def browser():
    """A fresh browser for each width and palette: mkdocs-material keeps the palette it chose in localStorage."""
    with Chromium(CHROMIUM) as chromium:
        yield chromium


def site_pages(site: Path) -> list[Path]:
    """Every page a reader opens; not 404.html, a web server's error page whose links start at the server's root."""
    return sorted(p for p in site.rglob("*.html") if "assets" not in p.relative_to(site).parts and p.name != "404.html")


@pytest.mark.parametrize("palette", ["light", "dark"])
@pytest.mark.parametrize("size", list(SIZES))
def test_every_page_fits_its_width_and_loads_nothing_from_another_host(site, browser, size, palette):
    width, height = SIZES[size]
    browser.emulate(width, height, dark=palette == "dark")
    problems = []
    pages = site_pages(site)
    assert len(pages) >= 14
    for page in pages:
        name = str(page.relative_to(site))
        load = browser.load(page.as_uri(), MEASURE)
        measured = load.value
        if measured["scrollWidth"] > measured["innerWidth"]:
            problems.append(f"{name}: scrolls sideways ({measured['scrollWidth']} > {measured['innerWidth']} px; {measured['wide']})")
        if measured["scheme"] != ("slate" if palette == "dark" else "default"):
            problems.append(f"{name}: palette {measured['scheme']!r}")
        if measured["terminalsScrollingInside"]:
            problems.append(f"{name}: {measured['terminalsScrollingInside']} terminal block(s) scroll inside")
        remote = [url for url in load.requests if urlsplit(url).scheme not in LOCAL_SCHEMES]
        if remote:
            problems.append(f"{name}: requests leaving the machine: {remote[:3]}")
        if load.failed:
            problems.append(f"{name}: failed to load {load.failed[:3]}")
        if load.errors:
            problems.append(f"{name}: script errors {load.errors[:2]}")
    assert not problems, f"at {width} px, {palette}:\n" + "\n".join(problems)


#: for each aligned formula: the left edges of its second column and the right edges of its first, per row
ALIGNMENT = """[...document.querySelectorAll('.nnl-math mtable')].map(table => {
  const rows = [...table.children].filter(r => r.children.length >= 2);
  const edge = (cell, side) => { const kids = [...cell.children].filter(k => k.getBoundingClientRect().width > 0);
                                 return kids.length ? Math.round(kids[side === 'left' ? 0 : kids.length - 1].getBoundingClientRect()[side]) : null; };
  return {left: rows.map(r => edge(r.children[1], 'left')), right: rows.map(r => edge(r.children[0], 'right')).filter(x => x !== null)};
})"""


def test_aligned_formulas_line_up_their_equals_signs(site, browser):
    """Chrome's MathML centres table cells (it ignores columnalign): nnlessons.css aligns them as LaTeX does."""
    browser.emulate(*SIZES["desktop"], dark=False)
    tables = 0
    for page in sorted((site / "lessons").glob("*.html")):
        for formula in browser.load(page.as_uri(), ALIGNMENT).value:
            tables += 1
            assert max(formula["left"]) - min(formula["left"]) <= 1, f"{page.name}: the second column does not line up {formula}"
            assert max(formula["right"]) - min(formula["right"]) <= 1, f"{page.name}: the first column does not line up {formula}"
    assert tables >= 10
