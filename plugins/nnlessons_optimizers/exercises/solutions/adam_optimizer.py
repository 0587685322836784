"""Adam on the torch.optim.Optimizer API, matching torch.optim.Adam step for step (reference solution)."""

import torch


class Adam(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
        defaults = {"lr": lr, "betas": betas, "eps": eps, "weight_decay": weight_decay}
        super().__init__(params, defaults)  # self.param_groups (each with the defaults it lacks) and self.state

    @torch.no_grad()  # the update itself is not part of any graph
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            beta1, beta2 = group["betas"]  # every hyper-parameter from the group, now: a scheduler may change lr
            for p in group["params"]:
                if p.grad is None:
                    continue  # no gradient this step: the weight and its state stay as they are
                g = p.grad + group["weight_decay"] * p  # L2 as torch.optim.Adam adds it; a new tensor, p.grad unchanged
                state = self.state[p]  # this parameter's own state: state_dict() saves it
                if not state:
                    state["step"] = 0
                    state["exp_avg"] = torch.zeros_like(p)
                    state["exp_avg_sq"] = torch.zeros_like(p)
                state["step"] += 1  # this parameter's own count: a skipped step does not count
                t = state["step"]
                m = beta1 * state["exp_avg"] + (1 - beta1) * g
                v = beta2 * state["exp_avg_sq"] + (1 - beta2) * g * g
                state["exp_avg"], state["exp_avg_sq"] = m, v  # the raw averages
                m_hat = m / (1 - beta1**t)
                v_hat = v / (1 - beta2**t)
                p.sub_(group["lr"] * m_hat / (v_hat.sqrt() + group["eps"]))  # in place: p stays the model's tensor
        return loss
