"""A round without an amount, known by its tranches: its flows are in the tranches' currency.
They had no currency (the round's, missing), so the journals wrote the money as XXX (ISO's "no
currency"), CSV left the cell empty and SQL wrote NULL (found by the exports review)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

LEDGER = """
entities:
- {id: a, name: A, type: company}
- {id: f, name: F, type: investor}
fx_rates:
- {id: chf, currency: CHF, date: 2024-01, usd: 1.10}
funding_rounds:
- id: r
  company: a
  date: 2024-01
  status: closed
  investors: [{investor: f}]
  tranches:
  - {amount: CHF 4M, date: 2024-02, status: disbursed}
  - {amount: CHF 1M, date: 2024-05, status: committed}
- id: s
  company: a
  date: 2024-03
  status: closed
  tranches:
  - {amount: $2M, date: 2024-03, status: disbursed}
"""


def test_flows_take_the_tranches_currency(ledger_text: LedgerText) -> None:
    flows = ac.load(ledger_text(LEDGER)).flows()
    assert flows["currency"].notna().all()
    rows = flows[flows["record"] == "r"]
    # CHF 4M and CHF 1M at $1.10: $4.4M and $1.1M, on a's side and f's
    assert set(rows["currency"]) == {"CHF"}
    assert sorted(rows.loc[rows["entity"] == "a", "amount_usd"]) == pytest.approx([1.1e6, 4.4e6])
    assert set(flows.loc[flows["record"] == "s", "currency"]) == {"USD"}


def test_journals_write_the_currency(ledger_text: LedgerText, tmp_path: Path) -> None:
    ledger = ac.load(ledger_text(LEDGER))
    for fmt in ("hledger", "beancount"):
        out = tmp_path / f"j.{fmt}"
        ac.export(ledger, fmt, out)
        text = out.read_text(encoding="utf-8")
        assert "XXX" not in text
        assert "CHF" in text
