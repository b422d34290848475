"""Fiscal years as analysis arguments: with one entity of a ledger, 'FY2024' is that entity's own
fiscal year (its fiscal_year_end), in burn (start, end), compute_gap (period) and runway
(as_of). Without one entity, or from a flows table, the months are unknown: refused, saying
how to give them. Figures by hand from the records."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
sources:
- id: s1
  outlet: Example News
  title: Figures
  date: 2025-01-01
entities:
- id: acme
  name: Acme
  type: company
  fiscal_year_end: 06-30
- id: beta
  name: Beta
  type: company
expenses:
- id: acme-compute
  sources:
  - source: s1
    quote: Acme spends on compute.
  company: acme
  category: compute
  date: 2023-01
  until: 2024-12
  rate: $1M/month
- id: acme-compute-2024h1
  sources:
  - source: s1
    quote: Acme spends more in the first half of 2024.
  company: acme
  category: compute
  date: 2024-01
  until: 2024-06
  rate: $2M/month
revenues:
- id: acme-revenue
  sources:
  - source: s1
    quote: Acme earns.
  company: acme
  date: 2023-07
  until: 2024-06
  rate: $500K/month
cash_balances:
- id: acme-cash
  sources:
  - source: s1
    quote: Acme held $30M at the end of its FY2023 (June 2023).
  company: acme
  date: 2023-06
  amount: $30M
"""


@pytest.fixture
def led(tmp_path: Path) -> ac.Ledger:
    path = tmp_path / "ledger.yaml"
    path.write_text(LEDGER, encoding="utf-8")
    return ac.load(path)


def test_compute_gap_of_a_fiscal_year(led: ac.Ledger) -> None:
    """Acme's FY2024 is July 2023 to June 2024: compute $1M x 12 + $2M x 6 = $24M, revenue
    $0.5M x 12 = $6M: ratio 4."""
    row = ac.compute_gap(led, "acme", period="FY2024").frame.iloc[0]
    assert row["period"] == "FY2024"
    assert row["compute_usd"] == pytest.approx(24e6)
    assert row["revenue_usd"] == pytest.approx(6e6)
    assert row["ratio"] == pytest.approx(4.0)


def test_burn_from_fiscal_year_to_fiscal_year(led: ac.Ledger) -> None:
    """start='FY2024' is July 2023, end='FY2024' June 2024: 12 months; their net burn
    ($24M - $6M) / 12 = $1.5M a month on average."""
    frame = ac.burn(led, "acme", start="FY2024", end="FY2024").frame
    assert frame["month"].dt.strftime("%Y-%m").tolist()[0] == "2023-07"
    assert frame["month"].dt.strftime("%Y-%m").tolist()[-1] == "2024-06"
    assert len(frame) == 12
    assert frame["net_burn"].mean() == pytest.approx(1.5e6)


def test_runway_as_of_a_fiscal_year_end(led: ac.Ledger) -> None:
    """as_of='FY2024' is June 30, 2024: $30M at the end of June 2023, less FY2024's $18M net
    ($24M compute, $6M revenue): $12M. July to December 2024: $1M of compute, revenue past
    its last record at its run rate, $0.5M: $9M left. From 2025 compute at its trailing
    12-month mean ($3M x 6 + $1M x 6) / 12 = $2M, net $1.5M: 0 at the end of June 2025, out
    on July 1: 12 months, as for as_of='2024-06-30'."""
    fiscal = ac.runway(led, "acme", as_of="FY2024")
    assert fiscal.months == pytest.approx(12.0)
    assert str(fiscal.cash_out.date()) == "2025-07-01"
    calendar = ac.runway(led, "acme", as_of="2024-06-30")
    assert fiscal.months == pytest.approx(calendar.months)


def test_a_fiscal_year_needs_one_entity(led: ac.Ledger) -> None:
    with pytest.raises(ValueError, match="name one entity"):
        ac.compute_gap(led, period="FY2024")
    with pytest.raises(ValueError, match="name one entity"):
        ac.burn(led.flows(), "acme", start="FY2024")  # a flows table holds no year ends


def test_an_entity_with_calendar_years_reads_them(led: ac.Ledger) -> None:
    """Beta has no fiscal_year_end: its FY2024 is 2024 (January to December)."""
    assert ac.compute_gap(led, "beta", period="FY2024").frame.empty
    frame = ac.burn(led, "beta", start="FY2024", end="FY2024").frame
    assert frame.empty or frame["month"].dt.year.unique().tolist() == [2024]
