"""The option sweep, when the second process ran it (see tests/second_core.py): it must have passed."""

from __future__ import annotations

import pytest

import second_core


def test_the_option_sweep_passed_in_the_second_process(request):
    result = second_core.sweep_result(request.config)
    if result is None:
        pytest.skip("the option sweep ran in this session (or was not collected)")
    code, report = result
    assert code == 0, f"the option sweep failed in the second process (exit code {code}):\n{report[-6000:]}"
    assert " passed" in report.splitlines()[-1], report[-2000:]
