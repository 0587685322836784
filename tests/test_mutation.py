"""Every bundled exercise's check is measured by mutation: it rejects at least 95 % of the mutants of its
reference (`nnlessons.testing.mutants`), and each mutant it lets through is listed, with why it is
equivalent, in the lesson's ``exercises/mutation.json``, whose figures the lesson's page shows.

After changing a reference or a check: ``python -m nnlessons.testing.mutants LESSON --write``, then
give each new survivor its reason (or make the check catch it).
"""

from __future__ import annotations

import pytest

import second_core
from nnlessons.practice import catalog
from nnlessons.registry import LessonRegistry
from nnlessons.testing.exercise_checks import ExerciseChecker
from nnlessons.testing.mutants import measure, mutants, read_record

REGISTRY = LessonRegistry.from_entry_points()
BUNDLED = {e.full_id: e for e in catalog.all_exercises(REGISTRY) if e.lesson.source.startswith("nnlessons_")}
REQUIRED = 0.95


@pytest.fixture(scope="module")
def mutation_checker(tmp_path_factory, learner_host) -> ExerciseChecker:
    return ExerciseChecker(tmp_path_factory.mktemp("mutants"), learner_host)


@pytest.mark.parametrize("full_id", sorted(BUNDLED))
def test_the_check_rejects_the_mutants_of_its_reference(request, full_id):
    """Measured by tests/second_core.py in a second process while the other tests ran."""
    exercise = BUNDLED[full_id].exercise
    measured = second_core.mutation_reports(request.config).get(full_id)
    assert measured, f"{full_id} was not measured"
    record = read_record(exercise).get(exercise.id)
    lesson = full_id.split("/")[0]
    assert record, f"no mutation record for {full_id}: run python -m nnlessons.testing.mutants {full_id} --write"
    survivors, timed_out = set(measured["survivors"]), set(measured["timed_out"])
    unexplained = sorted(d for d in survivors if not record["equivalent"].get(d, "").strip())
    assert not unexplained, f"{full_id}: mutants that pass the check with no reason given: {unexplained}"
    stale = sorted(set(record["equivalent"]) - survivors - timed_out)  # a survivor may time out on a slow machine
    assert not stale, f"{full_id}: listed as surviving but now caught (rewrite the record with --write): {stale}"
    caught = measured["caught"] - len(set(record["equivalent"]) & timed_out)
    assert (record["caught"], record["total"]) == (caught, measured["total"]), (
        f"{full_id}: the record says {record['caught']} of {record['total']}, the check caught {caught} of "
        f"{measured['total']}; python -m nnlessons.testing.mutants {lesson} --write")
    assert not measured["total"] or caught / measured["total"] >= REQUIRED, f"{full_id}: {caught} of {measured['total']}"


def test_mutants_are_the_mistakes_the_issue_names():
    source = (
        "import torch\n\n"
        "def step(model, optimizer, x, y, dim=1):\n"
        "    optimizer.zero_grad()\n"
        "    loss = ((model(x) - y) ** 2).mean()\n"
        "    loss.backward()\n"
        "    optimizer.step()\n"
        "    model.eval()\n"
        "    with torch.no_grad():\n"
        "        p = torch.softmax(model(x).T, dim=1).max(dim=1, keepdim=True).values\n"
        "    return loss.detach().clone().item() + x.var(unbiased=False).sum() / 2\n"
    )
    described = " | ".join(m.description for m in mutants(source))
    for wanted in ("zero_grad() removed", "backward() removed", "step() removed", "eval() removed", "mean -> sum",
                   "softmax -> log_softmax", "keepdim dropped", "dim=2", "dim=0", ".T dropped", ".clone(...) dropped",
                   ".detach(...) dropped", ".item(...) dropped", "unbiased=True", "torch.no_grad() block run with autograd on",
                   "** -> *", "- -> +", "/ -> *", "2 -> 3"):
        assert wanted in described, f"no mutant '{wanted}' in: {described}"
    assert all(m.source != source for m in mutants(source))


def test_a_check_that_ignores_its_input_catches_few_mutants(mutation_checker, tmp_path):
    """The measure itself: a check that passes everything catches only the mutants that do not run."""
    import dataclasses

    exercise = BUNDLED["gd-variants/mse-gradient"].exercise
    lenient = dataclasses.replace(exercise, check="nnlessons.testing.mutants:_accept_anything")
    report = measure(lenient, mutation_checker)
    assert report.total > 3 and report.caught == 0, report.figure
