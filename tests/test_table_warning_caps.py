"""Bulk tables' warnings: each kind has its own cap, so 300 implausible ranges never hide the
after-reported warnings of the same table (the loader gives both); past the cap one warning
says how many more."""

from __future__ import annotations

import warnings
from collections import Counter
from pathlib import Path

import pandas as pd

import aicapex as ac
from aicapex.table.bulkcols import MAX_PROBLEMS
from aicapex.table.tablewarnings import TableWarning


def _warned(path: Path) -> list[TableWarning]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ac.read_table(path, "cash_balances")
    return [w.message for w in caught if isinstance(w.message, TableWarning)]


def test_many_wide_ranges_never_hide_late_figures(tmp_path: Path) -> None:
    n, late = 300, 50
    table = pd.DataFrame(
        {
            "id": [f"c{i}" for i in range(n)],
            "company": ["acme"] * n,
            "date": ["2023-09"] * (n - late) + ["2025-09"] * late,
            "amount": ["$1 to $5M"] * n,  # each a range 5,000,000 times wide
            "reported": ["2023-10"] * n,
        }
    )
    path = tmp_path / "cash_balances.csv"
    table.to_csv(path, index=False)
    said = _warned(path)
    codes = Counter(w.problem.code for w in said)
    # the ranges: MAX_PROBLEMS located, then one saying 100 more; the 50 late balances: 20
    # located and one naming the 30 more (as the loader says them)
    assert codes["implausible-figure"] == MAX_PROBLEMS + 1
    assert codes["after-reported"] == 21
    more = [w.problem for w in said if w.problem.code == "implausible-figure"][-1]
    assert more.found == f"{n - MAX_PROBLEMS} more ranges as wide in the table"
    assert more.line is None
    first_late = next(w.problem for w in said if w.problem.code == "after-reported")
    assert (first_late.record_id, first_late.line) == (f"c{n - late}", n - late + 2)


def test_below_the_cap_every_range_is_located(tmp_path: Path) -> None:
    table = pd.DataFrame(
        {
            "id": ["a", "b", "c"],
            "company": ["acme"] * 3,
            "date": ["2023-09"] * 3,
            "amount": ["$1 to $5M", "$3M to $5M", "$2 to $9M"],
            "reported": ["2023-10"] * 3,
        }
    )
    path = tmp_path / "cash_balances.csv"
    table.to_csv(path, index=False)
    said = _warned(path)
    assert [(w.problem.record_id, w.problem.line) for w in said] == [("a", 2), ("c", 4)]
