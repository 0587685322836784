"""Find lesson plugins through entry points and call the hooks of one lesson."""

from __future__ import annotations

import difflib
import inspect
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

import pluggy

from nnlessons import hookspecs
from nnlessons.errors import LessonInputError
from nnlessons.lesson_info import LessonInfo

ENTRY_POINT_GROUP = "nnlessons.lessons"
REQUIRED_HOOKS = ("nnlessons_lesson_info", "nnlessons_run")


@dataclass
class Lesson:
    """One installed lesson: its plugin and info, or why it is broken."""

    id: str
    plugin: Any = None
    info: LessonInfo | None = None
    error: str | None = None
    source: str = ""

    @property
    def broken(self) -> bool:
        return self.error is not None


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0]}" if text else type(exc).__name__


class LessonRegistry:
    """The installed lessons, keyed by id, on one pluggy plugin manager."""

    def __init__(self) -> None:
        self.pm = pluggy.PluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.lessons: dict[str, Lesson] = {}

    @classmethod
    def from_entry_points(cls, group: str = ENTRY_POINT_GROUP) -> LessonRegistry:
        """Load every plugin registered under `group`; a plugin that fails is kept as broken."""
        registry = cls()
        for ep in entry_points(group=group):
            if ep.name in registry.lessons:
                continue  # the same distribution seen twice on sys.path
            try:
                plugin = ep.load()
            except Exception as exc:  # a broken plugin must never break `list`
                registry.lessons[ep.name] = Lesson(ep.name, error=f"cannot import {ep.value}: {_one_line(exc)}", source=ep.value)
                continue
            registry.add(ep.name, plugin, source=ep.value)
        return registry

    def add(self, lesson_id: str, plugin: Any, source: str = "") -> Lesson:
        """Register `plugin` as lesson `lesson_id` and check it (tests call this directly)."""
        lesson = Lesson(lesson_id, plugin=plugin, source=source or getattr(plugin, "__name__", repr(plugin)))
        self.lessons[lesson_id] = lesson
        try:
            self.pm.register(plugin, name=lesson_id)
        except Exception as exc:
            lesson.error = f"invalid plugin: {_one_line(exc)}"
            return lesson
        unknown = [h.name for h in self.pm.get_hookcallers(plugin) or [] if not h.has_spec()]
        implemented = {h.name for h in self.pm.get_hookcallers(plugin) or []}
        missing = [name for name in REQUIRED_HOOKS if name not in implemented]
        if unknown or missing:
            problems = [f"unknown hook {name}" for name in unknown] + [f"missing hook {name}" for name in missing]
            lesson.error = "invalid plugin: " + ", ".join(problems)
            self.pm.unregister(plugin)
            lesson.plugin = None
            return lesson
        try:
            info = self.call(lesson, "nnlessons_lesson_info")
        except Exception as exc:
            lesson.error = f"nnlessons_lesson_info failed: {_one_line(exc)}"
            return lesson
        if not isinstance(info, LessonInfo):
            lesson.error = f"nnlessons_lesson_info returned {type(info).__name__}, not LessonInfo"
        elif info.id != lesson_id:
            lesson.error = f"entry point is named {lesson_id!r} but the lesson calls itself {info.id!r}"
        else:
            lesson.info = info
        return lesson

    def call(self, lesson: Lesson, hook_name: str, **kwargs: Any) -> Any:
        """Call hook `hook_name` of this one lesson's plugin only."""
        others = [p for p in self.pm.get_plugins() if p is not lesson.plugin]
        caller = self.pm.subset_hook_caller(hook_name, remove_plugins=others)
        return caller(**kwargs)

    def ordered(self) -> list[Lesson]:
        """Lessons in course order; broken ones last."""
        return sorted(self.lessons.values(), key=lambda l: (l.broken, l.info.order if l.info else 0, l.id))

    def get(self, lesson_id: str) -> Lesson:
        """The lesson called `lesson_id`; LessonInputError with suggestions if there is none."""
        try:
            return self.lessons[lesson_id]
        except KeyError:
            raise LessonInputError(self.unknown_message(lesson_id)) from None

    def unknown_message(self, lesson_id: str) -> str:
        close = difflib.get_close_matches(lesson_id, list(self.lessons), n=3, cutoff=0.5)
        hint = f" Did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        return f"No lesson called {lesson_id!r}.{hint} Run 'nnlessons list' to see the installed lessons."

    def runnable(self, lesson_id: str) -> Lesson:
        """The lesson, or LessonInputError if it is unknown or broken."""
        lesson = self.get(lesson_id)
        if lesson.broken:
            raise LessonInputError(f"Lesson {lesson_id!r} is broken and cannot be used ({lesson.error}); reinstall or fix the package that provides it.")
        return lesson

    def explain_text(self, lesson: Lesson) -> str:
        """The lesson's Markdown: its explain hook, else its plugin module's docstring."""
        text = self.call(lesson, "nnlessons_explain")
        if text is None:
            text = inspect.getdoc(lesson.plugin)
        return text or f"# {lesson.info.title}\n\n{lesson.info.summary}"
