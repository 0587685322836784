"""Shared fixtures of this repository's tests.

Running a lesson (``run_lesson``, ``expect_usage_error``, ``check_device_placement``, ``check_exercise``)
comes from the public pytest plugin ``nnlessons.testing``, the same fixtures a lesson author's tests get.
"""

from __future__ import annotations

import pytest

# SIGTERM stops the session, also while a lesson runs in-process; the mutants and the option sweep run in a
# second process, on the core the rest leaves idle
pytest_plugins = ["sigterm_session", "second_core"]


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path_factory, monkeypatch):
    """Progress and other per-user files go to a fresh folder, never the real user's data folder."""
    home = tmp_path_factory.mktemp("user-data")
    monkeypatch.setenv("XDG_DATA_HOME", str(home))
    monkeypatch.delenv("NNLESSONS_WORKSPACE", raising=False)
    return home


@pytest.fixture
def one_cpu_thread():
    """torch on one CPU thread for the test, as tiny-model lessons run (LessonInfo.cpu_threads=1)."""
    import torch

    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)
