"""The optimizers exercises: Momentum, AdaGrad, RMSprop and Adam written as one step with its state, checked step
by step against torch.optim, then a whole Adam on the torch.optim.Optimizer API (no torch imported here)."""

from nnlessons.practice import Exercise, forbid
from nnlessons.practice.forbid import Forbidden

PACKAGE = __name__
CHECKS = "nnlessons_optimizers.exercises.checks"


def _functional(*names: str) -> tuple[str, ...]:
    """torch.optim's functional forms of these optimizers: one call does a whole update without an Optimizer."""
    paths = []
    for name in names:
        paths += [f"torch.optim.{name}.{name}", f"torch.optim.{name}._single_tensor_{name}",
                  f"torch.optim.{name}._multi_tensor_{name}", f"torch.optim._functional.{name}"]
    return tuple(paths)


#: the step exercises: every optimizer of torch.optim, and the functions that do their updates, are off
NO_TORCH_OPTIM = Forbidden(
    "torch.optim", "torch.optim is switched off in this exercise (its optimizers and their functional forms): write "
    "the update yourself.",
    attributes=(*forbid.OPTIM.attributes, *_functional("sgd", "adagrad", "rmsprop", "adam"),
                "torch.optim.adamw.adamw", "torch.optim._functional.adamw"))

#: the build exercise: torch.optim.Optimizer stays (it is the API to build on); torch's Adam and AdamW go
NO_TORCH_ADAM = Forbidden(
    "torch.optim.Adam", "torch.optim.Adam, AdamW and their functional forms are switched off in this exercise: write "
    "the update in your own step(). torch.optim.Optimizer itself is allowed (subclass it).",
    attributes=("torch.optim.Adam.__init__", "torch.optim.Adam.step", "torch.optim.AdamW.__init__",
                "torch.optim.AdamW.step", *_functional("adam"), "torch.optim.adamw.adamw",
                "torch.optim._functional.adamw"))

