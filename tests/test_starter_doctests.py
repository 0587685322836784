"""Every starter's examples are doctests that the reference solution passes, and a starter never holds the answer.

The examples in a starter's docstring (``>>> ...``) are run with the reference solution's functions
and classes in place of the starter's, in a fresh namespace with torch imported: what the task
shows a learner is what a right answer prints.
"""

from __future__ import annotations

import ast
import doctest

import pytest

from nnlessons.practice import catalog
from nnlessons.registry import LessonRegistry

REGISTRY = LessonRegistry.from_entry_points()
BUNDLED = {e.full_id: e for e in catalog.all_exercises(REGISTRY) if e.lesson.source.startswith("nnlessons_")}


def reference_namespace(source: str) -> dict:
    namespace: dict = {"__name__": "reference"}
    exec(compile(source, "<reference>", "exec"), namespace)  # noqa: S102 - the lesson's own reference solution
    return namespace


@pytest.mark.parametrize("full_id", sorted(BUNDLED))
def test_the_starters_examples_pass_with_the_reference(full_id):
    exercise = BUNDLED[full_id].exercise
    starter = exercise.starter_text()
    examples = doctest.DocTestParser().get_doctest(ast.get_docstring(ast.parse(starter)) or "", reference_namespace(
        exercise.solution_text()), full_id, exercise.file_name, 0)
    assert examples.examples, f"{full_id}: the starter shows no example (>>> lines) of what a right answer gives"
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    failures = []
    runner.run(examples, out=failures.append)
    assert runner.failures == 0, "".join(failures)


@pytest.mark.parametrize("full_id", sorted(BUNDLED))
def test_the_starter_does_not_hold_the_reference(full_id):
    """No line of the reference's function bodies appears in the starter (docstrings and trivial lines aside)."""
    exercise = BUNDLED[full_id].exercise
    starter = exercise.starter_text()
    tree = ast.parse(exercise.solution_text())
    body_lines = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for statement in node.body:
                if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                    continue  # a docstring
                for line in ast.unparse(statement).splitlines():
                    line = line.strip()
                    if len(line) > 24 and not line.startswith(("return None", "raise NotImplementedError", "super().")):
                        body_lines.add(line)
    normalised = {" ".join(line.strip().removeprefix(">>>").removeprefix("...").split()) for line in starter.splitlines()}
    leaked = sorted(line for line in body_lines if " ".join(line.split()) in normalised)
    assert not leaked, f"{full_id}: the starter contains lines of the reference: {leaked}"
