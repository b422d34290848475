"""A company's conflicts in the report are those of the records whose first party it is among
the companies reported: a GPU order's buyer and a contract's buyer too (only a record's
``company`` or ``payer`` was read: two reports of one GPU order were left out of its buyer's
report). Expected groups by hand from the records below."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import aicapex as ac

LedgerText = Callable[..., Path]

# rho: two reports of its H100 order of 2024-03 (10,000 for $300M, then 12,000 for $360M),
# two of its contract with cloud from 2024-01 ($1B, then $1.2B), two of its opex of 2024-02
# ($5M, then $6M): three conflicts, each of two reports.
LEDGER = """
sources:
- {id: s1, outlet: A, title: A, date: 2024-07-01}
- {id: s2, outlet: B, title: B, date: 2024-08-01}
entities:
- {id: rho, name: Rho, type: company}
- {id: nvidia, name: Nvidia, type: chip_vendor}
- {id: cloud, name: Cloud, type: cloud_provider}
gpu_orders:
- {id: rho-o1, buyer: rho, vendor: nvidia, sku: H100, quantity: 10000, total: $300M,
   order_date: 2024-03, sources: [s1]}
- {id: rho-o2, buyer: rho, vendor: nvidia, sku: H100, quantity: 12000, total: $360M,
   order_date: 2024-03, sources: [s2]}
compute_contracts:
- {id: rho-c1, buyer: rho, seller: cloud, start: 2024-01, end: 2025-12, total_value: $1B,
   sources: [s1]}
- {id: rho-c2, buyer: rho, seller: cloud, start: 2024-01, end: 2025-12, total_value: $1.2B,
   sources: [s2]}
expenses:
- {id: rho-e1, company: rho, category: opex, amount: $5M, date: 2024-02, sources: [s1]}
- {id: rho-e2, company: rho, category: opex, amount: $6M, date: 2024-02, sources: [s2]}
"""


def test_every_conflict_of_the_buyer_is_in_its_report(ledger_text: LedgerText) -> None:
    (rho,) = ac.report(ac.load(ledger_text(LEDGER)))["companies"]
    found = {c["kind"]: [r["id"] for r in c["reports"]] for c in rho["conflicts"]}
    assert found == {
        "compute_contracts": ["rho-c1", "rho-c2"],
        "gpu_orders": ["rho-o1", "rho-o2"],
        "expenses": ["rho-e1", "rho-e2"],
    }
