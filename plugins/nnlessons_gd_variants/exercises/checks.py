"""Checks of the gd-variants exercises: PyTorch's autograd is the oracle."""

from __future__ import annotations

import torch

from nnlessons.practice.compare import Case, call_learner, expect_close


def _autograd_gradient(w: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    w = w.detach().clone().requires_grad_(True)
    ((w * x - y) ** 2).mean().backward()
    return w.grad


def mse_cases() -> list[Case]:
    g = torch.Generator().manual_seed(0)
    f64 = torch.float64
    cases = [
        Case("the lesson's data, w = 1", w=torch.tensor(1.0, dtype=f64), x=torch.tensor([1.0, 2.0, 3.0], dtype=f64),
             y=torch.tensor([2.0, 4.0, 6.0], dtype=f64)),
        Case("a batch of one sample", w=torch.tensor(0.5, dtype=f64), x=torch.tensor([3.0], dtype=f64),
             y=torch.tensor([-1.0], dtype=f64)),
        Case("float32 inputs", w=torch.tensor(-1.5), x=torch.randn(7, generator=g), y=torch.randn(7, generator=g)),
    ]
    for n in (2, 5, 16, 100) * 5:
        cases.append(Case(f"random batch of {n} samples", w=torch.randn((), generator=g, dtype=f64) * 3,
                          x=torch.randn(n, generator=g, dtype=f64), y=torch.randn(n, generator=g, dtype=f64) * 2))
    return cases


def check_mse_gradient(learner) -> str:
    cases = mse_cases()
    for case in cases:
        w, x, y = case["w"], case["x"], case["y"]
        expected = _autograd_gradient(w, x, y)
        got = call_learner(learner.mse_gradient, case)
        residual = w * x - y
        expect_close(got, expected, case, atol=1e-9, rtol=1e-9 if x.dtype == torch.float64 else 1e-5,
                     mistakes={
                         "the result is the sum over the batch, not the mean: divide by the number of samples.":
                             (2 * residual * x).sum(),
                         "the factor 2 from the square is missing (the derivative of u ** 2 is 2 * u * du).":
                             (residual * x).mean(),
                         "the inner derivative x_i is missing: the chain rule multiplies by d(w * x_i - y_i)/dw = x_i.":
                             (2 * residual).mean(),
                         "the sign is flipped: use (w * x - y), not (y - w * x).": (2 * (y - w * x) * x).mean(),
                     })
    return f"{len(cases)} cases matched autograd (float64 and float32, batches of 1 to 100)."
