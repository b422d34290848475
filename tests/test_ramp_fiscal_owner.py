"""Ramp steps in their owner's fiscal years (aicapex.checks.contracts): a contract's own check
reads ``FY2025`` as the calendar year 2025 or leaves it out, because the record does not know
whose year it is; the ledger does. For a year ending June 30, ``FY2025`` runs from 2024-07-01
to 2025-06-30. A contract with steps FY2025 ($10M) and 2024-H2 ($5M) loaded, and its flows
counted July-December 2024 twice ($10M/12 + $5M/6 a month); it is now refused."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from tablefiles import write_rows

import aicapex as ac
from aicapex.table.bulk import read_table

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: s, outlet: Example, title: A report, date: 2025-06}
entities:
- {id: a, name: A, type: company, fiscal_year_end: 06-30}
- {id: b, name: B, type: company}
- {id: p, name: P, type: cloud_provider, fiscal_year_end: 06-30}
- {id: q, name: Q, type: cloud_provider, fiscal_year_end: 03-31}
compute_contracts:
"""


def _contract(
    cid: str,
    buyer: str,
    seller: str,
    start: str,
    end: str | None,
    *steps: str,
    of: str | None = None,
) -> str:
    ramp = "".join(
        f"\n  - {{period: {p}, amount: {m}}}" for p, m in (step.split("=") for step in steps)
    )
    ends = f"\n  end: {end}" if end else ""
    owner = f"\n  fiscal_year_of: {of}" if of else ""
    return (
        f"- id: {cid}\n  buyer: {buyer}\n  seller: {seller}\n  start: {start}{ends}{owner}"
        f"\n  ramp:{ramp}\n  sources: [s]\n"
    )


def _problems(
    ledger_text: LedgerText, *contracts: str
) -> list[tuple[str | None, str | None, str, str]]:
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(ledger_text(HEAD.lstrip("\n") + "".join(contracts)))
    return [
        (p.record_id, p.field, p.expected, p.found)
        for p in caught.value.problems
        if p.severity == "error"
    ]


def test_a_fiscal_year_step_over_a_half_year_step_is_refused(ledger_text: LedgerText) -> None:
    # a's FY2025: 2024-07-01..2025-06-30, over 2024-H2 (2024-07-01..2024-12-31)
    c = _contract("c1", "a", "p", "2024-07", "2025-12", "FY2025=$10M", "2024-H2=$5M", "2025-H2=$5M")
    assert _problems(ledger_text, c) == [
        (
            "c1",
            "ramp.1.period",
            "a period apart from the other steps' (ramp.0.period is FY2025)",
            "2024-H2",
        ),
    ]


def test_steps_apart_in_the_owners_years_load_and_count_once(ledger_text: LedgerText) -> None:
    # FY2025 (2024-07..2025-06) and 2025-H2 (2025-07..2025-12) are apart for a June year end
    path = ledger_text(
        HEAD.lstrip("\n")
        + _contract("c1", "a", "p", "2024-07", "2025-12", "FY2025=$12M", "2025-H2=$6M")
    )
    flows = ac.load(path).flows()
    spend = flows[flows["payer"] == "a"]
    # $12M over 12 months + $6M over 6: $1M a month for 18 months, $18M in all
    assert spend["amount_usd"].sum() == pytest.approx(18_000_000)
    by_month = spend.groupby("month")["amount_usd"].sum()
    assert len(by_month) == 18
    assert by_month.to_numpy() == pytest.approx([1_000_000] * 18)


def test_a_december_year_end_makes_fy2025_the_calendar_year(ledger_text: LedgerText) -> None:
    # b's year ends on December 31 (no fiscal_year_end): FY2025 is 2025, over 2025-H2
    c = _contract("c2", "b", "p", "2025-01", None, "FY2025=$10M", "2025-H2=$5M", of="b")
    assert _problems(ledger_text, c) == [
        (
            "c2",
            "ramp.1.period",
            "a period apart from the other steps' (ramp.0.period is FY2025)",
            "2025-H2",
        ),
    ]