EXERCISES = [
    Exercise(
        id="momentum-step",
        title="SGD with momentum, PyTorch's form",
        package=PACKAGE,
        starter="momentum_step.py",
        solution="solutions/momentum_step.py",
        check=f"{CHECKS}:check_momentum_step",
        level="warm-up",
        minutes=10,
        timeout=15,
        forbids=(NO_TORCH_OPTIM,),
        hints=(
            "The state dict is how one step hands the velocity to the next: read the old velocity (0 before the "
            "first step), compute the new one, store it back in state['v'], and return this step.",
            "PyTorch's form (the lesson's \"The update rules\"): v <- mu * v + g, the whole gradient with no (1 - mu) "
            "factor, and the step is lr * v, so lr enters only in the step and a change of lr acts at once. Build v "
            "as a new tensor: state['v'] = g would keep the caller's gradient itself.",
            "old = state.get(\"v\", torch.zeros_like(g))   # like g, 0 before the first step\n"
            "velocity = ...                              # the new velocity: your line\n"
            "state[\"v\"] = velocity\n"
            "return ...                                  # this step: your line",
        ),
    ),
    Exercise(
        id="adagrad-step",
        title="AdaGrad: divide by the root of the summed squared gradients",
        package=PACKAGE,
        starter="adagrad_step.py",
        solution="solutions/adagrad_step.py",
        check=f"{CHECKS}:check_adagrad_step",
        level="warm-up",
        minutes=10,
        timeout=15,
        forbids=(NO_TORCH_OPTIM,),
        hints=(
            "G lives in the state and only grows: each step adds something to it, and the step divides the gradient "
            "by a function of G. Every operation is elementwise: each weight has its own G.",
            "G <- G + g^2, then step = lr * g / (sqrt(G) + eps), with eps after the root (a weight whose gradients "
            "were all 0 gets 0 / eps = 0, not NaN). Update G before you divide by it, and create it like g "
            "(torch.zeros_like(g)), so it has g's dtype.",
            "total = state.get(\"G\", torch.zeros_like(g)) + ...   # the running sum: your line\n"
            "state[\"G\"] = total\n"
            "return ...                                          # this step: your line",
        ),
    ),
    Exercise(
        id="rmsprop-step",
        title="RMSprop: a leaky average of the squared gradients",
        package=PACKAGE,
        starter="rmsprop_step.py",
        solution="solutions/rmsprop_step.py",
        check=f"{CHECKS}:check_rmsprop_step",
        level="warm-up",
        minutes=10,
        timeout=20,
        forbids=(NO_TORCH_OPTIM,),
        hints=(
            "It is AdaGrad with the running sum replaced by a leaky average E of g^2, which starts at 0 and lives "
            "in state['E']. alpha weighs the *old* average (0.9 keeps 90% of it).",
            "E <- alpha * E + (1 - alpha) * g^2, then step = lr * g / (sqrt(E) + eps), eps after the root. Update E "
            "first. RMSprop has no bias correction and, by default, no momentum.",
            "old = state.get(\"E\", torch.zeros_like(g))\n"
            "mean_square = ...     # the leaky average, old weighted by alpha: your line\n"
            "state[\"E\"] = mean_square\n"
            "return ...            # this step: your line",
        ),
    ),
    Exercise(
        id="adam-step",
        title="Adam: both averages and the bias correction",
        package=PACKAGE,
        starter="adam_step.py",
        solution="solutions/adam_step.py",
        check=f"{CHECKS}:check_adam_step",
        level="core",
        minutes=15,
        timeout=30,
        forbids=(NO_TORCH_OPTIM,),
        hints=(
            "Two leaky averages live in the state, m of g (weighted by beta1) and v of g^2 (beta2), both starting "
            "at 0. Update both and store them, then build the step from bias-corrected copies of them.",
            "m <- beta1 * m + (1 - beta1) * g; v <- beta2 * v + (1 - beta2) * g^2; m_hat = m / (1 - beta1^t), "
            "v_hat = v / (1 - beta2^t) with this step's t; step = lr * m_hat / (sqrt(v_hat) + eps). Keep the raw m "
            "and v in the state, not the corrected ones.",
            "m = beta1 * state.get(\"m\", torch.zeros_like(g)) + (1 - beta1) * g\n"
            "v = ...                        # the average of g * g: your line\n"
            "state[\"m\"], state[\"v\"] = m, v\n"
            "m_hat, v_hat = ...             # the bias correction with t: your line\n"
            "return lr * m_hat / (...)      # eps after the root: your line",
        ),
    ),
    Exercise(
        id="adam-optimizer",
        title="Build: Adam as a torch.optim.Optimizer",
        package=PACKAGE,
        starter="adam_optimizer.py",
        solution="solutions/adam_optimizer.py",
        check=f"{CHECKS}:check_adam_optimizer",
        level="build",
        minutes=45,
        timeout=45,
        forbids=(NO_TORCH_ADAM,),
        hints=(
            "torch.optim.Optimizer does the bookkeeping: super().__init__(params, defaults) builds self.param_groups "
            "(each group a dict: its 'params' and its hyper-parameters, the defaults filled in) and self.state (a "
            "dict per parameter), and gives you zero_grad, state_dict and load_state_dict. You write step().",
            "In step(), under torch.no_grad(): for every group, read lr, betas, eps and weight_decay from the group "
            "itself (a scheduler changes group['lr'] between steps); for every p with a .grad (skip None), "
            "g = p.grad + weight_decay * p (a new tensor), then adam-step's update with the counter, m and v kept in "
            "self.state[p] (created on the parameter's first step: 'step' 0, 'exp_avg' and 'exp_avg_sq' zeros like "
            "p), and p changed in place: p.sub_(...) or p.addcdiv_(...).",
            "@torch.no_grad()\n"
            "def step(self, closure=None):\n"
            "    loss = None\n"
            "    if closure is not None:\n"
            "        with torch.enable_grad():\n"
            "            loss = closure()\n"
            "    for group in self.param_groups:\n"
            "        beta1, beta2 = group[\"betas\"]\n"
            "        for p in group[\"params\"]:\n"
            "            if p.grad is None:\n"
            "                continue\n"
            "            g = p.grad + group[\"weight_decay\"] * p\n"
            "            state = self.state[p]\n"
            "            if not state:\n"
            "                ...      # this parameter's first step: 'step', 'exp_avg', 'exp_avg_sq'\n"
            "            ...          # the counter, both averages and the bias correction: your lines\n"
            "            p.sub_(...)  # the update: your line\n"
            "    return loss",
        ),
    ),
]
