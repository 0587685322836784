"""The generalization exercises: a seeded split, evaluate on a validation loader, and fit with the best checkpoint.

Declared as constants: this module must not import torch (`nnlessons hint` and `practice` read it).
"""

from nnlessons.practice import Exercise
from nnlessons.practice.forbid import Forbidden

PACKAGE = __name__
CHECKS = "nnlessons_generalization.exercises.checks"
RANDOM_SPLIT = Forbidden("random_split", "random_split is switched off in this exercise: draw the permutation and cut it.",
                         attributes=("torch.utils.data.random_split", "torch.utils.data.dataset.random_split"))

EXERCISES = [
    Exercise(
        id="split-indices",
        title="A seeded train / validation split",
        package=PACKAGE,
        starter="split_indices.py",
        solution="solutions/split_indices.py",
        check=f"{CHECKS}:check_split_indices",
        level="warm-up",
        minutes=8,
        timeout=10,
        forbids=(RANDOM_SPLIT,),
        hints=(
            "One random order of all n indices, cut in two, gives two parts that never share an index. The generator "
            "passed in decides the order, so the same seed gives the same split.",
            "torch.randperm(n, generator=generator) is one shuffle of 0..n-1. random_split gives the first part of it "
            "to the first length (training) and the rest to the second (validation).",
            "Outline:\n"
            "    n_val = ...                  # int(n * fraction): rounded down\n"
            "    order = ...                  # one permutation from the generator\n"
            "    return ...                   # (training part, validation part): your line",
        ),
    ),
    Exercise(
        id="evaluate",
        title="Loss and accuracy on a validation loader",
        package=PACKAGE,
        starter="evaluate.py",
        solution="solutions/evaluate.py",
        check=f"{CHECKS}:check_evaluate",
        level="core",
        minutes=12,
        timeout=15,
        hints=(
            "Two switches, for two different things: one makes dropout and batch norm behave as at test time, the "
            "other stops autograd from recording. Remember the mode the model came in and restore it at the end.",
            "loss_fn gives each batch's mean: multiply it by the batch size to get the batch's sum, add the sums up, and "
            "divide by the number of examples at the end. Count right answers (argmax over the class axis) the same way.",
            "Outline:\n"
            "    was_training = model.training\n"
            "    model.eval()\n"
            "    total_loss, correct, seen = 0.0, 0, 0\n"
            "    with torch.no_grad():\n"
            "        for inputs, labels in loader:\n"
            "            ...                  # outputs, then add the loss sum, the right answers, the count: your lines\n"
            "    model.train(was_training)\n"
            "    return total_loss / seen, correct / seen",
        ),
    ),
    Exercise(
        id="fit",
        title="fit: train, validate every epoch, keep the best checkpoint",
        package=PACKAGE,
        starter="fit.py",
        solution="solutions/fit.py",
        check=f"{CHECKS}:check_fit",
        level="build",
        minutes=30,
        timeout=20,
        hints=(
            "Each epoch has two halves: a training pass in train() mode with the five steps per batch, then a validation "
            "pass like the evaluate exercise's. The validation leaves the model in eval(), so the next epoch must switch "
            "back. The best checkpoint must not change when the model trains on.",
            "Average per example, not per batch, for both losses (loss.item() * batch size, summed, divided by the "
            "examples seen). model.state_dict() returns the live tensors: a checkpoint kept that way becomes the last "
            "epoch's weights. copy.deepcopy(model.state_dict()) is a snapshot.",
            "Outline:\n"
            "    history, best_state, best_loss = [], None, float('inf')\n"
            "    for epoch in range(1, epochs + 1):\n"
            "        model.train()\n"
            "        ...                      # the training pass: forward, loss, zero_grad, backward, step, add up\n"
            "        model.eval()\n"
            "        with torch.no_grad():\n"
            "            ...                  # the validation pass: loss sum, right answers, count\n"
            "        history.append({...})    # epoch, train_loss, val_loss, val_accuracy\n"
            "        if val_loss < best_loss:\n"
            "            ...                  # remember the loss and a snapshot of the state: your lines\n"
            "    return history, best_state",
        ),
    ),
]
