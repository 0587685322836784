"""Measure an exercise's check by mutation: small wrong versions of the reference that the check must reject.

A *mutant* is the reference solution with one change a learner could make: an operator
swapped (``+`` for ``-``), a constant moved (``2`` to ``3``), a comparison loosened (``<`` to
``<=``), and the PyTorch mistakes: ``mean`` for ``sum`` (methods, functions and
``reduction=``), ``softmax`` for ``log_softmax``, ``keepdim`` dropped, ``unbiased`` flipped,
``dim`` moved, ``.T``/``.transpose``/``.clone()``/``.detach()``/``.item()`` dropped, a
``zero_grad()``, ``backward()``, ``step()``, ``eval()`` or ``train()`` call removed, a
``with torch.no_grad():`` block run with autograd on. A check *catches* a mutant when the
mutant does not pass. Mutants that still pass are either a weakness of the check or
equivalent to the reference (then the test suite lists them with the reason)::

    from nnlessons.testing.mutants import measure

    report = measure(exercise, checker)        # checker: an ExerciseChecker
    print(report.figure)                       # "47 of 48 mutants caught"

Every mutant is checked exactly as ``nnlessons check`` checks a learner's file, each in its own
learner's process forked from one warm host, so a whole set costs one torch import.
"""

from __future__ import annotations

import ast
import copy
import dataclasses
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BINARY_SWAPS: dict[type, tuple[type, ...]] = {
    ast.Add: (ast.Sub,), ast.Sub: (ast.Add,), ast.Mult: (ast.Div,), ast.Div: (ast.Mult,), ast.Pow: (ast.Mult,),
    ast.FloorDiv: (ast.Div,), ast.MatMult: (ast.Mult,), ast.Mod: (ast.FloorDiv,),
}
COMPARE_SWAPS: dict[type, type] = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
                                   ast.NotEq: ast.Eq}
SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**", ast.FloorDiv: "//", ast.MatMult: "@",
          ast.Mod: "%", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!="}
NAME_SWAPS = {"mean": "sum", "sum": "mean", "softmax": "log_softmax", "log_softmax": "softmax", "amax": "amin",
              "argmax": "argmin"}
DROPPED_CALLS = ("clone", "detach", "item", "t", "transpose", "float", "contiguous")
REMOVED_STATEMENTS = ("zero_grad", "backward", "step", "eval", "train")


@dataclass(frozen=True)
class Mutant:
    """One changed version of a solution: `description` says what changed and where ("line 12: mean -> sum")."""

    description: str
    source: str


@dataclass
class MutationReport:
    """What a check did with every mutant of one exercise's reference."""

    exercise: str
    total: int
    caught: int
    survivors: list[Mutant] = field(default_factory=list)
    timed_out: list[Mutant] = field(default_factory=list)  # counted as caught; on a slow machine a survivor may be here

    @property
    def figure(self) -> str:
        return f"{self.caught} of {self.total} mutants caught"

    @property
    def fraction(self) -> float:
        return self.caught / self.total if self.total else 1.0


