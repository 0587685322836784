"""Tests of the save-load lesson: saving and restoring against PyTorch itself, and a whole run through the CLI."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import types
from pathlib import Path

import pytest
import torch
import torch.nn.functional as F
from click.testing import CliRunner
from rich.console import Console
from torch import nn

from nnlessons import LessonInputError
from nnlessons.cli import cli
from nnlessons.run_context import Params, RunContext
from nnlessons_save_load import fresh_process, lesson, pickle_risk, storage
from nnlessons_save_load.data import make_curve, true_curve_loss
from nnlessons_save_load.nets import RegressionNet, copy_by_position, parameter_count, sequential_net
from nnlessons_save_load.pinned_file import PinnedFile
from nnlessons_save_load.training import predict

LESSON = "save-load"
CPU = torch.device("cpu")


pytestmark = pytest.mark.usefixtures("one_cpu_thread")


def make_ctx(tmp_path: Path, **overrides: object) -> RunContext:
    params = {"steps": 100, "lr": 0.5, "points": 100, "noise": 0.2, "hidden": 10}
    params.update(overrides)
    tmp_path.mkdir(parents=True, exist_ok=True)
    return RunContext(lesson_id=LESSON, device=CPU, seed=0, out_dir=tmp_path, params=Params(params), quick=True,
                      console=Console(file=io.StringIO(), width=120), show_progress=False)


@pytest.fixture
def trained(tmp_path: Path) -> tuple[RegressionNet, torch.Tensor]:
    """A net trained by the lesson's own step, and its inputs."""
    x, y = make_curve(torch.Generator().manual_seed(0), 100, 0.2)
    model, _, _ = lesson.show_training(make_ctx(tmp_path / "train"), x, y)
    return model, x


# ---- data and nets ----------------------------------------------------------------------------


def test_curve_is_x_squared_plus_noise_in_0_to_noise() -> None:
    x, y = make_curve(torch.Generator().manual_seed(0), 100, 0.2)
    assert x.shape == y.shape == (100, 1)
    assert torch.equal(x.squeeze(1), torch.linspace(-1, 1, 100))
    noise = y - x.pow(2)
    assert float(noise.min()) >= 0 and float(noise.max()) < 0.2
    again = make_curve(torch.Generator().manual_seed(0), 100, 0.2)[1]
    assert torch.equal(y, again)


def test_best_curve_loss_is_the_uniform_variance() -> None:
    x, y = make_curve(torch.Generator().manual_seed(1), 200_000, 0.2)
    assert true_curve_loss(x, y, 0.2) == pytest.approx(0.2**2 / 12, rel=0.02)


def test_both_nets_compute_the_functional_formula() -> None:
    torch.manual_seed(0)
    subclass, sequential = RegressionNet(), sequential_net()
    copy_by_position(subclass, sequential)
    x = torch.linspace(-1, 1, 50).unsqueeze(1)
    w1, b1, w2, b2 = subclass.state_dict().values()
    oracle = F.linear(F.relu(F.linear(x, w1, b1)), w2, b2)
    assert torch.equal(predict(subclass, x), oracle)
    assert torch.equal(predict(sequential, x), oracle)
    assert parameter_count(subclass) == parameter_count(sequential) == 1 * 10 + 10 + 10 * 1 + 1


def test_state_dict_names_differ_so_loading_by_name_is_refused() -> None:
    refused = lesson.load_by_name(RegressionNet(), sequential_net())
    assert refused.startswith("RuntimeError") and "Missing key(s)" in refused
    assert lesson.load_by_name(RegressionNet(), RegressionNet()) == "loaded"


def test_training_repeats_exactly_and_fits_x_squared_plus_the_noise_mean(tmp_path: Path) -> None:
    x, y = make_curve(torch.Generator().manual_seed(0), 100, 0.2)
    _, first, metrics = lesson.show_training(make_ctx(tmp_path / "a", steps=300), x, y)
    _, again, _ = lesson.show_training(make_ctx(tmp_path / "b", steps=300), x, y)
    assert first == again
    assert metrics["fit_height_above_x_squared"] == pytest.approx(0.1, abs=0.01)
    assert metrics["best_curve_loss"] < metrics["final_loss"] < 1.5 * metrics["best_curve_loss"]


