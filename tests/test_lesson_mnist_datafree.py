"""Without MNIST the MNIST lessons still teach their first part: tables and plots of drawn digits, then exit 2.

The docs build and CI have no MNIST and no network; each MNIST lesson runs the part that needs no
data first, saving its figures, and only then stops with the data layer's message.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch
from click.testing import CliRunner
from PIL import Image

from nnlessons.cli import cli
from nnlessons.drawn_digit import DRAWABLE_DIGITS, draw_digit, draw_digits

#: lesson id -> (the PNGs it saves before loading MNIST, text its data-free tables print)
DATA_FREE_PART = {
    "lstm-mnist": ({"lstm_reads_rows.png"}, ("[4, 28, 100]", "53,010", "the gate equations written by hand")),
    "mnist-mlp": ({"flattened_digit.png", "hidden_unit_templates.png"},
                  ("[4, 28, 28] -> [4, 784]", "203,530", "One loss, three spellings")),
    "cnn-mnist": ({"lenet_shapes.png"}, ("16@5x5", "61,706", "29,178", "nn.Dropout(p=0.3)")),
}


@pytest.mark.parametrize("lesson_id", sorted(DATA_FREE_PART))
def test_without_mnist_the_data_free_part_runs_then_exit_2(tmp_path: Path, lesson_id: str) -> None:
    empty, out = tmp_path / "empty", tmp_path / "out"
    empty.mkdir()
    result = CliRunner().invoke(cli, ["run", lesson_id, "--quick", "--device", "cpu", "--seed", "0", "--out", str(out),
                                      "--data-dir", str(empty), "--no-download"])
    assert result.exit_code == 2, result.output
    assert "MNIST is not available" in result.output and "train-images-idx3-ubyte" in result.output
    pngs, texts = DATA_FREE_PART[lesson_id]
    error_at = result.output.index("MNIST is not available")
    for text in texts:
        assert -1 < result.output.find(text) < error_at, f"{text!r} not printed before the data is loaded"
    assert {p.name for p in out.glob("*.png")} == pngs
    for name in pngs:
        with Image.open(out / name) as image:
            assert image.format == "PNG" and image.width > 800 and image.height > 400
        assert (out / name).stat().st_size > 20_000  # a real plot, not an empty canvas
    record = json.loads((out / "run.json").read_text())
    assert record["status"] == "failed"
    assert {Path(p).name for p in record["artifacts"]} == pngs  # the docs build finds the plots here


def test_drawn_digits_batch_is_one_image_per_digit_in_order() -> None:
    batch = draw_digits()
    assert batch.shape == (len(DRAWABLE_DIGITS), 28, 28) and batch.dtype == torch.float32
    for image, digit in zip(batch, DRAWABLE_DIGITS):
        assert torch.equal(image, draw_digit(digit))
    assert torch.equal(draw_digits(("7", "1")), torch.stack([draw_digit("7"), draw_digit("1")]))
    assert torch.equal(draw_digits(), draw_digits())  # deterministic: same pixels every call
    with pytest.raises(ValueError, match="drawable digits: 0, 1, 3, 7"):
        draw_digits(("0", "8"))
