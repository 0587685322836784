"""The mnist-mlp exercises: the 784 -> 256 -> 10 module, accuracy from logits, one training step, a whole training
loop over DataLoaders (no torch imported here)."""

from nnlessons.practice import Exercise

PACKAGE = __name__
CHECKS = "nnlessons_mnist_mlp.exercises.checks"

EXERCISES = [
    Exercise(
        id="mlp-module",
        title="The 784 -> 256 -> 10 network as an nn.Module",
        package=PACKAGE,
        starter="mlp_module.py",
        solution="solutions/mlp_module.py",
        check=f"{CHECKS}:check_mlp_module",
        level="warm-up",
        minutes=10,
        timeout=10,
        hints=(
            "Layers with weights are created once, in __init__, as attributes: that is how the module registers "
            "their parameters (and how the check finds them by name). forward only uses them.",
            "The table's parameter counts tell you the layers: a fully connected layer from n inputs to m outputs "
            "holds m * n weights and m biases (nn.Linear(n, m)). An image must become one row of 784 numbers per "
            "digit before the first of them, and nothing comes after the last one: the loss wants logits.",
            "Outline:\n"
            "    __init__:  super().__init__(); self.flatten = ...; self.hidden = ...  # (784 -> hidden)\n"
            "               self.relu = ...; self.output = ...                       # (hidden -> 10)\n"
            "    forward:   pixels = ...            # (B, 784)\n"
            "               return ...              # hidden layer, ReLU, output layer: your line",
        ),
    ),
    Exercise(
        id="accuracy-from-logits",
        title="Accuracy from logits",
        package=PACKAGE,
        starter="accuracy_from_logits.py",
        solution="solutions/accuracy_from_logits.py",
        check=f"{CHECKS}:check_accuracy_from_logits",
        level="warm-up",
        minutes=5,
        timeout=10,
        hints=(
            "The predicted digit of a row is the position of its largest logit. Softmax is not needed: it keeps the "
            "order of the scores.",
            "One prediction per image, over the class axis: shape (B,), the same shape as labels (no keepdim, or "
            "the comparison broadcasts to (B, B)). Compare, count the True values, divide by the batch size.",
            "Outline:\n"
            "    predictions = ...                    # (B,): the index of each row's largest logit\n"
            "    right = ...                          # how many equal the labels, as a Python number\n"
            "    return right / labels.shape[0]",
        ),
    ),
    Exercise(
        id="training-step",
        title="One training step",
        package=PACKAGE,
        starter="training_step.py",
        solution="solutions/training_step.py",
        check=f"{CHECKS}:check_training_step",
        level="core",
        minutes=10,
        timeout=10,
        hints=(
            "A step has five parts: the model's outputs, the loss of the outputs against the labels, the gradients, "
            "the optimizer's update, and clearing the gradients for the next step.",
            "backward adds into .grad, so zero the gradients once per step: after optimizer.step() (or before the "
            "forward). Never between backward and step: the step would see no gradient. Return the loss cut from "
            "the graph (detach), not a Python float.",
            "Outline:\n"
            "    outputs = model(images)\n"
            "    loss = ...                       # loss_fn of the outputs and the labels\n"
            "    ...                              # backward, step, zero_grad: your three lines\n"
            "    return ...                       # the loss, detached",
        ),
    ),
    Exercise(
        id="training-loop",
        title="A whole training loop over DataLoaders",
        package=PACKAGE,
        starter="training_loop.py",
        solution="solutions/training_loop.py",
        check=f"{CHECKS}:check_training_loop",
        level="build",
        minutes=30,
        timeout=15,
        hints=(
            "Write evaluate first: it is one loop over the loader under torch.no_grad(), with the model in eval(). "
            "Then train: for each epoch, model.train(), one pass over train_loader doing the five steps of a training "
            "step, then evaluate. Move every batch with .to(device) before using it.",
            "Average per digit, not per batch: the loss a batch gives is its mean, so add loss.item() * batch size "
            "and divide by the digits seen; count right predictions over the whole loader and divide by the digits "
            "seen. A short last batch is where the two differ. evaluate leaves the model in eval(): the next epoch "
            "must switch it back with model.train().",
            "Outline:\n"
            "    def evaluate(model, loader, device):\n"
            "        model.eval()\n"
            "        right, seen = 0, 0\n"
            "        with torch.no_grad():\n"
            "            for images, labels in loader:\n"
            "                images, labels = images.to(device), labels.to(device)\n"
            "                ...                      # count the right predictions and the digits: your lines\n"
            "        return right / seen\n"
            "\n"
            "    def train(model, train_loader, test_loader, optimizer, loss_fn, epochs, device):\n"
            "        history = []\n"
            "        for epoch in range(1, epochs + 1):\n"
            "            model.train()\n"
            "            loss_sum, seen = 0.0, 0\n"
            "            for images, labels in train_loader:\n"
            "                ...                      # move, forward, loss, zero_grad, backward, step, add up: your lines\n"
            "            history.append({\"epoch\": epoch, \"train_loss\": ..., \"test_accuracy\": ...})\n"
            "        return history",
        ),
    ),
]
