"""A company's GPU plot is asked for when the report's fleet counts GPUs of it (orders of the
statuses the plot draws): a company whose only order is announced was in the GPU movements
table, so the plot was asked for, and `aicapex report --plots` printed "no gpus plot of X: no
GPU orders or reallocations of 'X' to plot" for it (one line per such company: 40 of the 100
companies of a generated ledger)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

pytest.importorskip("matplotlib", reason="matplotlib is in the test extra")

from aicapex.plot.pictures import company_pictures
from aicapex.report import report

LedgerText = Callable[..., Path]

LEDGER = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: v, name: Vendor, type: chip_vendor}
gpu_orders:
- {id: o1, buyer: a, vendor: v, sku: H100, quantity: 100, order_date: 2024-01, sources: [s]}
- {id: o2, buyer: b, vendor: v, sku: H100, quantity: 50, order_date: 2024-02, status: announced,
   sources: [s]}
"""


def test_gpu_plots_follow_the_counted_fleet(ledger_text: LedgerText) -> None:
    ledger = ac.load(ledger_text(LEDGER))
    pictures = list(company_pictures(ledger, report(ledger)))
    gpus = {p.company: p for p in pictures if p.name == "gpus"}
    assert set(gpus) == {"a"}  # b's announced order is not counted: no plot asked for
    assert gpus["a"].figure is not None
    assert not [p for p in pictures if p.figure is None]  # nothing asked for and not drawn
