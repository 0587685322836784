"""Every hook is documented: a docstring, every parameter under :param:, and a place in the docs."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from nnlessons import hookspecs

HOOKS = [name for name, fn in vars(hookspecs).items() if name.startswith("nnlessons_") and callable(fn)]
DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_there_are_hooks():
    assert set(HOOKS) == {"nnlessons_lesson_info", "nnlessons_explain", "nnlessons_check_params", "nnlessons_run",
                          "nnlessons_exercises"}


@pytest.mark.parametrize("name", HOOKS)
def test_hook_has_docstring_with_every_parameter(name):
    fn = getattr(hookspecs, name)
    doc = inspect.getdoc(fn) or ""
    assert len(doc.split()) >= 15, f"{name} needs a real docstring"
    for param in inspect.signature(fn).parameters:
        assert f":param {param}:" in doc, f"{name} does not document {param}"
    if inspect.signature(fn).return_annotation not in (None, "None"):
        assert ":return:" in doc
    else:
        assert ":raises" in doc or ":return:" in doc, f"{name} returns nothing: say what it raises"


@pytest.mark.parametrize("name", HOOKS)
def test_hook_is_in_the_plugin_docs(name):
    page = (DOCS / "hooks.md").read_text()
    assert f"nnlessons.hookspecs.{name}" in page, f"docs/hooks.md does not render {name}"
