"""Arguments of the wrong Python type get a clear error naming the argument and what was
found, raised before any work (not a traceback from inside the library)."""

from __future__ import annotations

import math
import traceback
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import aicapex as ac
from aicapex.table.adjust import AddFlow, Exclude


def _raised_here(exc: BaseException) -> None:
    """The error comes from an argument check of aicapex, not from pandas or Python inside."""
    frames = traceback.extract_tb(exc.__traceback__)
    assert "/aicapex/" in frames[-1].filename, frames[-1]


@pytest.mark.parametrize("widths", ["x", 5, [("about", (0.9, 1.1))]])
def test_widths_not_a_mapping(bundled: ac.Ledger, widths: Any) -> None:
    with pytest.raises(TypeError, match=r"widths: expected a mapping .* got") as info:
        bundled.with_widths(widths)
    assert repr(widths) in str(info.value)
    _raised_here(info.value)


def test_widths_mapping_still_taken(bundled: ac.Ledger) -> None:
    wide = bundled.with_widths({"about": (0.5, 2)})
    assert wide.widths is not None
    assert dict(wide.widths)["about"] == (0.5, 2)


@pytest.mark.parametrize("records", [5, [1], ["a", None], None, 2.5])
def test_exclude_needs_record_ids(records: Any) -> None:
    with pytest.raises(TypeError, match="Exclude: expected record ids") as info:
        Exclude(records)
    _raised_here(info.value)


def test_exclude_takes_one_id_or_any_iterable_of_ids(bundled: ac.Ledger) -> None:
    assert Exclude("a").records == ("a",)  # one id, not its characters
    assert Exclude(x for x in ["b", "a"]).records == ("b", "a")  # a generator, read once
    assert Exclude(["b", "a"]).describe() == "records left out: a, b"
    company = bundled.records("cash_balances")[0].company
    # every report of its cash (one left out, another report of the fact would stand)
    reports = [b.id for b in bundled.records("cash_balances") if b.company == company]
    with pytest.raises(ValueError, match="no cash balance"):
        ac.runway(bundled, company, "2023-10", adjust=[Exclude(reports)])


def test_read_focus_fx_must_be_a_ledger(tmp_path: Path) -> None:
    path = tmp_path / "focus.csv"
    path.write_text("BilledCost\n1\n", encoding="utf-8")
    with pytest.raises(TypeError, match="fx: expected a Ledger") as info:
        ac.read_focus(path, payer="acme", fx="x")  # type: ignore[arg-type]
    _raised_here(info.value)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("tolerance", "x"),
        ("minimum", "x"),
        ("tolerance", -0.1),
        ("minimum", math.nan),
        ("tolerance", True),
        ("minimum", None),
    ],
)
def test_reconcile_limits_are_numbers(bundled: ac.Ledger, name: str, value: Any) -> None:
    with pytest.raises(ValueError, match=f"{name}: expected a number of 0 or more") as info:
        ac.reconcile(bundled, **{name: value})
    _raised_here(info.value)


def test_reconcile_limits_take_numpy_numbers(bundled: ac.Ledger) -> None:
    got = ac.reconcile(bundled, tolerance=np.float32(0.2), minimum=np.int64(0))
    assert list(got.frame.columns) == list(ac.reconcile(bundled).frame.columns)


@pytest.mark.parametrize(
    ("written", "shown"),
    [("5e6", "5000000"), ("5000000.5", "5000000.5"), ("7", "7"), ("1.5e-3", "0.0015")],
)
def test_a_bare_number_for_money_says_it_needs_a_currency(
    ledger_text: Any, written: str, shown: str
) -> None:
    """YAML reads ``5e6`` as a number: the problem shows it in plain digits (not
    ``Decimal('5E+6')``) and says money needs a currency, for amounts and rates alike."""
    path = ledger_text(
        f"""
        sources:
        - {{id: s1, outlet: X, title: Y, date: 2024-01}}
        entities:
        - {{id: a, name: A, type: company}}
        cash_balances:
        - {{id: c1, company: a, date: 2023-10, amount: {written}, sources: [s1]}}
        expenses:
        - {{id: e1, company: a, category: opex, rate: {written}, date: 2023, sources: [s1]}}
        """
    )
    with pytest.raises(ac.LedgerError) as info:
        ac.load(path)
    found = [p.found for p in info.value.problems]
    assert found == [f"the number {shown} (money needs a currency: '$7M', 'EUR 5M')"] * 2
    assert "Decimal" not in str(info.value)


@pytest.mark.parametrize(
    ("args", "error", "match"),
    [
        (("stability-ai", "2023-10", "$20M"), TypeError, "amount_usd as a number"),
        (("stability-ai", "2023-10", None), TypeError, "amount_usd as a number"),
        (("stability-ai", "2023-10", True), TypeError, "amount_usd as a number"),
        ((5, "2023-10", 1e6), TypeError, "entity as text"),
        (("stability-ai", "2023-10", 1e6, 5), TypeError, "label as text"),
        (("stability-ai", "2023-10", 1e6, "x", None), TypeError, "category as text"),
        (("stability-ai", "FY2023", 1e6), ValueError, "calendar date, got the fiscal year"),
    ],
)
def test_add_flow_checks_its_arguments(args: tuple[Any, ...], error: type, match: str) -> None:
    """Text for an amount, a number for an id, a bool for dollars: a clear error naming the
    argument (was a NumPy ufunc error or ``len() of unsized object`` from inside the flows, or
    True taken as one dollar); a fiscal year is refused as analyses refuse it (was put in
    January of the calendar year)."""
    with pytest.raises(error, match=match) as info:
        AddFlow(*args)
    _raised_here(info.value)


def test_add_flow_takes_any_real_number(bundled: ac.Ledger) -> None:
    base = ac.runway(
        bundled, "stability-ai", "2023-10", adjust=[AddFlow("stability-ai", "2023-10", 20e6)]
    )
    for amount in (20_000_000, np.float64(20e6), np.int64(20_000_000), Decimal("20000000")):
        r = ac.runway(
            bundled, "stability-ai", "2023-10", adjust=[AddFlow("stability-ai", "2023-10", amount)]
        )  # type: ignore[arg-type]
        assert r.months == base.months