def test_diverging_learning_rate_is_reported_as_bad_input(tmp_path: Path) -> None:
    x, y = make_curve(torch.Generator().manual_seed(0), 100, 0.2)
    with pytest.raises(LessonInputError, match="diverged with --lr 2"):
        lesson.show_training(make_ctx(tmp_path, lr=2.0), x, y)


def test_cli_exits_with_code_2_when_training_diverges(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["run", LESSON, "--quick", "--device", "cpu", "--lr", "2", "--out", str(tmp_path / "run")])
    assert result.exit_code == 2
    assert "Training diverged with --lr 2" in result.output and "smaller learning rate" in result.output


def test_cli_exits_with_code_2_for_an_option_out_of_bounds(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["run", LESSON, "--steps", "0", "--out", str(tmp_path / "run")])
    assert result.exit_code == 2
    assert "--steps" in result.output


# ---- saving and loading -----------------------------------------------------------------------


def test_files_are_zip_archives_and_only_the_whole_model_names_classes(tmp_path: Path, trained) -> None:
    model, _ = trained
    whole = storage.describe(storage.save_whole_model(model, tmp_path / "whole.pt"))
    state = storage.describe(storage.save_state_dict(model, tmp_path / "state.pt"))
    assert whole.is_zip and state.is_zip
    assert sorted(whole.globals_needed) == ["nnlessons_save_load.nets.RegressionNet", "torch.nn.modules.linear.Linear"]
    assert state.globals_needed == []


def test_default_load_refuses_the_whole_model_and_every_restore_is_exact(tmp_path: Path, trained) -> None:
    model, x = trained
    whole_path = storage.save_whole_model(model, tmp_path / "whole.pt")
    state_path = storage.save_state_dict(model, tmp_path / "state.pt")
    refused, message = storage.load_whole_with_defaults(whole_path, CPU)
    assert refused is None
    assert "Weights only load failed" in message and "nnlessons_save_load.nets.RegressionNet" in message
    original = predict(model, x)
    restored = [storage.load_whole_trusting(PinnedFile.of(whole_path), CPU), storage.load_whole_allowlisted(whole_path, CPU),
                storage.load_state_dict_safely(state_path, CPU, hidden=10)]
    for net in restored:
        assert type(net) is RegressionNet and net is not model
        assert torch.equal(predict(net, x), original)
        assert storage.shares_storage(model, net) == 0
    assert storage.shares_storage(model, model) == 4  # the check can say yes


def test_state_dict_loads_with_torchs_own_safe_loader(tmp_path: Path, trained) -> None:
    model, _ = trained
    path = storage.save_state_dict(model, tmp_path / "state.pt")
    loaded = torch.load(path, weights_only=True)
    assert list(loaded) == ["hidden.weight", "hidden.bias", "predict.weight", "predict.bias"]
    assert all(torch.equal(loaded[k], v) for k, v in model.state_dict().items())


def test_whole_model_costs_the_same_extra_bytes_at_any_width() -> None:
    (h1, p1, whole1, state1), (h2, p2, whole2, state2) = storage.size_overhead([10, 1000], CPU)
    assert (p1, p2) == (31, 3001)
    assert whole1 - state1 == whole2 - state2 > 0
    assert state2 - state1 >= (p2 - p1) * 4  # float32 parameters dominate the growth


def test_error_summary_keeps_the_headline_and_the_refused_global() -> None:
    exc = RuntimeError("Weights only load failed. In PyTorch 2.6 we changed things.\n\t\x1b[1mmore\x1b[0m\n"
                       "\tWeightsUnpickler error: Unsupported global: GLOBAL a.B was not allowed. Please use x.\nDocs.")
    assert storage.error_summary(exc) == (
        "RuntimeError: Weights only load failed. WeightsUnpickler error: Unsupported global: GLOBAL a.B was not allowed.")


def test_a_pickle_runs_code_only_when_trusted() -> None:
    outcome = pickle_risk.demonstrate()
    assert outcome.safe_load_refused and "posix.mkdir" in outcome.safe_load_message
    assert not outcome.folder_after_safe_load
    assert outcome.folder_after_unsafe_load


