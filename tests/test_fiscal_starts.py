"""A fiscal-year start against a calendar date, read in its owner's years: a contract starting
in beta's FY2025 (years ending March 31: April 2024 to March 2025) with a ramp step of 2024-05,
and an expense dated acme's FY2025 (years ending June 30: from July 2024) until 2024-12, were
refused ('on or after the start'): the records read FY2025 as calendar 2025. Now the ledger
checks them in the owner's years; what is truly before is still refused, at the field."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.errors import LedgerError

HEAD = """\
sources:
- id: s1
  outlet: Example News
  title: Deals
  date: 2025-01-01
entities:
- id: acme
  name: Acme
  type: company
  fiscal_year_end: 06-30
- id: beta
  name: Beta
  type: company
  fiscal_year_end: 03-31
- id: cloudco
  name: CloudCo
  type: cloud_provider
  fiscal_year_end: 03-31
"""


def _contract(step: str) -> str:
    return f"""\
compute_contracts:
- id: c1
  sources:
  - source: s1
    quote: Beta buys compute from CloudCo from its FY2025.
  buyer: beta
  seller: cloudco
  start: FY2025
  end: FY2026
  ramp:
  - period: {step}
    amount: $12M
"""


def _expense(until: str) -> str:
    return f"""\
expenses:
- id: e1
  sources:
  - source: s1
    quote: Acme spends $1M a month from its FY2025.
  company: acme
  category: compute
  date: FY2025
  until: {until}
  rate: $1M/month
"""


def _load(tmp_path: Path, text: str) -> ac.Ledger:
    path = tmp_path / "ledger.yaml"
    path.write_text(HEAD + text, encoding="utf-8")
    return ac.load(path)


def test_a_step_inside_a_fiscal_start_year_loads(tmp_path: Path) -> None:
    """2024-05 is in beta's FY2025 (2024-04-01 to 2025-03-31): $12M in May 2024."""
    led = _load(tmp_path, _contract("2024-05"))
    flows = led.flows()
    assert flows["amount_usd"].sum() == pytest.approx(12e6)
    assert flows["month"].dt.strftime("%Y-%m").tolist() == ["2024-05"]


def test_a_step_before_the_fiscal_start_is_refused(tmp_path: Path) -> None:
    """2024-03 ends before 2024-04-01, the first day of beta's FY2025."""
    with pytest.raises(LedgerError) as caught:
        _load(tmp_path, _contract("2024-03"))
    problems = caught.value.to_frame()
    assert problems["field"].tolist() == ["ramp.0.period"]
    assert problems["record_id"].tolist() == ["c1"]
    assert "on or after the start FY2025" in problems["expected"].iloc[0]


def test_until_inside_a_fiscal_date_year_loads(tmp_path: Path) -> None:
    """Acme's FY2025 starts 2024-07-01: until 2024-12 is July to December 2024, 6 x $1M."""
    led = _load(tmp_path, _expense("2024-12"))
    assert led.flows()["amount_usd"].sum() == pytest.approx(6e6)


def test_until_before_a_fiscal_date_is_refused(tmp_path: Path) -> None:
    """2024-06 ends before 2024-07-01, the first day of acme's FY2025."""
    with pytest.raises(LedgerError) as caught:
        _load(tmp_path, _expense("2024-06"))
    problems = caught.value.to_frame()
    assert problems["field"].tolist() == ["until"]
    assert problems["record_id"].tolist() == ["e1"]
    assert problems["code"].tolist() == ["inconsistent"]


def test_calendar_dates_are_checked_as_before(tmp_path: Path) -> None:
    """date 2025-03 until 2024-12: refused once, by the record."""
    text = _expense("2024-12").replace("date: FY2025", "date: 2025-03")
    with pytest.raises(LedgerError) as caught:
        _load(tmp_path, text)
    assert caught.value.to_frame()["field"].tolist() == ["until"]


def _order(delivery: str) -> str:
    return f"""\
gpu_orders:
- id: o1
  sources:
  - source: s1
    quote: Beta ordered 1,000 H100 in its FY2025.
  buyer: beta
  vendor: cloudco
  sku: H100
  quantity: 1,000
  order_date: FY2025
  delivered:
  - date: {delivery}
    quantity: 1,000
"""


def test_a_delivery_inside_a_fiscal_order_year_loads(tmp_path: Path) -> None:
    """Beta's FY2025 starts 2024-04-01: a delivery in 2024-06 is after the order."""
    led = _load(tmp_path, _order("2024-06"))
    row = ac.gpu_fleet(led, "beta", freq="Y").frame.iloc[0]
    assert row["delivered"] == 1000


def test_a_delivery_before_a_fiscal_order_year_is_refused(tmp_path: Path) -> None:
    """2024-03 ends before 2024-04-01, the first day of beta's FY2025."""
    with pytest.raises(LedgerError) as caught:
        _load(tmp_path, _order("2024-03"))
    problems = caught.value.to_frame()
    assert problems["field"].tolist() == ["delivered.0.date"]
    assert "on or after the order FY2025" in problems["expected"].iloc[0]
