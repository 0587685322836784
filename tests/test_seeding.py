"""`ctx.seeded(offset)`: models built in it start with the same weights, and the run's other random draws do not change."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from nnlessons.run_context import Params, RunContext
from nnlessons.seeding import seeded


def context(seed: int) -> RunContext:
    return RunContext(lesson_id="seeding", device=torch.device("cpu"), seed=seed, out_dir=Path("."), params=Params({}))


class Net(nn.Module):
    """Layers whose default initialisation draws random numbers in different ways."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.lstm = nn.LSTM(4, 8, batch_first=True)
        self.fc = nn.Linear(8, 2)
        self.embedding = nn.Embedding(10, 4)


def fresh(ctx: RunContext, offset: int) -> Net:
    with ctx.seeded(offset):
        return Net()


def same(a: nn.Module, b: nn.Module) -> bool:
    return all(torch.equal(p, q) for p, q in zip(a.state_dict().values(), b.state_dict().values(), strict=True))


def test_models_built_with_the_same_offset_start_identical_whatever_ran_before():
    ctx = context(0)
    first = fresh(ctx, 1)
    torch.rand(1000)  # the run draws other random numbers in between
    second = fresh(ctx, 1)
    assert same(first, second)
    assert not same(first, Net())  # without the block, PyTorch's generator gives other weights


def test_another_offset_or_seed_gives_other_weights():
    assert not same(fresh(context(0), 1), fresh(context(0), 2))
    assert not same(fresh(context(0), 1), fresh(context(1), 1))
    assert same(fresh(context(3), 0), fresh(context(1), 2))  # the seed used is seed + offset


def test_the_global_generator_is_back_where_it_was():
    ctx = context(0)
    torch.manual_seed(123)
    expected = torch.rand(5)
    torch.manual_seed(123)
    fresh(ctx, 1)
    assert torch.equal(torch.rand(5), expected)


def test_the_generator_is_restored_when_the_block_raises():
    torch.manual_seed(9)
    expected = torch.rand(3)
    torch.manual_seed(9)
    with pytest.raises(RuntimeError), context(0).seeded():
        torch.rand(7)
        raise RuntimeError("a lesson's mistake")
    assert torch.equal(torch.rand(3), expected)


def test_the_weights_are_those_of_torch_manual_seed():
    """The same weights as seeding torch by hand: lessons that used torch.manual_seed(seed) keep their numbers."""
    torch.manual_seed(5)
    by_hand = Net()
    with seeded(5):
        assert same(Net(), by_hand)


def test_two_models_in_one_block_differ():
    with context(0).seeded():
        a, b = Net(), Net()
    assert not same(a, b)
