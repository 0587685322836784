"""The demo check: PyTorch's broadcasting is the oracle."""

import torch

from nnlessons.practice.compare import Case, call_learner, expect_close


def check_add_bias(learner):
    g = torch.Generator().manual_seed(0)
    cases = [Case(f"{n} rows of {d}", x=torch.randn(n, d, generator=g, dtype=torch.float64),
                  b=torch.randn(d, generator=g, dtype=torch.float64)) for n, d in [(1, 1), (3, 4), (5, 2)]]
    for case in cases:
        got = call_learner(learner.add_bias, case)
        expect_close(got, case["x"] + case["b"], case, atol=1e-12,
                     mistakes={"the bias is missing: the result equals x.": case["x"]})
    return f"{len(cases)} cases matched"
