"""A company's report date stays within the years a date may name (1900..2200): a contract
starting on 2200-12-31 at a yearly rate spreads its payments into 2201, and the report dated
itself 2201-11, which the runway refused as a date (a ValueError naming no file)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path

import aicapex as ac
from aicapex.cli import app

LedgerText = Callable[..., Path]

# far-co: a compute contract from 2200-12-31 at $12M a year (its months run into 2201) and
# opex of $1M a month over 2200: no cash balance, so its report date is its flows' last month,
# held at 2200-12. near-co: opex in 2023 only, dated by it (2023-12), untouched.
LEDGER = """
sources:
- {id: s, outlet: A, title: A, date: 2024-07-01}
entities:
- {id: far-co, name: Far Co, type: company}
- {id: near-co, name: Near Co, type: company}
- {id: cloud, name: Cloud, type: cloud_provider}
compute_contracts:
- {id: far-cloud, buyer: far-co, seller: cloud, start: 2200-12-31, rate: $12M/year,
   arrangement: cloud, sources: [s]}
expenses:
- {id: far-opex, company: far-co, category: opex, rate: $1M/month, date: 2200-01,
   until: 2200-12, sources: [s]}
- {id: near-opex, company: near-co, category: opex, rate: $2M/month, date: 2023-01,
   until: 2023-12, sources: [s]}
"""


def _ledger(ledger_text: LedgerText) -> ac.Ledger:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ac.load(ledger_text(LEDGER))


def test_report_date_held_at_the_last_month_a_date_may_name(ledger_text: LedgerText) -> None:
    ledger = _ledger(ledger_text)
    assert str(ac.flows(ledger)["month"].max())[:4] == "2201"
    by_id = {c["id"]: c for c in ac.report(ledger)["companies"]}
    assert by_id["far-co"]["as_of"] == "2200-12"
    assert by_id["near-co"]["as_of"] == "2023-12"
    # burn over the calendar year 2200 of the report date: $1M a month of opex, 12 months
    assert by_id["far-co"]["burn"]["monthly_net"] == 1_000_000.0
    assert by_id["near-co"]["burn"]["monthly_net"] == 2_000_000.0


def test_cli_report_of_such_a_ledger_exits_0(ledger_text: LedgerText, capsys) -> None:  # type: ignore[no-untyped-def]
    path = ledger_text(LEDGER)
    app(["report", str(path), "--format", "json"], standalone_mode=False)
    assert '"as_of": "2200-12"' in capsys.readouterr().out
