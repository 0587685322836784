"""The other MNIST lessons' models, trained here on the same digits with their own lessons' default recipes."""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from nnlessons.lesson_info import LessonInfo
from nnlessons_cnn_mnist.recipes import Recipe


class ImagesAsRows(nn.Module):
    """Feeds (B, 1, 28, 28) digits to a model that reads (B, 28, 28): lstm-mnist's rows as time steps."""

    def __init__(self, model: nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        return self.model(images[:, 0])  # (B, 1, 28, 28) -> (B, 28, 28) -> (B, 10)


@dataclass(frozen=True)
class Contender:
    """Another lesson's model and how that lesson trains it by default."""

    lesson: str
    name: str
    recipe: Recipe
    hidden: int  # hidden units: the MLP's hidden layer, the LSTM's state


def option_value(info: LessonInfo, name: str, quick: bool) -> object:
    """What the lesson itself would use for option `name`: its --quick value under --quick, else its default."""
    option = info.option(name)
    return option.quick if quick and option.quick is not None else option.default


def mlp_contender(quick: bool) -> Contender:
    """mnist-mlp's 784 -> 256 -> 10 network with that lesson's defaults (read from its own options)."""
    from nnlessons_mnist_mlp import nnlessons_lesson_info

    info = nnlessons_lesson_info()
    hidden = option_value(info, "hidden", quick)
    recipe = Recipe(lr=option_value(info, "lr", quick), batch_size=option_value(info, "batch_size", quick),
                    epochs=option_value(info, "epochs", quick), standardize=option_value(info, "normalize", quick))
    return Contender("mnist-mlp", f"MLP 784-{hidden}-10", recipe, hidden)


def lstm_contender(quick: bool) -> Contender:
    """lstm-mnist's LSTM(28 -> 100) + Linear with that lesson's default recipe (Adam, clipping, standardised)."""
    from nnlessons_lstm_mnist import nnlessons_lesson_info
    from nnlessons_lstm_mnist.model import HIDDEN

    info = nnlessons_lesson_info()
    if option_value(info, "optimizer", quick) != "adam":  # the training loop here is Adam's
        raise ValueError("lstm-mnist's default optimizer is no longer Adam: teach cnn-mnist's comparison the new one")
    recipe = Recipe(lr=option_value(info, "lr", quick), batch_size=option_value(info, "batch_size", quick),
                    epochs=option_value(info, "epochs", quick), clip=option_value(info, "clip", quick),
                    standardize=option_value(info, "normalize", quick))
    return Contender("lstm-mnist", f"LSTM 28-{HIDDEN}, rows as steps", recipe, HIDDEN)


def contender_model(contender: Contender, seed: int, device: torch.device) -> nn.Module:
    """The contender's network with PyTorch's default initialisation drawn from `seed`, on `device`."""
    with torch.random.fork_rng(devices=[]):
        torch.random.default_generator.manual_seed(seed)
        if contender.lesson == "mnist-mlp":
            from nnlessons_mnist_mlp.model import MnistMLP

            model: nn.Module = MnistMLP(contender.hidden)  # its Flatten reads (B, 1, 28, 28) as it is
        else:
            from nnlessons_lstm_mnist.model import RowLSTM

            model = ImagesAsRows(RowLSTM(contender.hidden))
    return model.to(device)


def contenders(quick: bool) -> list[Contender]:
    return [mlp_contender(quick), lstm_contender(quick)]
