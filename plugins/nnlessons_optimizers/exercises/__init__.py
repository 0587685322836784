"""The optimizers exercises: Momentum, AdaGrad, RMSprop and Adam written as one step with its state,
checked step by step against torch.optim (no torch imported here)."""

from nnlessons.practice import Exercise

PACKAGE = __name__
CHECKS = "nnlessons_optimizers.exercises.checks"

EXERCISES = [
    Exercise(
        id="momentum-step",
        title="SGD with momentum, PyTorch's form",
        package=PACKAGE,
        starter="momentum_step.py",
        solution="solutions/momentum_step.py",
        check=f"{CHECKS}:check_momentum_step",
        hints=(
            "The state dict is how one step hands the velocity to the next: read state.get('v', torch.zeros_like(g)), "
            "compute the new v, and store it back in state['v'] before you return.",
            "PyTorch adds the whole gradient to the velocity (v = momentum * v + g, no (1 - momentum) factor) and "
            "multiplies by lr only in the step, so a change of lr acts at once.",
            "v = momentum * state.get('v', torch.zeros_like(g)) + g; state['v'] = v; return lr * v",
        ),
    ),
    Exercise(
        id="adagrad-step",
        title="AdaGrad: divide by the root of the summed squared gradients",
        package=PACKAGE,
        starter="adagrad_step.py",
        solution="solutions/adagrad_step.py",
        check=f"{CHECKS}:check_adagrad_step",
        hints=(
            "G is a running *sum* that lives in the state: G = state.get('G', torch.zeros_like(g)) + g * g, then store "
            "it back in state['G']. Update G before you divide by it.",
            "Every operation is elementwise: each weight gets its own G. eps goes outside the root, "
            "sqrt(G) + eps, so a weight whose gradients were all 0 gets 0 / eps = 0, not NaN.",
            "G = state.get('G', torch.zeros_like(g)) + g * g; state['G'] = G; return lr * g / (G.sqrt() + eps)",
        ),
    ),
    Exercise(
        id="rmsprop-step",
        title="RMSprop: a leaky average of the squared gradients",
        package=PACKAGE,
        starter="rmsprop_step.py",
        solution="solutions/rmsprop_step.py",
        check=f"{CHECKS}:check_rmsprop_step",
        hints=(
            "It is AdaGrad with the sum replaced by a leaky average: E = alpha * E + (1 - alpha) * g * g, where E "
            "starts at 0 (state.get('E', torch.zeros_like(g))) and is stored back in state['E'].",
            "alpha weighs the *old* average (0.9 keeps 90% of it). Update E first, then divide by sqrt(E) + eps, eps "
            "outside the root. RMSprop has no bias correction and, by default, no momentum.",
            "E = alpha * state.get('E', torch.zeros_like(g)) + (1 - alpha) * g * g; state['E'] = E; "
            "return lr * g / (E.sqrt() + eps)",
        ),
    ),
    Exercise(
        id="adam-step",
        title="Adam: both averages and the bias correction",
        package=PACKAGE,
        starter="adam_step.py",
        solution="solutions/adam_step.py",
        check=f"{CHECKS}:check_adam_step",
        hints=(
            "Two leaky averages live in the state, m of g (beta1) and v of g * g (beta2), both starting at 0. Update "
            "both, store them, and only then build the step.",
            "The bias correction divides by (1 - beta1 ** t) and (1 - beta2 ** t) with this step's t. Correct copies "
            "(m_hat, v_hat) for the step and keep the raw m and v in the state; eps goes after the root: "
            "sqrt(v_hat) + eps.",
            "m = beta1 * m + (1 - beta1) * g; v = beta2 * v + (1 - beta2) * g * g; state['m'], state['v'] = m, v; "
            "return lr * (m / (1 - beta1 ** t)) / ((v / (1 - beta2 ** t)).sqrt() + eps)",
        ),
    ),
]
