"""Wrong update rules that learners write, each with the message that names it.

Every rule has the learner's form, ``rule(g, state, t, hp) -> step`` (``hp``: the
hyper-parameters of this step by name), so a check can follow the weights each mistake
would give on the same gradients and name the mistake the learner's weights match.
Written without in-place operations, so a rule never changes a tensor it was given.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
from torch import Tensor

WrongRule = Callable[[Tensor, dict[str, Tensor], int, dict[str, float]], Tensor]


def _get(state: dict[str, Tensor], key: str, g: Tensor) -> Tensor:
    return state.get(key, torch.zeros_like(g))


# ---- momentum -------------------------------------------------------------------------------


def momentum_dampened(g, state, t, hp):
    v = hp["momentum"] * _get(state, "v", g) + (1 - hp["momentum"]) * g
    state["v"] = v
    return hp["lr"] * v


def momentum_old_velocity(g, state, t, hp):
    old = _get(state, "v", g)
    state["v"] = hp["momentum"] * old + g
    return hp["lr"] * old


def momentum_forgotten(g, state, t, hp):
    return hp["lr"] * g


def momentum_lr_folded(g, state, t, hp):
    u = hp["momentum"] * _get(state, "v", g) + hp["lr"] * g
    state["v"] = u
    return u


def momentum_nesterov(g, state, t, hp):
    v = hp["momentum"] * _get(state, "v", g) + g
    state["v"] = v
    return hp["lr"] * (g + hp["momentum"] * v)


MOMENTUM = {
    "the weights follow plain SGD (step = lr * g): the velocity is not carried from one step to the next; "
    "keep it in state['v'].": momentum_forgotten,
    "your velocity is a leaky average, v = mu * v + (1 - mu) * g; PyTorch adds the whole gradient, "
    "v = mu * v + g (no (1 - mu) factor).": momentum_dampened,
    "you stepped with the velocity from before this step: first v = mu * v + g, then step = lr * v.": momentum_old_velocity,
    "you folded lr into the velocity (u = mu * u + lr * g, the textbook form): that matches PyTorch only while lr "
    "is fixed; under a schedule PyTorch multiplies this step's lr into the step: v = mu * v + g, step = lr * v.":
        momentum_lr_folded,
    "this is Nesterov momentum (step = lr * (g + mu * v)); torch.optim.SGD's default, nesterov=False, "
    "steps lr * v.": momentum_nesterov,
}

# ---- AdaGrad --------------------------------------------------------------------------------


def adagrad_not_summed(g, state, t, hp):
    state["G"] = g * g
    return hp["lr"] * g / ((g * g).sqrt() + hp["eps"])


def adagrad_mean(g, state, t, hp):
    total = _get(state, "total", g) + g * g
    state["total"] = total
    return hp["lr"] * g / ((total / t).sqrt() + hp["eps"])


def adagrad_eps_inside(g, state, t, hp):
    G = _get(state, "G", g) + g * g
    state["G"] = G
    return hp["lr"] * g / (G + hp["eps"]).sqrt()


def adagrad_no_sqrt(g, state, t, hp):
    G = _get(state, "G", g) + g * g
    state["G"] = G
    return hp["lr"] * g / (G + hp["eps"])


def adagrad_no_eps(g, state, t, hp):
    G = _get(state, "G", g) + g * g
    state["G"] = G
    return hp["lr"] * g / G.sqrt()


def adagrad_old_sum(g, state, t, hp):
    old = _get(state, "G", g)
    state["G"] = old + g * g
    return hp["lr"] * g / (old.sqrt() + hp["eps"])


ADAGRAD = {
    "G holds only this step's g^2: AdaGrad's G is the sum of all squared gradients so far (G = G + g^2, "
    "kept in state['G']).": adagrad_not_summed,
    "you divide by the root of the *mean* of the squared gradients; AdaGrad uses their sum, so its steps keep "
    "shrinking.": adagrad_mean,
    "eps is inside the square root; PyTorch adds it after the root: g / (sqrt(G) + eps).": adagrad_eps_inside,
    "the square root is missing: divide by sqrt(G) + eps, not G + eps.": adagrad_no_sqrt,
    "eps is missing: divide by sqrt(G) + eps (without it, a weight whose gradients so far are all 0 gets "
    "0 / 0 = NaN).": adagrad_no_eps,
    "you divided by the G from before this step (the first step then divides by eps): add g^2 to G first.":
        adagrad_old_sum,
}

# ---- RMSprop --------------------------------------------------------------------------------


def _rmsprop(g, E, hp, *, alpha=None):
    alpha = hp["alpha"] if alpha is None else alpha
    return alpha * E + (1 - alpha) * g * g


def rmsprop_swapped(g, state, t, hp):
    E = _rmsprop(g, _get(state, "E", g), hp, alpha=1 - hp["alpha"])
    state["E"] = E
    return hp["lr"] * g / (E.sqrt() + hp["eps"])


def rmsprop_eps_inside(g, state, t, hp):
    E = _rmsprop(g, _get(state, "E", g), hp)
    state["E"] = E
    return hp["lr"] * g / (E + hp["eps"]).sqrt()


def rmsprop_no_eps(g, state, t, hp):
    E = _rmsprop(g, _get(state, "E", g), hp)
    state["E"] = E
    return hp["lr"] * g / E.sqrt()


def rmsprop_starts_at_g2(g, state, t, hp):
    E = _rmsprop(g, state["E"], hp) if "E" in state else g * g
    state["E"] = E
    return hp["lr"] * g / (E.sqrt() + hp["eps"])


def rmsprop_old_average(g, state, t, hp):
    old = _get(state, "E", g)
    state["E"] = _rmsprop(g, old, hp)
    return hp["lr"] * g / (old.sqrt() + hp["eps"])


def rmsprop_no_one_minus_alpha(g, state, t, hp):
    E = hp["alpha"] * _get(state, "E", g) + g * g
    state["E"] = E
    return hp["lr"] * g / (E.sqrt() + hp["eps"])


def rmsprop_bias_corrected(g, state, t, hp):
    E = _rmsprop(g, _get(state, "E", g), hp)
    state["E"] = E
    return hp["lr"] * g / ((E / (1 - hp["alpha"] ** t)).sqrt() + hp["eps"])


RMSPROP = {
    "alpha and 1 - alpha are swapped: E = alpha * E + (1 - alpha) * g^2 (alpha = 0.9 keeps 90% of the old "
    "average).": rmsprop_swapped,
    "eps is inside the square root; PyTorch adds it after the root: g / (sqrt(E) + eps).": rmsprop_eps_inside,
    "eps is missing: divide by sqrt(E) + eps (without it, a weight whose gradients so far are all 0 gets "
    "0 / 0 = NaN).": rmsprop_no_eps,
    "E started at the first g^2; PyTorch starts it at 0, so the first step is E = (1 - alpha) * g^2.":
        rmsprop_starts_at_g2,
    "you divided by the E from before this step (the first step then divides by eps): update E first.":
        rmsprop_old_average,
    "you bias-corrected E the way Adam corrects v; torch.optim.RMSprop has no bias correction.": rmsprop_bias_corrected,
    "the (1 - alpha) factor on g^2 is missing: E = alpha * E + g^2 is not an average, it grows to about "
    "g^2 / (1 - alpha) (ten times g^2 with alpha = 0.9), so your steps are too small.": rmsprop_no_one_minus_alpha,
}

# ---- Adam -----------------------------------------------------------------------------------


def _moments(g, state, hp, *, beta1=None, beta2=None):
    beta1 = hp["beta1"] if beta1 is None else beta1
    beta2 = hp["beta2"] if beta2 is None else beta2
    m = beta1 * _get(state, "m", g) + (1 - beta1) * g
    v = beta2 * _get(state, "v", g) + (1 - beta2) * g * g
    return m, v


def adam_uncorrected(g, state, t, hp):
    m, v = _moments(g, state, hp)
    state["m"], state["v"] = m, v
    return hp["lr"] * m / (v.sqrt() + hp["eps"])


def adam_eps_inside(g, state, t, hp):
    m, v = _moments(g, state, hp)
    state["m"], state["v"] = m, v
    m_hat, v_hat = m / (1 - hp["beta1"] ** t), v / (1 - hp["beta2"] ** t)
    return hp["lr"] * m_hat / (v_hat + hp["eps"]).sqrt()


def adam_eps_before_correction(g, state, t, hp):
    m, v = _moments(g, state, hp)
    state["m"], state["v"] = m, v
    step_size = hp["lr"] * (1 - hp["beta2"] ** t) ** 0.5 / (1 - hp["beta1"] ** t)
    return step_size * m / (v.sqrt() + hp["eps"])


def adam_betas_swapped(g, state, t, hp):
    m, v = _moments(g, state, hp, beta1=hp["beta2"], beta2=hp["beta1"])
    state["m"], state["v"] = m, v
    m_hat, v_hat = m / (1 - hp["beta2"] ** t), v / (1 - hp["beta1"] ** t)
    return hp["lr"] * m_hat / (v_hat.sqrt() + hp["eps"])


def adam_corrected_state(g, state, t, hp):
    m, v = _moments(g, state, hp)
    m_hat, v_hat = m / (1 - hp["beta1"] ** t), v / (1 - hp["beta2"] ** t)
    state["m"], state["v"] = m_hat, v_hat
    return hp["lr"] * m_hat / (v_hat.sqrt() + hp["eps"])


ADAM = {
    "no bias correction: divide m by (1 - beta1 ** t) and v by (1 - beta2 ** t) before the step (both start at "
    "0, so early steps are too small).": adam_uncorrected,
    "eps is inside the square root; PyTorch adds it after the root: m_hat / (sqrt(v_hat) + eps).": adam_eps_inside,
    "eps is added to sqrt(v) before the bias correction (the Adam paper's 'efficient' form); PyTorch adds it to "
    "sqrt(v_hat): m_hat / (sqrt(v_hat) + eps).": adam_eps_before_correction,
    "beta1 and beta2 are swapped: m, the mean of g, decays with beta1; v, the mean of g^2, with beta2.":
        adam_betas_swapped,
    "you stored the bias-corrected m_hat and v_hat in the state; keep the raw averages m and v there and correct "
    "them afresh every step.": adam_corrected_state,
}
