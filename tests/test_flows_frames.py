"""Record frames by kind given to the flows and the analyses: what they cannot read is refused
with an error naming the kind and what is wrong, before any computing (never a KeyError or
AttributeError from inside, nor an empty answer for a misspelt kind)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import aicapex as ac
from aicapex.table.flows import FLOW_KINDS, check_frames

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def bundled() -> ac.Ledger:
    return ac.load(DATA)


def test_the_ledgers_frames_are_read(bundled: ac.Ledger) -> None:
    frames = {k: bundled.frame(k) for k in FLOW_KINDS}
    check_frames(frames)
    pd.testing.assert_frame_equal(ac.flows(frames), ac.flows(bundled))


@pytest.mark.parametrize("kind", FLOW_KINDS)
def test_a_value_that_is_no_frame(kind: str) -> None:
    for value in ("x", 5, None, [1, 2]):
        with pytest.raises(TypeError, match=f"^{kind}: expected a DataFrame of {kind}"):
            ac.flows({kind: value})  # type: ignore[dict-item]


@pytest.mark.parametrize("kind", FLOW_KINDS)
def test_each_missing_column_is_named(bundled: ac.Ledger, kind: str) -> None:
    """Any one column of a kind's frame dropped: refused, naming it; but the totals frames
    add beside a record's fields (a bill's ``paid_usd``, a round's ``committed_usd``) and the
    note, reporting dates and fiscal-year owner, which the flows do not read. Each dropped
    column the check lets through is one the flows do without."""
    full = bundled.frame(kind)
    derived = {
        "funding_rounds": {"committed_usd", "disbursed_usd", "cancelled_usd"},
        "cloud_bills": {"paid_usd", "unpaid_usd"},
        "gpu_orders": {
            "scheduled_quantity",
            "delivered_quantity",
            "quantity_low",
            "quantity_high",
        },
    }.get(kind, set())
    derived |= {"note", "fiscal_year_of", "reported_start", "reported_end", "reported_precision"}
    for column in full.columns:
        if column in derived:
            ac.flows({kind: full.drop(columns=[column])})
            continue
        with pytest.raises(ValueError, match=f"^{kind}: .* without {column}$"):
            ac.flows({kind: full.drop(columns=[column])})


def test_many_missing_columns_are_counted(bundled: ac.Ledger) -> None:
    full = bundled.frame("expenses")
    unread = {"note", "fiscal_year_of", "reported_start", "reported_end", "reported_precision"}
    wanted = [c for c in full.columns if c != "id" and c not in unread]
    with pytest.raises(ValueError, match=rf"and {len(wanted) - 6} more$"):
        ac.flows({"expenses": full[["id"]]})


def test_a_misspelt_kind_is_refused_with_the_closest(bundled: ac.Ledger) -> None:
    with pytest.raises(KeyError, match="did you mean 'expenses'"):
        ac.flows({"expense": bundled.frame("expenses")})
    with pytest.raises(KeyError, match="expected record frames by kind"):
        ac.flows({3: bundled.frame("expenses")})  # type: ignore[dict-item]


def test_frames_of_other_kinds_are_accepted(bundled: ac.Ledger) -> None:
    """Analyses read other kinds beside the flows' (cash balances, entities): accepted."""
    frames = {k: bundled.frame(k) for k in ("expenses", "cash_balances", "entities", "stakes")}
    check_frames(frames)
    assert len(ac.flows(frames)) == len(ac.flows({"expenses": frames["expenses"]})) + len(
        ac.flows({"stakes": frames["stakes"]})
    )


def test_analyses_refuse_bad_frames_by_name(bundled: ac.Ledger) -> None:
    bills = bundled.frame("cloud_bills").drop(columns=["billed_usd"])
    with pytest.raises(ValueError, match=r"^cloud_bills: .* without billed_usd"):
        ac.arrears({"cloud_bills": bills}, as_of="2023-10")
    with pytest.raises(ValueError, match=r"^cloud_bills: .* without billed_usd"):
        ac.burn({"cloud_bills": bills})
    with pytest.raises(TypeError, match=r"^cash_balances: expected a DataFrame"):
        ac.runways({"cash_balances": 5}, as_of="2023-10")  # type: ignore[dict-item]


def test_the_bulk_path_checks_without_the_record_models() -> None:
    """Frames of the tables' kinds are checked without importing pydantic (the bulk path's
    promise: read_table, flows and burn never load the record models)."""
    code = (
        "import sys, pandas as pd\n"
        "from aicapex.table.flows import check_frames\n"
        "try:\n"
        "    check_frames({'expenses': pd.DataFrame({'id': []})})\n"
        "except ValueError as e:\n"
        "    print('refused' if 'without' in str(e) else 'other')\n"
        "print('pydantic' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.split() == ["refused", "False"]
