"""GPU targets as of a date, and the report's fleet sections at each company's report date.
Figures worked by hand from the records here."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.report import report

LedgerText = Callable[..., Path]

# a orders 100 H100: 30 delivered in March 2024, 40 in July 2024 (30 never came);
# b orders 20 B200 delivered in August 2024; a gives b 10 of a's H100 in June 2024 (they
# come with July's delivery).
LEDGER = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-01}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: v, name: Vendor, type: chip_vendor}
gpu_orders:
- id: o1
  buyer: a
  vendor: v
  sku: H100
  quantity: 100
  order_date: 2024-01
  sources: [s]
  delivered:
  - {date: 2024-03, quantity: 30}
  - {date: 2024-07, quantity: 40}
- id: o2
  buyer: b
  vendor: v
  sku: B200
  quantity: 20
  order_date: 2024-02
  sources: [s]
  delivered:
  - {date: 2024-08, quantity: 20}
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 10, date: 2024-06, sources: [s]}
gpu_targets:
- {id: t-undated, entity: a, sku: H100, units: 50, sources: [s]}
- {id: t-year, entity: a, units: 60, by: 2024, sources: [s]}
"""


@pytest.fixture
def ledger(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(LEDGER))


def test_a_target_without_a_date_counts_to_as_of(ledger: ac.Ledger) -> None:
    # as of May 2024, a had the 30 H100 of March; July's 40 (30 of them a's, 10 b's) were not
    # there yet: delivered 30 of 50, gap 20, not met. The undated target counted July's 30 too
    # (60 of 50: met) because min(no date, as_of) is no date.
    t = ac.gpu_targets(ledger, as_of="2024-05").frame.set_index("target")
    assert t.loc["t-undated", ["delivered", "gap", "met"]].tolist() == [30, 20, False]
    # position by then: 100 ordered (r1 in June is later)
    assert t.loc["t-undated", "position"] == 100
    # the dated one alike: by 2024-05-31, 30 delivered
    assert t.loc["t-year", ["delivered", "gap"]].tolist() == [30, 30]
    # without as_of the undated target counts every delivery: 30 + 30 = 60 of a's
    t_all = ac.gpu_targets(ledger).frame.set_index("target")
    assert t_all.loc["t-undated", ["delivered", "met"]].tolist() == [60, True]


def test_by_is_the_targets_own_date(ledger: ac.Ledger) -> None:
    # 'by' is the last day of the target's date (the docs), whatever as_of counts to:
    # 2024 -> 2024-12-31, none -> NaT; it read 2024-05-31 as of May
    t = ac.gpu_targets(ledger, as_of="2024-05").frame.set_index("target")
    assert t.loc["t-year", "by"] == pd.Timestamp("2024-12-31")
    assert pd.isna(t.loc["t-undated", "by"])
    assert np.isnat(t["by"].to_numpy("datetime64[ns]")).sum() == 1


def _companies(data: dict[str, object]) -> dict[str, dict[str, object]]:
    companies = data["companies"]
    assert isinstance(companies, list)
    return {c["id"]: c for c in companies}


def test_the_reports_fleet_is_at_the_report_date(ledger: ac.Ledger) -> None:
    # as of 2024-05: a ordered 100 H100, 30 delivered (March), nothing moved yet (r1 is in
    # June); b's order (February) is there, its August delivery and r1's 10 H100 not yet.
    # The section counted every record whatever the date: a's 60 delivered (30 + July's 30),
    # moved out 10, on hand 60; b's 20 B200 on hand. (The reallocations section lists every
    # reallocation, with its own date, as the related parties section does.)
    got = _companies(report(ledger, as_of="2024-05"))
    a = got["a"]["fleet"]["skus"]
    assert a == {
        "H100": {
            "ordered": 100,
            "scheduled": 0,
            "delivered": 30,
            "moved_in": 0,
            "moved_out": 0,
            "position": 100,
            "on_hand": 30,
            "through": "2024-05",  # the counts stop at the report date
        }
    }
    b = got["b"]["fleet"]["skus"]
    assert b == {
        "B200": {
            "ordered": 20,
            "scheduled": 0,
            "delivered": 0,
            "moved_in": 0,
            "moved_out": 0,
            "position": 20,
            "on_hand": 0,
            "through": "2024-05",  # the counts stop at the report date
        }
    }
    # the targets as of the report date: 30 of 50 (undated) and of 60 (by 2024)
    targets = {t["target"]: t for t in got["a"]["fleet"]["targets"]}
    assert [targets["t-undated"][k] for k in ("delivered", "gap", "met")] == [30, 20, False]
    assert [targets["t-year"][k] for k in ("by", "delivered", "gap")] == ["2024-12-31", 30, 30]


def test_the_reports_fleet_at_the_end_has_everything(ledger: ac.Ledger) -> None:
    # as of 2024-12 every record counts: a's H100 ordered 100, delivered 30 + 30 (July's 40
    # less the 10 r1 took), moved out 10, position 90, on hand 60; b's H100 moved in 10,
    # delivered 10 (of July's 40), position and on hand 10; b's B200 20 delivered
    got = _companies(report(ledger, as_of="2024-12"))
    a = got["a"]["fleet"]["skus"]["H100"]
    assert [a[k] for k in ("ordered", "delivered", "moved_out", "position", "on_hand")] == [
        100,
        60,
        10,
        90,
        60,
    ]
    b = got["b"]["fleet"]["skus"]
    assert [b["H100"][k] for k in ("moved_in", "delivered", "position", "on_hand")] == [
        10,
        10,
        10,
        10,
    ]
    assert b["B200"]["on_hand"] == 20
    assert [r["reallocation"] for r in got["b"]["reallocations"]] == ["r1"]
    targets = {t["target"]: t for t in got["a"]["fleet"]["targets"]}
    assert targets["t-undated"]["delivered"] == 60
    assert targets["t-undated"]["met"]


def test_the_cli_json_agrees(ledger_text: LedgerText) -> None:
    path = ledger_text(LEDGER)
    result = CliRunner().invoke(
        app, ["report", str(path), "--as-of", "2024-05", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    got = _companies(json.loads(result.stdout))
    assert got["a"]["fleet"]["skus"]["H100"]["delivered"] == 30


def test_a_target_of_a_sku_no_record_names_is_a_warning(ledger_text: LedgerText) -> None:
    # 'h100' (lower case) is no SKU of the ledger: 0 delivered of 50 read as a shortfall;
    # the result now says so
    led = ac.load(
        ledger_text(LEDGER + "- {id: t-typo, entity: a, sku: h100, units: 50, sources: [s]}\n")
    )
    t = ac.gpu_targets(led)
    assert t.frame.set_index("target").loc["t-typo", "delivered"] == 0
    assert t.warnings == (
        "t-typo: no GPU order or reallocation of SKU 'h100' (did you mean 'H100'?): nothing "
        "counts toward it",
    )
    assert not ac.gpu_targets(ac.load(ledger_text(LEDGER))).warnings
