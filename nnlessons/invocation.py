"""The lesson registry of one command invocation: loaded from entry points on first use, injectable by tests.

The CLI and the practice commands both ask it, so neither imports the other for it.
"""

from __future__ import annotations

import click

from nnlessons.registry import LessonRegistry


def registry_of(ctx: click.Context) -> LessonRegistry:
    """The registry for this invocation, loaded from entry points on first use (tests inject one as ``obj["registry"]``)."""
    obj = ctx.ensure_object(dict)
    if "registry" not in obj:
        obj["registry"] = LessonRegistry.from_entry_points()
    return obj["registry"]
