"""The mnist-mlp exercises: the 784 -> 256 -> 10 module, accuracy from logits, one training step (no torch imported here)."""

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
        hints=(
            "Layers with weights go in __init__, as attributes, so the module registers their parameters: "
            "self.hidden = nn.Linear(784, hidden) and self.output = nn.Linear(hidden, 10). forward only uses them.",
            "forward: flatten (B, 28, 28) to (B, 784) with self.flatten (nn.Flatten keeps the batch axis), then "
            "hidden, ReLU, output. Do not end with a softmax: the loss wants logits.",
            "return self.output(self.relu(self.hidden(self.flatten(images))))   # (B, 10) logits",
        ),
    ),
    Exercise(
        id="accuracy-from-logits",
        title="Accuracy from logits",
        package=PACKAGE,
        starter="accuracy_from_logits.py",
        solution="solutions/accuracy_from_logits.py",
        check=f"{CHECKS}:check_accuracy_from_logits",
        hints=(
            "The predicted digit of a row is the index of its largest logit. Softmax is not needed: it keeps the order.",
            "logits.argmax(dim=1) gives one prediction per image, shape (B,); compare it with labels and count.",
            "return (logits.argmax(dim=1) == labels).sum().item() / labels.shape[0]",
        ),
    ),
    Exercise(
        id="training-step",
        title="One training step: forward, loss, backward, step, zero_grad",
        package=PACKAGE,
        starter="training_step.py",
        solution="solutions/training_step.py",
        check=f"{CHECKS}:check_training_step",
        hints=(
            "Five lines: the outputs of the model, the loss of the outputs against the labels, backward, "
            "the optimizer's step, and zeroing the gradients.",
            "backward adds into .grad, so zero the gradients once per step: after optimizer.step() (or before the "
            "forward). Never between backward and step: the step would then see no gradient.",
            "outputs = model(images); loss = loss_fn(outputs, labels); loss.backward(); optimizer.step(); "
            "optimizer.zero_grad(); return loss.detach()",
        ),
    ),
]
