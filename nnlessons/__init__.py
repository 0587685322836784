"""nnlessons: a command-line course in PyTorch fundamentals.

Lesson plugins import what they need from here::

    from nnlessons import hookimpl, LessonInfo, Option, LessonInputError

Nothing in this module imports torch, so ``nnlessons list`` stays fast.
"""

from nnlessons.errors import LessonInputError
from nnlessons.hookspecs import hookimpl
from nnlessons.lesson_info import LessonInfo, Option

__version__ = "0.1.0"

__all__ = ["LessonInfo", "LessonInputError", "Option", "__version__", "hookimpl"]
