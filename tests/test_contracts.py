"""Compute contracts: statuses, ceilings, ramps, terms, unit economics and conflicting totals.

Expected figures come from the records written in each test."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: s, outlet: Example, title: A report, date: 2025-09}
- {id: t, outlet: Other, title: Another report, date: 2025-10}
entities:
- {id: buyer, name: Buyer, type: company}
- {id: cloud, name: Cloud, type: cloud_provider}
"""


def _load(ledger_text: LedgerText, body: str) -> ac.Ledger:
    return ac.load(ledger_text(HEAD + "compute_contracts:\n" + body))


def test_statuses_and_ceilings_in_the_flows(ledger_text: LedgerText) -> None:
    body = """
- {id: signed, buyer: buyer, seller: cloud, start: 2026-01, end: 2026-12, total_value: $12M,
   sources: [s]}
- {id: ceiling, buyer: buyer, seller: cloud, start: 2027-01, total_value: up to $5M,
   status: announced, sources: [s]}
- {id: talks, buyer: buyer, seller: cloud, start: 2027-06, rate: $1M/month, status: in_talks,
   sources: [s]}
"""
    led = _load(ledger_text, body)
    flows = led.flows()
    by = flows.groupby("record")
    assert set(by.groups) == {"signed", "ceiling"}  # talks move no money
    signed = flows[flows["record"] == "signed"]
    assert set(signed["status"]) == {"scheduled"}
    assert len(signed) == 12
    assert signed["amount"].sum() == float(led["signed"].total_value.amount)  # type: ignore[attr-defined]
    assert set(flows.loc[flows["record"] == "ceiling", "status"]) == {"conditional"}
    terms = ac.contract_terms(led).frame.set_index("contract")
    assert bool(terms.loc["ceiling", "ceiling"])
    assert terms.loc["signed", "run_rate_usd"] == pytest.approx(12e6, rel=1e-3)
    assert terms.loc["talks", "status"] == "in_talks"


def test_a_ramp_schedules_the_money(ledger_text: LedgerText) -> None:
    body = """
- id: ramped
  buyer: buyer
  seller: cloud
  start: 2026-01
  end: 2028-12
  total_value: $60B
  ramp:
  - {period: 2026, amount: $10B}
  - {period: 2027, amount: $20B}
  - {period: 2028, rate: $2.5B/month}
  sources: [s]
"""
    led = _load(ledger_text, body)
    contract = led["ramped"]
    flows = led.flows()
    per_year = flows.groupby(flows["date"].dt.year)["amount"].sum()
    steps = contract.ramp  # type: ignore[attr-defined]
    assert per_year[2026] == float(steps[0].amount.amount)
    assert per_year[2027] == float(steps[1].amount.amount)
    assert per_year[2028] == pytest.approx(float(steps[2].rate.money.amount) * 12)
    row = ac.contract_terms(led).frame.iloc[0]
    assert row["implied_total_usd"] == pytest.approx(per_year.sum())
    assert row["conflict"] is None  # the ramp sums to the total
    assert "2026-01: $10.00B" in row["ramp"]


def test_a_flat_rate_over_the_term_against_a_stated_total(ledger_text: LedgerText) -> None:
    body = """
- {id: both, buyer: buyer, seller: cloud, start: 2026-01-01, end: 2030-12-31,
   total_value: $300B, rate: $30B/year, sources: [s]}
"""
    led = _load(ledger_text, body)
    row = ac.contract_terms(led).frame.iloc[0]
    contract = led["both"]
    years = 5
    implied = float(contract.rate.money.amount) * years  # type: ignore[attr-defined]
    assert row["implied_total_usd"] == pytest.approx(implied, rel=1e-3)
    assert "$300.00B" in row["conflict"]
    assert "$150.00B" in row["conflict"]
    assert ac.contract_terms(led).warnings


def test_two_reports_of_one_contract_with_incompatible_totals(ledger_text: LedgerText) -> None:
    body = """
- {id: by-total, buyer: buyer, seller: cloud, start: 2026-01-01, end: 2030-12-31,
   total_value: $300B, sources: [s]}
- {id: by-rate, buyer: buyer, seller: cloud, start: 2026-01-01, end: 2030-12-31,
   rate: $30B/year, sources: [t]}
"""
    led = _load(ledger_text, body)
    assert not led.conflicts().empty
    terms = ac.contract_terms(led).frame.set_index("contract")
    for rid in ("by-total", "by-rate"):
        text = terms.loc[rid, "conflict"]
        assert "by-total: $300.00B" in text
        assert "by-rate: $150.00B" in text
        assert terms.loc[rid, "conflict_records"] == "by-total,by-rate"
    # a range that holds the other figure is no conflict
    body = body.replace("total_value: $300B", "total_value: $140B to $160B")
    terms = ac.contract_terms(_load(ledger_text, body)).frame
    assert terms["conflict"].isna().all()


def test_gw_become_gpus_only_through_an_assumption(ledger_text: LedgerText) -> None:
    body = """
- {id: gw, buyer: buyer, seller: cloud, start: 2026-01, rate: $10B/year, capacity: 1 GW,
   sources: [s]}
"""
    led = _load(ledger_text, body)
    row = ac.contract_terms(led).frame.iloc[0]
    assert row["usd_per_gw_year"] == pytest.approx(10e9)
    assert row["conversion"] is None
    assert row["usd_per_gpu_hour"] != row["usd_per_gpu_hour"]  # NaN: no assumption, no GPUs
    text = HEAD + "compute_contracts:\n" + body
    text += """assumptions:
- {id: per-gw, measure: gpus_per_gw, gpus: 500000, date: 2025, sources: [s]}
"""
    led = ac.load(ledger_text(text))
    result = ac.contract_terms(led)
    row = result.frame.iloc[0]
    gpus = led["per-gw"].gpus  # type: ignore[attr-defined]
    assert row["conversion"] == "per-gw"
    assert "per-gw" in result.records
    assert row["gpus"] == gpus
    assert row["usd_per_gpu_hour"] == pytest.approx(10e9 / gpus / 8766)


def test_assumption_and_target_records_are_checked() -> None:
    with pytest.raises(ValueError, match="gpus"):
        ac.Assumption.model_validate(
            {"id": "x", "measure": "gpus_per_gw", "money": "$1B", "date": "2025"}
        )
    with pytest.raises(ValueError, match="either an amount or a rate"):
        ac.ComputeContract.model_validate(
            {
                "id": "c",
                "buyer": "b",
                "seller": "s",
                "start": "2026",
                "ramp": [{"period": "2026"}],
            }
        )
    target = ac.GPUTarget.model_validate(
        {"id": "t", "entity": "xai", "units": "100,000", "by": "by end of 2024"}
    )
    assert str(target.by) == "by end of 2024"
