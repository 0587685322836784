"""A lesson's closing table of its claims: each sentence, the number behind it, whether it holds.

A lesson that ends with "everything it said, computed" builds one `Claim` per sentence from its
metrics and calls `show_claims`. The two counts it returns go into the metrics, so tests (and
``benchmarks/gpu_check.py``, on another device) can require ``claims_holding == claims_total``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from nnlessons.run_context import RunContext

Claim = tuple[str, Any, str, bool]
"""One row: what is claimed, the measured number, when it holds (``"<= 1e-6"``), and whether it does."""


def show_claims(ctx: RunContext, claims: list[Claim]) -> dict[str, int]:
    """Print the claims under a "Summary" heading, one row each; return ``claims_holding`` and ``claims_total``."""
    ctx.heading("Summary: the lesson's claims, computed")
    ctx.table("Claims", ["claim", "measured", "holds when", "holds"], [(c, v, r, "yes" if ok else "NO") for c, v, r, ok in claims])
    return {"claims_holding": sum(ok for *_, ok in claims), "claims_total": len(claims)}
