"""Compute contracts over a span off month boundaries are split by days, as expenses are: each
whole month the rate, the partial first and last months the rest by their days ($1M a month
from 2024-01-16 to 2024-03-31 gave $832,306.64 in each month). Figures by hand: the span is 76
days, 76 x 12 / 365.25 = 2.49692 months, $2,496,919.92; February and March whole, $1M each;
January the rest, $496,919.92."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: s, outlet: T, title: T, date: 2024-06-01}
entities:
- {id: co, name: Co, type: company}
- {id: cloud, name: Cloud, type: cloud_provider}
compute_contracts:
"""


def _months(ledger_text: LedgerText, body: str) -> dict[str, float]:
    flows = ac.load(ledger_text(HEAD + body)).flows()
    mine = flows[(flows["direction"] == -1).to_numpy()]
    by = mine.groupby(mine["month"].dt.strftime("%Y-%m"))["amount"].sum()
    return {str(k): round(float(v), 2) for k, v in by.items()}


def test_a_rate_from_mid_month(ledger_text: LedgerText) -> None:
    body = """- {id: c1, buyer: co, seller: cloud, start: 2024-01-16, end: 2024-03-31,
   rate: $1M/month, sources: [s]}
"""
    assert _months(ledger_text, body) == {
        "2024-01": 496_919.92,
        "2024-02": 1_000_000.0,
        "2024-03": 1_000_000.0,
    }


def test_a_ramp_step_from_mid_month(ledger_text: LedgerText) -> None:
    body = """- id: c2
  buyer: co
  seller: cloud
  start: 2024-01-16
  end: 2024-03-31
  ramp:
  - {period: 2024-01-16..2024-03-31, rate: $1M/month}
  sources: [s]
"""
    assert _months(ledger_text, body) == {
        "2024-01": 496_919.92,
        "2024-02": 1_000_000.0,
        "2024-03": 1_000_000.0,
    }


@pytest.mark.parametrize(
    ("terms", "expected"),
    [
        # whole months: as before, evenly
        ("start: 2024-01, end: 2024-03, total_value: $3M", [1e6, 1e6, 1e6]),
        # a rate with no end: the twelve months from its start's, whole
        ("start: 2024-01-16, rate: $1M/month", [1e6] * 12),
    ],
)
def test_whole_months_are_unchanged(
    ledger_text: LedgerText, terms: str, expected: list[float]
) -> None:
    body = f"- {{id: c3, buyer: co, seller: cloud, {terms}, sources: [s]}}\n"
    assert list(_months(ledger_text, body).values()) == expected
