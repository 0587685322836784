"""The registry: one plugin per lesson, broken plugins kept and explained, hooks called per lesson."""

from __future__ import annotations

import pytest

from demo_plugins import CountingLesson, ExplainingLesson, FailingLesson, NoRunHook, TypoHook, WrongIdLesson
from nnlessons import LessonInputError
from nnlessons.registry import LessonRegistry


def make_registry(**plugins) -> LessonRegistry:
    registry = LessonRegistry()
    for lesson_id, plugin in plugins.items():
        registry.add(lesson_id.replace("_", "-"), plugin)
    return registry


def test_valid_plugin_is_registered_with_its_info():
    registry = make_registry(counting=CountingLesson())
    lesson = registry.get("counting")
    assert not lesson.broken
    assert lesson.info.title == "Counting"
    assert [o.name for o in lesson.info.options] == ["steps", "scale", "mode", "plot", "label", "csv"]


@pytest.mark.parametrize(
    ("plugin", "lesson_id", "message"),
    [
        (NoRunHook(), "no-run", "missing hook nnlessons_run"),
        (WrongIdLesson(), "wrong-id", "entry point is named 'wrong-id' but the lesson calls itself 'something-else'"),
        (TypoHook(), "typo", "unknown hook nnlessons_runn"),
        (object(), "empty", "missing hook nnlessons_lesson_info"),
    ],
)
def test_invalid_plugins_are_kept_as_broken_with_the_reason(plugin, lesson_id, message):
    registry = LessonRegistry()
    registry.add("counting", CountingLesson())
    lesson = registry.add(lesson_id, plugin)
    assert lesson.broken
    assert message in lesson.error
    assert not registry.get("counting").broken  # one bad plugin does not spoil the others
    with pytest.raises(LessonInputError, match="broken"):
        registry.runnable(lesson_id)


def test_hooks_are_called_on_one_lesson_only():
    registry = make_registry(counting=CountingLesson(), explaining=ExplainingLesson())
    # both implement nnlessons_lesson_info; a per-lesson call sees only the one asked for
    assert registry.call(registry.get("counting"), "nnlessons_lesson_info").id == "counting"
    assert registry.call(registry.get("explaining"), "nnlessons_lesson_info").id == "explaining"


def test_explain_defaults_to_docstring_and_prefers_the_hook():
    registry = make_registry(counting=CountingLesson(), explaining=ExplainingLesson())
    assert registry.explain_text(registry.get("counting")).startswith("# Counting")
    assert registry.explain_text(registry.get("explaining")) == "# Explained\n\nText from the explain hook."


def test_unknown_id_suggests_close_matches():
    registry = make_registry(counting=CountingLesson(), failing=FailingLesson())
    with pytest.raises(LessonInputError) as excinfo:
        registry.get("countin")
    assert "No lesson called 'countin'. Did you mean 'counting'?" in excinfo.value.message


def test_bundled_lessons_are_found_through_entry_points():
    registry = LessonRegistry.from_entry_points()
    expected = {"cnn-shapes", "manual-grad", "gd-variants", "optimizers", "dataset-dataloader",
                "classification", "save-load", "mnist-mlp", "lstm-mnist", "cnn-mnist"}
    assert expected <= set(registry.lessons)
    for lesson_id in expected:
        lesson = registry.lessons[lesson_id]
        assert not lesson.broken, lesson.error
        assert lesson.source.startswith("nnlessons_")
