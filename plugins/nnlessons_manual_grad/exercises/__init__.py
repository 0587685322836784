"""The manual-grad exercises: the forward pass from four tensors, backprop by hand, one training step (no torch here)."""

from nnlessons.practice import Exercise, forbid

PACKAGE = __name__

EXERCISES = [
    Exercise(
        id="forward-pass",
        title="The forward pass 14 -> 128 -> 1 from four tensors",
        package=PACKAGE,
        starter="forward_pass.py",
        solution="solutions/forward_pass.py",
        check="nnlessons_manual_grad.exercises.checks:check_forward",
        forbids=(forbid.LINEAR.because("nn.Linear and F.linear are switched off in this exercise: write the layers with x.mm(weights) + biases."),),
        hints=(
            "Follow the shapes: (B, F) mm (F, H) gives (B, H); add biases (H,), which broadcasts over the B rows; "
            "relu; then (B, H) mm (H, 1) gives (B, 1).",
            "Two lines: hidden = torch.relu(x.mm(weights) + biases), then the output layer without any relu.",
            "hidden = torch.relu(x.mm(weights) + biases)   # (B, H)\n"
            "return hidden.mm(weights2) + biases2          # (B, 1)",
        ),
    ),
    Exercise(
        id="backprop-by-hand",
        title="The four gradients by hand, checked against autograd",
        package=PACKAGE,
        starter="backprop_by_hand.py",
        solution="solutions/backprop_by_hand.py",
        check="nnlessons_manual_grad.exercises.checks:check_backprop",
        forbids=(forbid.AUTOGRAD.because("this exercise is backprop by hand: backward() and torch.autograd are switched off; write the chain rule with mm, sums and (z > 0)."),),
        hints=(
            "Redo the forward pass and keep z (before the relu) and h (after it). Then go backwards from the loss; "
            "every gradient has the shape of the tensor it belongs to.",
            "d_p = 2 * (p - y) / B. A weight's gradient is (its layer's input)^T . (gradient at its layer's output): "
            "h.T.mm(d_p) and x.T.mm(d_z). A bias's is that output gradient summed over the rows (dim=0). "
            "d_z = d_p.mm(weights2.T) * (z > 0).",
            "z = x.mm(weights) + biases; h = torch.relu(z); p = h.mm(weights2) + biases2\n"
            "d_p = 2 * (p - y) / len(x)\n"
            "d_z = d_p.mm(weights2.T) * (z > 0)\n"
            "return x.T.mm(d_z), d_z.sum(dim=0), h.T.mm(d_p), d_p.sum(dim=0)",
        ),
    ),
    Exercise(
        id="train-step",
        title="One training step by hand: backward, update, zero the gradients",
        package=PACKAGE,
        starter="train_step.py",
        solution="solutions/train_step.py",
        check="nnlessons_manual_grad.exercises.checks:check_train_step",
        forbids=(forbid.OPTIM.because("write the update yourself: torch.optim is switched off in this exercise."),),
        hints=(
            "Four parts, in order: the loss from forward(params, x); loss.backward(); the update of every tensor; "
            "clearing every .grad. Only the update and the clearing go under torch.no_grad().",
            "Update in place, `tensor -= lr * tensor.grad`, so the caller's tensors change (`tensor = tensor - ...` "
            "only renames). Then `tensor.grad.zero_()`: backward() adds into .grad. Return loss.item().",
            "loss = ((forward(params, x) - y) ** 2).mean()\n"
            "loss.backward()\n"
            "with torch.no_grad():\n"
            "    for tensor in params.values():\n"
            "        tensor -= lr * tensor.grad\n"
            "        tensor.grad.zero_()\n"
            "return loss.item()",
        ),
    ),
]