def test_a_swapped_whole_model_file_is_refused_not_unpickled(tmp_path: Path, trained) -> None:
    model, _ = trained
    pinned = PinnedFile.of(storage.save_whole_model(model, tmp_path / "whole.pt"))
    made_by_load = tmp_path / "made-by-torch-load"
    torch.save(pickle_risk.MakesAFolderWhenLoaded(made_by_load), pinned.path)  # someone swaps the file
    with pytest.raises(LessonInputError, match="whole.pt is not the file this run saved") as refused:
        storage.load_whole_trusting(pinned, CPU)
    assert "\n" not in str(refused.value)
    assert not made_by_load.exists()  # its pickle never ran
    pinned.path.unlink()
    with pytest.raises(LessonInputError, match="Cannot read back whole.pt"):
        storage.load_whole_trusting(pinned, CPU)


def test_the_fresh_process_refuses_a_swapped_file_in_one_line(tmp_path: Path, trained) -> None:
    model, x = trained
    pinned = PinnedFile.of(storage.save_whole_model(model, tmp_path / "whole.pt"))
    state = storage.save_state_dict(model, tmp_path / "state.pt")
    torch.save(x, tmp_path / "x.pt")
    made_by_load = tmp_path / "made-by-torch-load"
    torch.save(pickle_risk.MakesAFolderWhenLoaded(made_by_load), pinned.path)
    with pytest.raises(LessonInputError) as refused:
        fresh_process.restore_in_fresh_process(pinned, state, tmp_path / "x.pt", tmp_path / "out.pt", "cpu", cwd=tmp_path)
    assert str(refused.value).startswith("whole.pt is not the file this run saved")
    assert "Traceback" not in str(refused.value) and "\n" not in str(refused.value)
    assert not made_by_load.exists()


def test_a_crashing_fresh_process_is_reported_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    crash = [sys.executable, "-I", "-c", "raise ValueError('too ' * 99)"]  # a traceback with a long last line
    monkeypatch.setattr(fresh_process, "child_command", lambda *args: crash)
    pinned = PinnedFile(tmp_path / "whole.pt", "0" * 64)
    with pytest.raises(fresh_process.FreshProcessFailed) as failed:
        fresh_process.restore_in_fresh_process(pinned, tmp_path / "s.pt", tmp_path / "x.pt", tmp_path / "o.pt", "cpu", cwd=tmp_path)
    message = str(failed.value)
    assert message.startswith("the fresh Python process failed (exit code 1): ValueError: too too")
    assert "Traceback" not in message and "\n" not in message
    assert len(message) < 400 and message.endswith(" ...")


def test_last_line_is_cut_at_a_word_with_dots() -> None:
    words = " ".join(f"word{i}" for i in range(200))
    line = fresh_process.last_line(f"Traceback (most recent call last):\n  File x\nValueError: {words}\n\n")
    assert line.startswith("ValueError: word0 word1") and line.endswith(" ...")
    assert len(line) <= fresh_process.ERROR_CHARACTERS and line[:-4].split()[-1] in words.split()
    assert fresh_process.last_line("") == "no error message"


def test_fresh_process_main_writes_predictions_of_both_files(tmp_path: Path, trained, capsys) -> None:
    model, x = trained
    whole = PinnedFile.of(storage.save_whole_model(model, tmp_path / "whole.pt"))
    state = storage.save_state_dict(model, tmp_path / "state.pt")
    torch.save(x, tmp_path / "x.pt")
    fresh_process.main([str(whole.path), whole.sha256, str(state), str(tmp_path / "x.pt"), str(tmp_path / "out.pt"), "cpu"])
    report = json.loads(capsys.readouterr().out)
    assert report["pid"] == os.getpid()
    predictions = torch.load(tmp_path / "out.pt", weights_only=True)
    assert torch.equal(predictions["whole"], predict(model, x))
    assert torch.equal(predictions["state_dict"], predict(model, x))


# ---- a whole run ------------------------------------------------------------------------------


