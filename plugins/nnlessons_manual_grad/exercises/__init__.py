"""The manual-grad exercises: the forward pass from four tensors, backprop by hand, one training step, then the
whole training loop by hand (no torch imported here)."""

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
        level="warm-up",
        minutes=5,
        timeout=10,
        forbids=(forbid.LINEAR.because("nn.Linear and F.linear are switched off in this exercise: write the layers "
                                       "with matrix products and the biases."),),
        hints=(
            "Follow the shapes: (B, F) times (F, H) gives (B, H); a bias of shape (H,) is added to every one of the "
            "B rows by broadcasting.",
            "Layer 1 is a matrix product with weights, plus biases, then torch.relu; layer 2 is a matrix product with "
            "weights2, plus biases2, and nothing after it. x.mm(w) and x @ w are both matrix products.",
            "hidden = torch.relu(...)   # (B, H): the first layer inside the relu: your expression\n"
            "return ...                 # (B, 1): the output layer, no activation: your line",
        ),
    ),
    Exercise(
        id="backprop-by-hand",
        title="The four gradients by hand, checked against autograd",
        package=PACKAGE,
        starter="backprop_by_hand.py",
        solution="solutions/backprop_by_hand.py",
        check="nnlessons_manual_grad.exercises.checks:check_backprop",
        level="core",
        minutes=25,
        timeout=10,
        forbids=(forbid.AUTOGRAD.because("this exercise is backprop by hand: backward() and torch.autograd are "
                                         "switched off; write the chain rule with matrix products, sums and a mask."),),
        hints=(
            "Redo the forward pass and keep z (before the relu) and h (after it). Then go backwards from the loss; "
            "every gradient has the shape of the tensor it belongs to, which tells you what to transpose.",
            "dL/dp = 2 (p - y) / B. A weight's gradient is (its layer's input)^T times the gradient at its layer's "
            "output; a bias's is that output gradient summed over the rows. Back through the output layer: times "
            "weights2^T; back through the relu: times the mask (z > 0). The lesson lists all seven lines.",
            "z = ...; h = torch.relu(z); p = ...        # the forward pass, keeping z and h\n"
            "d_p = ...                                  # (B, 1): the mean's 1 / B belongs here\n"
            "d_z = ...                                  # (B, H): back through weights2, then the relu's mask\n"
            "return x.T.mm(d_z), ..., h.T.mm(d_p), ...  # the two bias gradients: your expressions",
        ),
    ),
    Exercise(
        id="train-step",
        title="One training step: backward, update, clean gradients",
        package=PACKAGE,
        starter="train_step.py",
        solution="solutions/train_step.py",
        check="nnlessons_manual_grad.exercises.checks:check_train_step",
        level="core",
        minutes=10,
        timeout=10,
        forbids=(forbid.OPTIM.because("write the update yourself: torch.optim is switched off in this exercise."),),
        hints=(
            "Four parts, in order: the loss from forward(params, x); loss.backward(); the update of every tensor; "
            "clearing every .grad. Only the update and the clearing belong under torch.no_grad().",
            "Update in place (-= or sub_) so that the caller's tensors change: `t = t - ...` only makes a new tensor "
            "under the old name. backward() ADDS into .grad, so clear it after the update. Return loss.item().",
            "loss = ...                        # the mean squared error of forward(params, x) against y\n"
            "loss.backward()\n"
            "with torch.no_grad():\n"
            "    for tensor in params.values():\n"
            "        ...                       # the update, in place: your line\n"
            "        ...                       # clear this tensor's gradient: your line\n"
            "return loss.item()",
        ),
    ),
    Exercise(
        id="train-by-hand",
        title="Build: the whole training loop by hand, without autograd",
        package=PACKAGE,
        starter="train_by_hand.py",
        solution="solutions/train_by_hand.py",
        check="nnlessons_manual_grad.exercises.checks:check_train_by_hand",
        level="build",
        minutes=30,
        timeout=10,
        forbids=(
            forbid.AUTOGRAD.because("this exercise trains by hand: backward() and torch.autograd are switched off; "
                                    "write the four gradients with the chain rule."),
            forbid.OPTIM.because("write the four updates yourself: torch.optim is switched off in this exercise."),
        ),
        hints=(
            "It is backprop-by-hand inside a loop: each step a forward pass (keep z, h and p), the loss, the four "
            "gradients, the four updates. Do not touch params' tensors: t = t - lr * gradient makes new ones.",
            "Compute ALL four gradients from this step's tensors before updating any (dL/dz needs this step's "
            "weights2). The loss you record is this step's, before its update; .item() makes it a float.",
            "weights, biases, weights2, biases2 = (params[name] for name in (\"weights\", \"biases\", \"weights2\", \"biases2\"))\n"
            "losses = []\n"
            "for _ in range(steps):\n"
            "    ...                               # the forward pass: z, h, p\n"
            "    losses.append(...)                # this step's loss, a float\n"
            "    ...                               # d_p and d_z, as in backprop-by-hand\n"
            "    weights = weights - lr * x.T.mm(d_z)\n"
            "    ...                               # the other three updates: your lines\n"
            "return losses, {\"weights\": weights, ...}",
        ),
    ),
]