def _docstring_nodes(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                found.add(id(first.value))
    return found


def _changed_numbers(value: Any) -> list[Any]:
    if isinstance(value, bool):
        return [not value]
    if isinstance(value, int):
        return [value + 1] if value != 1 else [2, 0]
    if isinstance(value, float):
        return [value * 2 if value else 1.0]
    return []


def _sites(tree: ast.Module) -> Iterator[tuple[int, str, Callable[[ast.AST], Any]]]:
    """(node index in ast.walk order, what changes, how to change the copied node) for every mutation."""
    skip = _docstring_nodes(tree)
    nodes = list(ast.walk(tree))
    for index, node in enumerate(nodes):
        line = f"{getattr(node, 'lineno', 0)}:{getattr(node, 'col_offset', 0) + 1}"  # line:column, as editors show
        if isinstance(node, (ast.BinOp, ast.AugAssign)):
            for new in BINARY_SWAPS.get(type(node.op), ()):
                yield index, f"line {line}: {SYMBOL[type(node.op)]} -> {SYMBOL[new]}", _set_attr("op", new())
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            yield index, f"line {line}: -x -> x", _replace_with_child("operand")
        elif isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in COMPARE_SWAPS:
            new = COMPARE_SWAPS[type(node.ops[0])]
            yield index, f"line {line}: {SYMBOL[type(node.ops[0])]} -> {SYMBOL[new]}", _set_attr("ops", [new()])
        elif isinstance(node, ast.Constant) and id(node) not in skip and not isinstance(node.value, (str, bytes)):
            for new in _changed_numbers(node.value):
                yield index, f"line {line}: {node.value!r} -> {new!r}", _set_attr("value", new)
        elif isinstance(node, ast.Constant) and node.value in ("mean", "sum") and id(node) not in skip:
            new = "sum" if node.value == "mean" else "mean"
            yield index, f"line {line}: {node.value!r} -> {new!r}", _set_attr("value", new)
        elif isinstance(node, ast.Attribute) and node.attr in NAME_SWAPS:
            yield index, f"line {line}: {node.attr} -> {NAME_SWAPS[node.attr]}", _set_attr("attr", NAME_SWAPS[node.attr])
        elif isinstance(node, ast.Attribute) and node.attr == "T":
            yield index, f"line {line}: .T dropped", _replace_with_child("value")
        elif isinstance(node, ast.Call):
            yield from _call_sites(index, line, node)
        elif isinstance(node, ast.With) and any("no_grad" in ast.unparse(item.context_expr) for item in node.items):
            yield index, f"line {line}: torch.no_grad() block run with autograd on", _unwrap_with


def _call_sites(index: int, line: int, node: ast.Call) -> Iterator[tuple[int, str, Callable[[ast.AST], Any]]]:
    function = node.func
    if isinstance(function, ast.Attribute) and function.attr in DROPPED_CALLS:
        yield index, f"line {line}: .{function.attr}(...) dropped", _drop_call
    for k, keyword in enumerate(node.keywords):
        if keyword.arg == "keepdim":
            yield index, f"line {line}: keepdim dropped", _drop_keyword(k)
        elif keyword.arg in ("unbiased",) and isinstance(keyword.value, ast.Constant):
            yield index, f"line {line}: unbiased={not keyword.value.value}", _keyword_value(k, not keyword.value.value)
        elif keyword.arg == "dim" and isinstance(keyword.value, ast.Constant) and isinstance(keyword.value.value, int):
            for new in (keyword.value.value + 1, keyword.value.value - 1):
                yield index, f"line {line}: dim={new}", _keyword_value(k, new)


def _set_attr(name: str, value: Any) -> Callable[[ast.AST], Any]:
    def change(node: ast.AST) -> ast.AST:
        setattr(node, name, value)
        return node

    return change


def _replace_with_child(name: str) -> Callable[[ast.AST], Any]:
    return lambda node: getattr(node, name)


def _drop_call(node: ast.Call) -> ast.AST:
    return node.func.value  # x.clone() -> x


def _drop_keyword(k: int) -> Callable[[ast.AST], Any]:
    def change(node: ast.Call) -> ast.AST:
        del node.keywords[k]
        return node

    return change


def _keyword_value(k: int, value: Any) -> Callable[[ast.AST], Any]:
    def change(node: ast.Call) -> ast.AST:
        node.keywords[k].value = ast.Constant(value)
        return node

    return change


def _unwrap_with(node: ast.With) -> list[ast.stmt]:
    return node.body


class _Replace(ast.NodeTransformer):
    def __init__(self, target: ast.AST, change: Callable[[ast.AST], Any]) -> None:
        self.target = target
        self.change = change

    def visit(self, node: ast.AST) -> Any:
        if node is self.target:
            return self.change(node)
        return super().visit(node)


def _removed_statements(tree: ast.Module) -> Iterator[tuple[str, ast.Module]]:
    """Trees with one ``x.zero_grad()``-like statement left out (``pass`` where it was the only one)."""
    for parent in ast.walk(tree):
        for name in ("body", "orelse", "finalbody"):
            block = getattr(parent, name, None)
            if not isinstance(block, list):
                continue
            for position, statement in enumerate(block):
                call = statement.value if isinstance(statement, ast.Expr) else None
                if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr in REMOVED_STATEMENTS:
                    changed = copy.deepcopy(tree)
                    twin = _find_same(tree, changed, parent)
                    new_block = getattr(twin, name)
                    del new_block[position]
                    if not new_block:
                        new_block.append(ast.Pass())
                    yield f"line {statement.lineno}:{statement.col_offset + 1}: {call.func.attr}() removed", changed


def _find_same(original: ast.AST, copied: ast.AST, node: ast.AST) -> ast.AST:
    for a, b in zip(ast.walk(original), ast.walk(copied)):
        if a is node:
            return b
    raise LookupError("node not found")


def mutants(source: str) -> list[Mutant]:
    """Every mutant of `source`, each a different program from the reference and from each other."""
    tree = ast.parse(source)
    reference = ast.unparse(tree)
    found: dict[str, Mutant] = {}
    for index, description, change in _sites(tree):
        changed = copy.deepcopy(tree)
        target = list(ast.walk(changed))[index]
        mutated = ast.fix_missing_locations(_Replace(target, change).visit(changed))
        _keep(found, reference, description, mutated)
    for description, changed in _removed_statements(tree):
        _keep(found, reference, description, changed)
    return list(found.values())


def _keep(found: dict[str, Mutant], reference: str, description: str, tree: ast.Module) -> None:
    try:
        text = ast.unparse(ast.fix_missing_locations(tree))
        compile(text, "<mutant>", "exec")
    except (SyntaxError, ValueError, TypeError):
        return
    if text != reference and text not in found:
        found[text] = Mutant(description, text)


def measure(exercise: Any, checker: Any, *, timeout: float | None = None) -> MutationReport:
    """Check every mutant of `exercise`'s reference with `checker` (an ExerciseChecker); count what it caught.

    Each mutant runs under `timeout` seconds (default: a third of the exercise's own limit, so a
    mutant that loops for ever costs little); a mutant that times out counts as caught.
    """
    limited = dataclasses.replace(exercise, timeout=timeout or max(5.0, exercise.timeout / 3))
    found = mutants(exercise.solution_text())
    statuses = [checker.check(limited, m.source)["status"] for m in found]
    survivors = [m for m, status in zip(found, statuses) if status == "passed"]
    timed_out = [m for m, status in zip(found, statuses) if status == "timeout"]
    return MutationReport(exercise.id, len(found), len(found) - len(survivors), survivors, timed_out)


def _accept_anything(_learner: Any) -> str:
    """A check that checks nothing: the mutation tests' example of a check every mutant passes."""
    return "nothing was checked"


# ---- the record a lesson keeps: mutation.json beside its exercises ----------------------------------

RECORD = "mutation.json"


def record_path(exercise: Any) -> Any:
    """``mutation.json`` in the exercise's package: per exercise, the figure and the equivalent survivors."""
    from importlib.resources import files

    return files(exercise.package) / RECORD


def read_record(exercise: Any) -> dict[str, Any]:
    """The lesson's record ({} if it has none): ``{exercise id: {"caught", "total", "equivalent": {mutant: why}}}``."""
    import json

    path = record_path(exercise)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def main(argv: list[str] | None = None) -> int:
    """``python -m nnlessons.testing.mutants LESSON[/EXERCISE] ... [--write]``: measure, print, update mutation.json."""
    import argparse
    import json
    import tempfile

    from nnlessons.practice import catalog
    from nnlessons.practice.learner_host import LearnerHost
    from nnlessons.registry import LessonRegistry
    from nnlessons.testing.exercise_checks import ExerciseChecker

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("targets", nargs="*", help="lesson ids or LESSON/EXERCISE (default: every installed lesson)")
    parser.add_argument("--write", action="store_true", help="write the figures into each lesson's mutation.json, "
                                                               "keeping the reasons already given for survivors")
    parser.add_argument("--json", type=Path, help="also write every report into this file (for the test suite)")
    args = parser.parse_args(argv)
    registry = LessonRegistry.from_entry_points()
    targets = args.targets or [lesson.id for lesson in registry.ordered() if not lesson.broken
                               and catalog.exercises_of(registry, lesson)]
    status = 0
    reports: dict[str, Any] = {}
    with LearnerHost() as host, tempfile.TemporaryDirectory() as folder:
        checker = ExerciseChecker(Path(folder), host)
        for target in targets:
            for entry in catalog.resolve(registry, target):
                report = measure(entry.exercise, checker)
                reports[entry.full_id] = {"total": report.total, "caught": report.caught,
                                          "survivors": [m.description for m in report.survivors],
                                          "timed_out": [m.description for m in report.timed_out]}
                record = read_record(entry.exercise)
                known = record.get(entry.exercise.id, {}).get("equivalent", {})
                print(f"{entry.full_id}: {report.figure} ({report.fraction:.0%})")
                for survivor in report.survivors:
                    why = known.get(survivor.description, "")
                    print(f"    survived: {survivor.description}" + (f"  (equivalent: {why})" if why else "  NO REASON GIVEN"))
                    status = status or (0 if why else 1)
                if args.write:
                    record[entry.exercise.id] = {
                        "caught": report.caught, "total": report.total,
                        "equivalent": {m.description: known.get(m.description, "") for m in report.survivors},
                    }
                    path = Path(str(record_path(entry.exercise)))
                    path.write_text(json.dumps(dict(sorted(record.items())), indent=2) + "\n", encoding="utf-8")
    if args.json:
        from nnlessons import atomic_files

        atomic_files.write_text(args.json, json.dumps(reports, indent=2) + "\n")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
