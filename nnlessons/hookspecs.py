"""The lesson plugin API: three hooks, each documented here.

A lesson is a Python module (or any object) registered under the entry-point
group ``nnlessons.lessons``; the entry-point name is the lesson id::

    [project.entry-points."nnlessons.lessons"]
    my-lesson = "my_lesson_package"

The module implements the hooks below with the ``@hookimpl`` decorator. The
runner calls the hooks of the one lesson it is working with, never of every
installed plugin, so each hook is ``firstresult``: the lesson's answer is the
answer.

Keep the module's top level light: ``nnlessons list`` and ``explain`` import
it, and must not import torch, numpy, pandas or matplotlib. Import those inside
`nnlessons_run` (or in a submodule it imports).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nnlessons.lesson_info import LessonInfo
    from nnlessons.practice.exercise import Exercise
    from nnlessons.run_context import RunContext

PROJECT = "nnlessons"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec(firstresult=True)
def nnlessons_lesson_info() -> LessonInfo:
    """Describe the lesson: id, title, summary, concepts, options. Required.

    Called by ``list``, ``explain`` and ``run``; must be cheap and must not
    import torch.

    :return: a [`LessonInfo`][nnlessons.lesson_info.LessonInfo] whose ``id`` equals the lesson's
        entry-point name.
    """


@hookspec(firstresult=True)
def nnlessons_explain() -> str | None:
    """Return the lesson text, Markdown, shown by ``nnlessons explain``. Optional.

    Return ``None`` (or leave the hook out) to use the plugin module's
    docstring, which is also the page the docs site renders: write it as a
    lesson page (the idea, the formulas, what to look at in the output,
    pitfalls).

    :return: Markdown text, or ``None`` for the module docstring.
    """


@hookspec(firstresult=True)
def nnlessons_check_params(params: Mapping[str, Any]) -> None:
    """Check the option values together, before anything is made. Optional.

    Each option is already within its own bounds and choices; this hook checks the
    rules between options (``--batch-size`` at most ``--n-points``, a list option's
    names all known, a combination too large for a laptop's memory). It runs before
    the device is chosen, the output folder is made or ``run.json`` is written, so a
    refused run leaves nothing behind. Must not import torch.

    :param params: every option's value, by name (the same values the run gets as
        ``ctx.params``).
    :raises LessonInputError: with one sentence saying what is wrong and what would
        be right; the run stops with exit code 2.
    """


@hookspec(firstresult=True)
def nnlessons_run(ctx: RunContext) -> dict[str, Any]:
    """Run the lesson and return its metrics. Required.

    Print with ``ctx.console`` / ``ctx.table``, save plots with
    ``ctx.save_figure``, show long loops with ``ctx.progress``. Put every
    tensor and module on ``ctx.device``. The runner has already seeded
    ``random``, numpy and torch with ``ctx.seed``, made ``ctx.out_dir`` and
    resolved ``ctx.params`` (the lesson's options); it writes ``run.json``
    afterwards. Raise [`LessonInputError`][nnlessons.errors.LessonInputError] for bad user input.

    :param ctx: the run context: device, seed, output folder, console,
        parameter values and helpers.
    :return: metrics, a dict recorded as ``run.json``'s ``metrics``: the numbers the
        same seed on the same device reproduces exactly (measured times go in
        ``ctx.timings`` instead). Values may be numbers, booleans, strings, ``None``,
        lists or tuples of them (a loss per epoch), and dicts of any of these, nested;
        numpy and torch scalars (one element) become plain numbers, ``Path`` text,
        NaN and infinity ``null``, and dict keys strings. A tensor or array of several
        values must be turned into a list first (``.tolist()``).

    ``run.json``'s ``status`` says how the run ended: ``ok`` (this hook returned),
    ``failed`` (it raised; ``error`` holds the sentence of a
    [`LessonInputError`][nnlessons.errors.LessonInputError], exit code 2, or the
    exception's type and message, exit code 1), ``interrupted`` (Ctrl-C, exit code 130)
    or ``terminated`` (SIGTERM, exit code 143). Files saved before a run stopped are
    kept and listed in ``artifacts``.
    """


@hookspec(firstresult=True)
def nnlessons_exercises() -> list[Exercise]:
    """Return the lesson's exercises, in the order a learner should do them. Optional.

    Each [`Exercise`][nnlessons.practice.exercise.Exercise] names a starter file, a reference
    solution and hints (package resources), and a check that compares the learner's code
    with PyTorch. ``nnlessons practice``, ``check``, ``hint``, ``solution``, ``watch`` and
    ``progress`` use them; the docs site lists each exercise's task and hints (never the
    solution). Must be cheap and must not import torch: build the list from constants.

    :return: a list of Exercise objects with ids unique within the lesson.
    """