def test_quick_run_restores_exactly_here_and_in_a_fresh_process(run_lesson) -> None:
    record = run_lesson(LESSON)
    assert record["threads"] == 1  # LessonInfo.cpu_threads
    m = record["metrics"]
    assert m["max_abs_diff_restored"] == 0
    assert all(v == 0 for v in m["restored_max_abs_diff"].values()) and len(m["restored_max_abs_diff"]) == 3
    assert m["fresh_process_max_abs_diff"] == {"whole_model": 0.0, "state_dict": 0.0}
    assert m["fresh_process_is_other_process"] == 1 and m["fresh_process_imported_class_on_load"] == 1
    assert m["default_load_refused_whole_model"] == 1 and m["restored_sharing_memory"] == 0
    assert m["sequential_by_name_refused"] == 1 and m["sequential_copy_max_abs_diff"] == 0
    assert m["parameters"] == m["sequential_parameters"] == 31
    assert (m["whole_model_names_classes"], m["state_dict_names_classes"]) == (2, 0)
    assert m["size_difference_bytes"]["hidden10"] == m["size_difference_bytes"]["hidden1000"]
    assert m["safe_load_refused_code"] == 1 and m["unsafe_load_ran_code"] == 1
    assert m["fit_height_above_x_squared"] == pytest.approx(0.1, abs=0.01)
    out = record.out_dir
    assert {Path(p).name for p in record["artifacts"]} >= {"whole_model.pt", "state_dict.pt", "fits.png"}
    from_state = storage.load_state_dict_safely(out / "state_dict.pt", CPU, hidden=10)
    from_whole = storage.load_whole_trusting(PinnedFile.of(out / "whole_model.pt"), CPU)
    x = torch.linspace(-1, 1, 100).unsqueeze(1)
    assert torch.equal(predict(from_state, x), predict(from_whole, x))
    assert not [name for name in record["artifacts"] if ".part" in name or name.startswith(".")]
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".") and p.name != ".nnlessons.lock") == []


SHADOWING_MODULE = """
import pathlib
pathlib.Path(__file__).with_suffix(".imported").write_text("executed")
raise ImportError("a beginner's own module, not the real one")
"""


def test_a_json_py_or_torch_py_in_the_current_folder_is_never_executed(
    run_lesson, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    workdir = tmp_path / "my-project"
    workdir.mkdir()
    for name in ("json.py", "torch.py"):
        (workdir / name).write_text(SHADOWING_MODULE)
    monkeypatch.chdir(workdir)
    record = run_lesson(LESSON)
    assert record["metrics"]["fresh_process_max_abs_diff"] == {"whole_model": 0.0, "state_dict": 0.0}
    assert sorted(p.name for p in workdir.iterdir()) == ["json.py", "torch.py"]  # no .imported marker


def test_plugin_module_does_not_import_torch() -> None:
    code = "import sys, nnlessons_save_load as p; p.nnlessons_lesson_info(); print(sorted({'torch', 'numpy', 'pandas', 'matplotlib'} & set(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_whole_model_file_stops_loading_when_its_class_moves(tmp_path: Path) -> None:
    """The file stores the class's module path; once that module is gone, loading fails."""
    module = types.ModuleType("nnlessons_test_moved_models")

    class MovedNet(nn.Linear):
        pass

    MovedNet.__module__, MovedNet.__qualname__ = module.__name__, "MovedNet"
    module.MovedNet = MovedNet
    sys.modules[module.__name__] = module
    try:
        torch.save(MovedNet(1, 1), tmp_path / "moved.pt")
        assert type(torch.load(tmp_path / "moved.pt", weights_only=False)) is MovedNet  # loads while the module exists
    finally:
        del sys.modules[module.__name__]
    with pytest.raises(ModuleNotFoundError, match="nnlessons_test_moved_models"):
        torch.load(tmp_path / "moved.pt", weights_only=False)


def test_the_package_requires_the_torch_that_the_lesson_relies_on() -> None:
    """The lesson relies on torch.load's weights_only=True default (PyTorch 2.6) and on
    torch.serialization.safe_globals (2.5): pyproject.toml must not allow an older torch, nor a
    torchvision built for one (0.21 is the release for torch 2.6)."""
    import re
    import tomllib

    pyproject = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text(encoding="utf-8"))
    lower = {}
    for requirement in pyproject["project"]["dependencies"]:
        found = re.fullmatch(r"(torch|torchvision)>=([0-9.]+),.*", requirement)
        if found:
            lower[found[1]] = tuple(int(part) for part in found[2].split("."))
    assert lower["torch"] >= (2, 6) and lower["torchvision"] >= (0, 21), lower
    assert hasattr(torch.serialization, "safe_globals")  # what the text's second way uses