def test_steps_outside_the_contract_in_the_owners_years(ledger_text: LedgerText) -> None:
    # c3 from 2025-08: a's FY2025 ends 2025-06-30, before it (as a calendar year it did not);
    # c4 ends in FY2025 (2025-06-30): 2025-H2 starts after it (the record read FY2025 as
    # ending 2025-12-31); both reported at once
    c3 = _contract("c3", "a", "p", "2025-08", None, "FY2025=$1M", "2025-H2=$1M")
    c4 = _contract("c4", "a", "p", "2024-07", "FY2025", "2025-H1=$1M", "2025-H2=$1M")
    assert _problems(ledger_text, c3, c4) == [
        ("c3", "ramp.0.period", "a period on or after the start 2025-08", "FY2025"),
        ("c4", "ramp.1.period", "a period starting on or before the end FY2025", "2025-H2"),
    ]


def test_the_sellers_year_when_the_contract_says_so(ledger_text: LedgerText) -> None:
    # q's FY2025 (fiscal_year_of: q, a year ending March 31): 2024-04-01..2025-03-31, over
    # 2025-Q1 (2025-01..03) but apart from 2025-Q2 (2025-04..06); a's FY2025 (June 30):
    # 2024-07-01..2025-06-30, over 2025-Q2
    c = _contract("c5", "a", "q", "2024-04", None, "FY2025=$4M", "2025-Q1=$1M", of="q")
    assert _problems(ledger_text, c) == [
        (
            "c5",
            "ramp.1.period",
            "a period apart from the other steps' (ramp.0.period is FY2025)",
            "2025-Q1",
        ),
    ]
    apart = _contract("c6", "a", "q", "2024-04", None, "FY2025=$4M", "2025-Q2=$1M", of="q")
    ac.load(ledger_text(HEAD.lstrip("\n") + apart))
    over = _contract("c6", "a", "q", "2024-04", None, "FY2025=$4M", "2025-Q2=$1M", of="a")
    assert _problems(ledger_text, over) == [
        (
            "c6",
            "ramp.1.period",
            "a period apart from the other steps' (ramp.0.period is FY2025)",
            "2025-Q2",
        ),
    ]


def test_one_problem_where_the_record_already_finds_it(ledger_text: LedgerText) -> None:
    # FY2023 of a contract from 2025-01 ends before it in calendar years too: the record's own
    # check reports it, once
    c = _contract("c7", "a", "p", "2025-01", None, "FY2023=$1M", "2025=$1M")
    assert _problems(ledger_text, c) == [
        ("c7", "ramp.0.period", "a period on or after the start 2025-01", "FY2023"),
    ]


# --- the same rules on bulk tables read with the ledger (fx=): the owner's years -------------

OWNERS = """
entities:
- {id: a, name: A, type: company, fiscal_year_end: 06-30}
- {id: p, name: P, type: cloud_provider, fiscal_year_end: 06-30}
"""


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tables_read_with_the_ledger_take_the_owners_years(
    ledger_text: LedgerText, tmp_path: Path, fmt: str
) -> None:
    led = ac.load(ledger_text(OWNERS))
    contracts = [
        {"id": "k1", "buyer": "a", "seller": "p", "start": "2024-07", "end": "2025-12"},
        {"id": "k2", "buyer": "a", "seller": "p", "start": "2025-08", "end": None},
        {"id": "k3", "buyer": "a", "seller": "p", "start": "2024-07", "end": "2025-12"},
    ]
    steps = [  # k1: FY2025 (2024-07..2025-06) over 2024-H2; k2: FY2025 ends before 2025-08;
        # k3: FY2025 and 2025-H2 apart (loads)
        {"contract": "k1", "buyer": "a", "period": "FY2025", "amount": "$10M"},
        {"contract": "k1", "buyer": "a", "period": "2024-H2", "amount": "$5M"},
        {"contract": "k2", "buyer": "a", "period": "FY2025", "amount": "$1M"},
        {"contract": "k3", "buyer": "a", "period": "FY2025", "amount": "$1M"},
        {"contract": "k3", "buyer": "a", "period": "2025-H2", "amount": "$1M"},
    ]
    parents = write_rows(tmp_path, contracts, fmt, "contracts")
    with pytest.raises(ac.LedgerError) as caught:
        read_table(write_rows(tmp_path, steps, fmt, "ramps"), "ramps", parents=parents, fx=led)
    got = sorted((p.record_id, p.field, p.expected, p.found) for p in caught.value.problems)
    assert got == [
        (
            "k1",
            "ramp.1.period",
            "a period apart from the other steps' (ramp.0.period is FY2025)",
            "2024-H2",
        ),
        ("k2", "ramp.0.period", "a period on or after the start 2025-08", "FY2025"),
    ]
