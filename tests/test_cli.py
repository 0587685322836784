"""The CLI against plugins registered on a fresh registry: list, explain, run, options and errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from demo_plugins import BadInputLesson, CountingLesson, ExplainingLesson, FailingLesson, NoRunHook
from nnlessons import Option, __version__, hookimpl
from nnlessons.cli import cli
from nnlessons.registry import LessonRegistry


@pytest.fixture
def registry() -> LessonRegistry:
    registry = LessonRegistry()
    registry.add("counting", CountingLesson())
    registry.add("explaining", ExplainingLesson())
    registry.add("failing", FailingLesson())
    registry.add("bad-input", BadInputLesson())
    registry.add("no-run", NoRunHook())
    return registry


@pytest.fixture
def invoke(registry):
    def invoke(*args: str, env: dict | None = None):
        env = {"COLUMNS": "200", **(env or {})}  # wide enough that rich does not wrap table cells
        return CliRunner().invoke(cli, list(args), obj={"registry": registry}, env=env)

    return invoke


def run_json(invoke, tmp_path: Path, *args: str) -> dict:
    result = invoke("run", "counting", "--device", "cpu", "--json", "--out", str(tmp_path / "out"), *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_version():
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert __version__ in result.output


def test_list_shows_lessons_and_broken_plugins(invoke):
    result = invoke("list")
    assert result.exit_code == 0
    assert "Counting" in result.output and "Sums random numbers." in result.output
    assert "BROKEN" in result.output and "missing hook nnlessons_run" in result.output


def test_list_json(invoke):
    result = invoke("list", "--json")
    assert result.exit_code == 0
    lessons = {entry["id"]: entry for entry in json.loads(result.stdout)}
    counting = lessons["counting"]
    assert counting["title"] == "Counting"
    assert counting["concepts"] == ["seeds"]
    assert counting["cpu_seconds"] == 1 and counting["needs_download"] is False
    assert [o["flag"] for o in counting["options"]] == ["--steps", "--scale", "--mode", "--plot", "--label", "--csv"]
    options = {o["name"]: o for o in counting["options"]}
    assert options["steps"] == {
        "name": "steps", "flag": "--steps", "type": "int", "default": 5, "help": "How many numbers.",
        "min": 1, "max": 100, "min_open": False, "max_open": False, "allow_nonfinite": False,
        "choices": None, "quick": 2, "envvar": None,
    }
    assert options["mode"]["choices"] == ["sum", "mean"] and options["mode"]["min"] is None
    assert options["label"]["envvar"] == "COUNTING_LABEL" and options["label"]["default"] == "x.csv"
    assert options["csv"]["default"] is None and options["csv"]["quick"] is None
    assert lessons["no-run"]["broken"] is True


def test_list_json_option_spec_has_open_bounds_and_stays_valid_json():
    from nnlessons.cli import option_spec

    spec = option_spec(Option("p", float, float("inf"), "A probability.", min=0.0, max=1.0, max_open=True,
                              quick=0.5, envvar="P", allow_nonfinite=True))
    assert (spec["min"], spec["max"], spec["min_open"], spec["max_open"]) == (0.0, 1.0, False, True)
    assert spec["quick"] == 0.5 and spec["envvar"] == "P" and spec["allow_nonfinite"] is True
    assert spec["default"] == "inf"  # JSON has no infinity: json.loads would refuse Infinity elsewhere
    json.dumps(spec, allow_nan=False)


def test_explain_renders_docstring_and_options(invoke):
    result = invoke("explain", "counting")
    assert result.exit_code == 0
    assert "Counting" in result.output and "Adds numbers." in result.output
    assert "--steps" in result.output and "How many numbers." in result.output


def test_explain_hook_wins(invoke):
    result = invoke("explain", "explaining")
    assert "Text from the explain hook." in result.output


def test_run_writes_record_with_everything_needed_to_reproduce(invoke, tmp_path):
    record = run_json(invoke, tmp_path, "--steps", "4", "--seed", "7")
    assert record["lesson"] == "counting" and record["status"] == "ok"
    assert record["seed"] == 7 and record["device"] == "cpu"
    assert record["params"] == {"steps": 4, "scale": 1.0, "mode": "sum", "plot": True, "label": "x.csv", "csv": None}
    assert record["metrics"]["steps"] == 4
    assert record["metrics"]["undefined"] is None  # NaN is not JSON: written as null
    assert isinstance(record["metrics"]["per_step"]["first"], float)  # a tensor scalar became a number
    assert record["versions"]["nnlessons"] == __version__ and record["versions"]["torch"]
    assert record["duration_seconds"] >= 0
    out = tmp_path / "out"
    assert record["artifacts"] == ["values.png"]  # relative to the output folder
    assert (out / "values.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((out / "run.json").read_text()) == record
    assert "NaN" not in (out / "run.json").read_text()
    assert record["command"] == ("nnlessons run counting --seed 7 --device cpu --steps 4 --scale 1.0 "
                                 "--mode sum --plot --label x.csv")


def test_same_seed_same_numbers_other_seed_other_numbers(invoke, tmp_path):
    first = run_json(invoke, tmp_path / "a", "--seed", "3")["metrics"]["total"]
    again = run_json(invoke, tmp_path / "b", "--seed", "3")["metrics"]["total"]
    other = run_json(invoke, tmp_path / "c", "--seed", "4")["metrics"]["total"]
    assert first == again
    assert first != other


def test_quick_uses_quick_values_unless_the_user_sets_them(invoke, tmp_path):
    assert run_json(invoke, tmp_path / "a", "--quick")["params"]["steps"] == 2
    assert run_json(invoke, tmp_path / "b", "--quick", "--steps", "9")["params"]["steps"] == 9
    record = run_json(invoke, tmp_path / "c")
    assert record["params"]["steps"] == 5 and record["metrics"]["quick"] is False


def test_bool_option_and_envvar(invoke, tmp_path):
    result = invoke("run", "counting", "--device", "cpu", "--json", "--no-plot", "--out", str(tmp_path / "o"),
                    env={"COUNTING_LABEL": "from-env.csv"})
    record = json.loads(result.stdout)
    assert record["params"]["plot"] is False and record["artifacts"] == []
    assert record["params"]["label"] == "from-env.csv"


def test_json_keeps_stdout_pure(invoke, tmp_path):
    result = invoke("run", "counting", "--device", "cpu", "--json", "--out", str(tmp_path / "o"))
    json.loads(result.stdout)  # nothing but the record on stdout
    assert "values" in result.stderr  # the tables went to stderr


def test_run_help_lists_lesson_options(invoke):
    result = invoke("run", "counting", "--help")
    assert result.exit_code == 0
    for text in ("--steps", "1<=x<=100", "--quick: 2", "--mode", "--no-plot", "--device", "--seed", "--out", "--json"):
        assert text in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "countin"], "No lesson called 'countin'. Did you mean 'counting'?"),
        (["explain", "countng"], "Did you mean 'counting'?"),
        (["run", "counting", "--steps", "many"], "'many' is not a valid integer"),
        (["run", "counting", "--steps", "0"], "0 is not in the range 1<=x<=100"),
        (["run", "counting", "--scale", "11"], "not in the range"),
        (["run", "counting", "--mode", "max"], "'max' is not one of 'sum', 'mean'"),
        (["run", "counting", "--stepz", "3"], "No such option '--stepz'"),
        (["run", "counting", "--device", "gpu"], "Unknown device 'gpu'; use auto, cpu, cuda, cuda:N or mps."),
        (["run", "counting", "--device", "cuda"], "Device 'cuda' is not available on this machine; available devices:"),
        (["run", "counting", "--device", "mps"], "Device 'mps' is not available on this machine"),
        (["run", "no-run"], "Lesson 'no-run' is broken and cannot be used (invalid plugin: missing hook nnlessons_run)"),
        (["run", "bad-input"], "The CSV is missing the column 'actual'"),
    ],
)
def test_bad_input_exits_2_with_one_clear_message(invoke, tmp_path, args, message):
    result = invoke(*args, "--out", str(tmp_path / "o")) if args[0] == "run" and args[1] != "countin" else invoke(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert "Traceback" not in result.output


def test_unwritable_output_folder(invoke, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    result = invoke("run", "counting", "--device", "cpu", "--out", str(blocker / "sub"))
    assert result.exit_code == 2
    assert f"Cannot make the output folder '{blocker / 'sub'}'" in result.output
    assert "choose a writable folder with --out" in result.output
    assert blocker.read_text() == "not a folder"  # nothing lost


def test_lesson_bug_is_one_line_without_debug_and_a_traceback_with_it(invoke, registry, tmp_path):
    result = invoke("run", "failing", "--device", "cpu", "--out", str(tmp_path / "o"))
    assert result.exit_code == 1
    assert "ZeroDivisionError: division by zero in step 3" in result.output
    assert "--debug" in result.output
    assert json.loads((tmp_path / "o" / "run.json").read_text())["status"] == "failed"
    debug = CliRunner().invoke(cli, ["--debug", "run", "failing", "--device", "cpu", "--out", str(tmp_path / "d")],
                               obj={"registry": registry})
    assert isinstance(debug.exception, ZeroDivisionError)  # re-raised: the traceback is shown


def test_default_output_folder_is_new_per_run(invoke, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = invoke("run", "counting", "--device", "cpu", "--json")
    second = invoke("run", "counting", "--device", "cpu", "--json")
    folders = sorted(p.name for p in (tmp_path / "nnlessons-runs").iterdir())
    assert len(folders) == 2 and all(f.startswith("counting-") for f in folders)
    assert json.loads(first.stdout)["metrics"] == json.loads(second.stdout)["metrics"]


def test_threads_option_is_applied_recorded_and_restored(invoke, tmp_path):
    import torch

    before = torch.get_num_threads()
    record = run_json(invoke, tmp_path, "--threads", "1")
    assert record["threads"] == 1
    assert "--threads 1" in record["command"]
    assert torch.get_num_threads() == before


def test_lesson_can_choose_its_cpu_threads(tmp_path):
    import dataclasses

    import torch

    class OneThread(CountingLesson):
        @hookimpl
        def nnlessons_lesson_info(self):
            return dataclasses.replace(super().nnlessons_lesson_info(), id="one-thread", cpu_threads=1)

    before = torch.get_num_threads()
    registry = LessonRegistry()
    registry.add("one-thread", OneThread())
    result = CliRunner().invoke(cli, ["run", "one-thread", "--device", "cpu", "--json", "--out", str(tmp_path / "o")],
                                obj={"registry": registry})
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["threads"] == 1
    assert torch.get_num_threads() == before
