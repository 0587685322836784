"""The one exception a lesson raises when the user's input is wrong."""

from __future__ import annotations

import click


class LessonInputError(click.ClickException):
    """Bad input from the user: a missing file, a CSV with the wrong columns, absent data.

    The CLI prints the message as one line and exits with code 2 (no traceback
    unless ``--debug``). Write the message as one sentence that says what was
    wrong and what would be right.
    """

    exit_code = 2
