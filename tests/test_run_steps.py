"""The run records its steps (one per ctx.heading) and the captions of its figures, for run.json and the docs site."""

from __future__ import annotations

import json

from click.testing import CliRunner

from nnlessons import LessonInfo, hookimpl
from nnlessons.cli import cli
from nnlessons.registry import LessonRegistry


class TwoSteps:
    """# Two steps"""

    @hookimpl
    def nnlessons_lesson_info(self):
        return LessonInfo(id="two-steps", title="Two steps", summary="Headings and a captioned figure.")

    @hookimpl
    def nnlessons_run(self, ctx):
        from matplotlib.figure import Figure

        ctx.write_text("before.txt", "saved before any heading")
        ctx.heading("1. Numbers")
        ctx.console.print("one")
        ctx.heading("2. A plot")
        fig = Figure()
        fig.add_subplot().plot([1, 2])
        ctx.save_figure(fig, "line", caption="A straight line: y grows by 1 per step.")
        ctx.save_figure(fig, "uncaptioned")
        return {}


def run(tmp_path, env=None):
    registry = LessonRegistry()
    registry.add("two-steps", TwoSteps())
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "two-steps", "--device", "cpu", "--out", str(out)], obj={"registry": registry},
                                env={"COLUMNS": "100", **(env or {})})
    assert result.exit_code == 0, result.output
    return result.output, json.loads((out / "run.json").read_text())


def test_steps_and_captions_are_recorded(tmp_path):
    output, record = run(tmp_path)
    assert record["steps"] == [{"title": "1. Numbers", "artifacts": []},
                               {"title": "2. A plot", "artifacts": ["line.png", "uncaptioned.png"]}]
    assert record["captions"] == {"line.png": "A straight line: y grows by 1 per step."}
    assert "<<nnlessons-step" not in output  # markers only when a tool asks for them


def test_step_markers_split_the_output_when_asked(tmp_path):
    output, _ = run(tmp_path, env={"NNLESSONS_STEP_MARKERS": "1"})
    lines = output.splitlines()
    first, second = lines.index("<<nnlessons-step 1>>"), lines.index("<<nnlessons-step 2>>")
    assert first < second and "one" in lines[first:second] and "Numbers" in lines[first + 1]


class BadMetrics:
    """# Bad metrics"""

    @hookimpl
    def nnlessons_lesson_info(self):
        return LessonInfo(id="bad-metrics", title="Bad metrics", summary="Returns a set.")

    @hookimpl
    def nnlessons_run(self, ctx):
        ctx.write_text("kept.txt", "saved before the end")
        return {"classes": {1, 2}}


def test_metrics_run_json_cannot_hold_fail_the_run_but_keep_run_json(tmp_path):
    registry = LessonRegistry()
    registry.add("bad-metrics", BadMetrics())
    out = tmp_path / "out"
    result = CliRunner().invoke(cli, ["run", "bad-metrics", "--device", "cpu", "--out", str(out)], obj={"registry": registry})
    assert result.exit_code == 1 and "metrics that run.json cannot hold" in result.output
    assert "Traceback" not in result.output
    record = json.loads((out / "run.json").read_text())
    assert record["status"] == "failed" and record["metrics"] == {} and record["artifacts"] == ["kept.txt"]
    assert "cannot hold" in record["error"]
