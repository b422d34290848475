"""The GPU and ownership sections read each table once: what a shortcut reads is what the
general path gives. Figures worked by hand from the records here."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.analysis.fleet import reported_skus
from aicapex.analysis.loops import typed_columns
from aicapex.analysis.stakeskit import KINDS, typed_rows
from aicapex.reportownership import owned_companies
from aicapex.table.gpus import GPU_KINDS, gpu_movements

LedgerText = Callable[..., Path]

# o1 and o1b report one order of a's (same buyer, vendor, SKU and date: o1b, the later, is
# kept); o2 is of A100; r1 moves 10 of o1 (no SKU of its own: o1's H100); r2 moves 5 B200
# of no order; r3 moves 5 units of no order and no SKU.
GPUS = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
- {id: s2, outlet: Example, title: Later report, date: 2024-09}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: v, name: Vendor, type: chip_vendor}
gpu_orders:
- {id: o1, buyer: a, vendor: v, sku: H100, quantity: 100, order_date: 2024-01, sources: [s],
   delivered: [{date: 2024-03, quantity: 40}]}
- {id: o1b, buyer: a, vendor: v, sku: H100, quantity: 120, order_date: 2024-01, sources: [s2]}
- {id: o2, buyer: b, vendor: v, sku: A100, quantity: 10, order_date: 2024-02, sources: [s]}
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 10, date: 2024-04, sources: [s]}
- {id: r2, sku: B200, from_entity: a, to_entity: b, quantity: 5, date: 2024-05, sources: [s]}
- {id: r3, from_entity: b, to_entity: a, quantity: 5, date: 2024-05, sources: [s]}
gpu_targets:
- {id: t1, entity: a, sku: GB200, units: 10, by: 2025, sources: [s]}
- {id: t2, entity: b, sku: B200, units: 10, by: 2025, sources: [s]}
"""


@pytest.mark.parametrize("text", [GPUS, GPUS.split("gpu_reallocations:")[0]])
def test_reported_skus_of_a_ledger_are_those_of_every_report(
    ledger_text: LedgerText, text: str
) -> None:
    ledger = ac.load(ledger_text(text))
    # H100 (o1, o1b, r1 by its order), A100 (o2), B200 (r2's own); r3 names none
    expected = {"H100", "A100", "B200"} if "gpu_reallocations" in text else {"H100", "A100"}
    assert reported_skus(ledger) == expected
    # the general path: the table of every report, built from the record frames
    frames = {k: ledger.frame(k) for k in GPU_KINDS}
    assert reported_skus(frames) == expected
    every = gpu_movements(ledger, conflicts="all")["sku"].dropna().astype(str)
    assert set(every) == expected


def test_an_empty_ledger_reports_no_sku(ledger_text: LedgerText) -> None:
    ledger = ac.load(ledger_text("entities:\n- {id: a, name: A, type: company}\n"))
    assert reported_skus(ledger) == set()


def test_targets_warn_of_a_sku_no_report_names(ledger_text: LedgerText) -> None:
    ledger = ac.load(ledger_text(GPUS))
    warnings = ac.gpu_targets(ledger).warnings
    assert len(warnings) == 1
    assert warnings[0].startswith("t1: no GPU order or reallocation of")
    # a fleet of a SKU only a reallocation names is no error; one nobody names is
    assert not ac.gpu_fleet(ledger, sku="B200").frame.empty
    with pytest.raises(KeyError, match="GB200"):
        ac.gpu_fleet(ledger, sku="GB200")


# x holds 30% of a from 2023-01 and 10% of b from 2023-06; y 60% of a from 2024-03 and 55% of
# b from 2024-09.
STAKES = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-10}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: x, name: X, type: investor}
- {id: y, name: Y, type: investor}
stakes:
- {id: s1, holder: x, company: a, date: 2023-01, event: holding, share: 30%, sources: [s]}
- {id: s2, holder: y, company: a, date: 2024-03, event: holding, share: 60%, sources: [s]}
- {id: s3, holder: x, company: b, date: 2023-06, event: holding, share: 10%, sources: [s]}
- {id: s4, holder: y, company: b, date: 2024-09, event: holding, share: 55%, sources: [s]}
"""


def _shares(frame: pd.DataFrame) -> dict[tuple[str, str], float]:
    return {
        (str(c), str(h)): round(float(s), 6)
        for c, h, s in zip(frame["company"], frame["holder"], frame["share_basic"], strict=True)
    }


def test_stake_inputs_of_several_dates_read_once_are_not_confused(
    ledger_text: LedgerText,
) -> None:
    ledger = ac.load(ledger_text(STAKES))
    frames = {k: ledger.frame(k) for k in KINDS}  # no memo: read afresh each call
    calls: list[tuple[str | None, Any]] = [
        (None, {"a": "2023-12", "b": "2024-12"}),
        (None, {"a": None, "b": "2023-12"}),
        (None, None),
        (None, "2024-06"),
        ("b", "2023-12"),
        (None, {"a": None, "b": None}),
        (None, {"a": "2023-12", "b": "2024-12"}),
    ]
    expected = [
        # a by 2023: x 30%, others 70%; b by 2024: x 10%, y 55%, others 35%
        {("a", "x"): 0.3, ("a", "others"): 0.7,
         ("b", "x"): 0.1, ("b", "y"): 0.55, ("b", "others"): 0.35},
        # a by its latest record: x 30%, y 60%, others 10%; b by 2023: x 10%, others 90%
        {("a", "x"): 0.3, ("a", "y"): 0.6, ("a", "others"): 0.1,
         ("b", "x"): 0.1, ("b", "others"): 0.9},
        {("a", "x"): 0.3, ("a", "y"): 0.6, ("a", "others"): 0.1,
         ("b", "x"): 0.1, ("b", "y"): 0.55, ("b", "others"): 0.35},
        # by June 2024: y holds 60% of a, not yet its 55% of b
        {("a", "x"): 0.3, ("a", "y"): 0.6, ("a", "others"): 0.1,
         ("b", "x"): 0.1, ("b", "others"): 0.9},
        {("b", "x"): 0.1, ("b", "others"): 0.9},
        {("a", "x"): 0.3, ("a", "y"): 0.6, ("a", "others"): 0.1,
         ("b", "x"): 0.1, ("b", "y"): 0.55, ("b", "others"): 0.35},
        {("a", "x"): 0.3, ("a", "others"): 0.7,
         ("b", "x"): 0.1, ("b", "y"): 0.55, ("b", "others"): 0.35},
    ]  # fmt: skip
    for (company, as_of), shares in zip(calls, expected, strict=True):
        held = ac.ownership(ledger, company, as_of=as_of).frame
        assert _shares(held) == shares, (company, as_of)
        pd.testing.assert_frame_equal(held, ac.ownership(frames, company, as_of=as_of).frame)
    # control reads the same inputs: y controls a (60%) and b (55%) by its latest records,
    # only a by June 2024
    pairs = ac.control(ledger).frame[["controller", "controlled"]].to_numpy().tolist()
    assert pairs == [["y", "a"], ["y", "b"]]
    dated = ac.control(ledger, as_of="2024-06").frame
    assert dated[["controller", "controlled"]].to_numpy().tolist() == [["y", "a"]]


# p controls a and the vendor v; a orders 100 H100 of v for $3M (committed, January 2024) and
# gives b (no one's) 10 of them in April.
RELATED = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: p, name: P, type: person}
- {id: a, name: A, type: company, controlled_by: [p]}
- {id: b, name: B, type: company}
- {id: v, name: Vendor, type: chip_vendor, controlled_by: [p]}
gpu_orders:
- {id: o1, buyer: a, vendor: v, sku: H100, quantity: 100, total: $3M, status: committed,
   order_date: 2024-01, sources: [s]}
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 10, date: 2024-04, sources: [s]}
"""


def test_related_parties_read_an_orders_columns(ledger_text: LedgerText) -> None:
    frame = ac.related_parties(ac.load(ledger_text(RELATED))).frame
    orders = frame[frame["kind"] == "order"]
    assert orders[["record", "from_entity", "to_entity", "what", "basis"]].values.tolist() == [
        ["o1", "a", "v", "H100", "committed"]
    ]
    assert orders[["amount_usd", "units"]].values.tolist() == [[3_000_000.0, 100.0]]
    assert orders["date"].tolist() == [pd.Timestamp("2024-01-01")]
    assert orders[["controllers", "how"]].values.tolist() == [["p", "controlled_by"]]
    assert str(frame["date"].dtype) == "datetime64[ns]"
    assert "reallocation" not in set(frame["kind"])  # b is no one's


# p controls a and b. e1 (s, June) and e2 (s2, September) report one expense of a to b: $1M
# and $3M (latest: e2; all: both, $4M); e3: b pays a $5M. One loop a > b > a each year.
LOOP = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
- {id: s2, outlet: Example, title: Later report, date: 2024-09}
entities:
- {id: p, name: P, type: person}
- {id: a, name: A, type: company, controlled_by: [p]}
- {id: b, name: B, type: company, controlled_by: [p]}
expenses:
- {id: e1, company: a, counterparty: b, amount: $1M, date: 2024-03-01, category: other,
   sources: [s]}
- {id: e2, company: a, counterparty: b, amount: $3M, date: 2024-03-01, category: other,
   sources: [s2]}
- {id: e3, company: b, counterparty: a, amount: $5M, date: 2024-04-01, category: other,
   sources: [s]}
"""


def test_the_legs_read_once_are_those_of_each_policy(ledger_text: LedgerText) -> None:
    ledger = ac.load(ledger_text(LOOP))  # one ledger: each policy's legs kept with it
    order: list[Any] = ["latest", "all", "latest", "all"]
    for policy in order:
        loop = ac.cycles(ledger, conflicts=policy).frame
        # the smallest leg: a > b is $3M (latest) or $1M + $3M (all); b > a $5M
        assert loop["amount_usd"].tolist() == [3e6 if policy == "latest" else 4e6]
        related = ac.related_parties(ledger, conflicts=policy).frame
        records = {"latest": ["e2", "e3"], "all": ["e1", "e2", "e3"]}[policy]
        assert related["record"].tolist() == records
        assert related["amount_usd"].tolist() == [1e6, 3e6, 5e6][-len(records) :]


# a orders 100 H100: 50 scheduled in March, 50 in September 2024; 30 delivered in April.
# r1 (February) gives b 20: the first 20 of March's schedule and of April's delivery; r2
# (May) gives c 40: 40 of September's schedule, no delivery (none on or after May).
TAKEN = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: c, name: C, type: company}
- {id: v, name: Vendor, type: chip_vendor}
gpu_orders:
- id: o1
  buyer: a
  vendor: v
  sku: H100
  quantity: 100
  order_date: 2024-01
  sources: [s]
  scheduled:
  - {date: 2024-03, quantity: 50}
  - {date: 2024-09, quantity: 50}
  delivered:
  - {date: 2024-04, quantity: 30}
gpu_reallocations:
- {id: r2, order: o1, from_entity: a, to_entity: c, quantity: 40, date: 2024-05, sources: [s]}
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 20, date: 2024-02, sources: [s]}
"""


def test_a_reallocation_is_due_when_the_deliveries_it_took_came(ledger_text: LedgerText) -> None:
    frame = ac.reallocations(ac.load(ledger_text(TAKEN))).frame.set_index("reallocation")
    # r1: April's delivery (actual ones first), April 1 to 30: due mid-April (day 19,828.5,
    # rounded to even: April 15); r2: September's schedule, 1 to 30: September 16 (19,981.5)
    assert frame.loc["r1", "due_basis"] == "delivered deliveries"
    assert frame.loc["r2", "due_basis"] == "scheduled deliveries"
    assert frame.loc["r1", "due"] == pd.Timestamp("2024-04-15")
    assert frame.loc["r2", "due"] == pd.Timestamp("2024-09-16")


# b: a stake of 2023-03 and a round priced at $100M post-money in 2024-06; c: a round with no
# price (left out); d: a stake dated to the year 2022 (its last day).
OWNED = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-10}
entities:
- {id: b, name: B, type: company}
- {id: c, name: C, type: company}
- {id: d, name: D, type: company}
- {id: x, name: X, type: investor}
stakes:
- {id: s1, holder: x, company: b, date: 2023-03, event: holding, share: 30%, sources: [s]}
- {id: s2, holder: x, company: d, date: 2022, event: holding, share: 10%, sources: [s]}
funding_rounds:
- {id: r1, company: b, date: 2024-06, amount: $10M, post_money: $100M, status: closed,
   sources: [s]}
- {id: r2, company: c, date: 2024-07, amount: $5M, status: closed, sources: [s]}
"""


def test_owned_companies_and_their_latest_day(ledger_text: LedgerText) -> None:
    owned = owned_companies(ac.load(ledger_text(OWNED)))
    assert owned == {"b": "2024-06-30", "d": "2022-12-31"}
    assert list(owned) == ["b", "d"]
    empty = ac.load(ledger_text("entities:\n- {id: a, name: A, type: company}\n"))
    assert owned_companies(empty) == {}


_TYPES = {
    "name": "str",
    "counted": "bool",
    "share": "float64",
    "agrees": "boolean",
    "date": "datetime64[ns]",
}


def _as_before(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """What ownership and valuation built their frames with."""
    frame = pd.DataFrame(rows, columns=list(_TYPES))
    frame = frame.astype({k: v for k, v in _TYPES.items() if k != "date"})
    frame["date"] = pd.to_datetime(frame["date"]).astype("datetime64[ns]")
    return frame


@pytest.mark.parametrize(
    "rows",
    [
        [],
        [{"name": "a", "counted": True, "share": 0.5, "agrees": None, "date": None}],
        [
            {"name": "a", "counted": False, "share": None, "date": pd.Timestamp("2024-01-31")},
            {"name": None, "counted": True, "share": 2, "agrees": True, "date": None},
            {"share": float("nan")},  # every other column missing (a bool: True, as astype)
            {"name": 1.5, "counted": True, "share": 0.25, "agrees": False},
        ],
    ],
)
def test_typed_rows_are_the_frame_of_rows_cast(rows: list[dict[str, Any]]) -> None:
    pd.testing.assert_frame_equal(typed_rows(rows, _TYPES), _as_before(rows))


_COLUMN_TYPES = {"text": "object", "mixed": "object", "none": "object", "n": "float64"}


@pytest.mark.parametrize(
    "columns",
    [
        {"text": [], "mixed": [], "none": [], "n": []},
        {"text": ["a", None], "mixed": ["a", 1], "none": [None, None], "n": [1, None]},
        {
            "text": np.array(["a", float("nan"), "b"], dtype=object),
            "mixed": np.array([None, 2.5, float("nan")], dtype=object),
            "none": np.array([float("nan")] * 3, dtype=object),
            "n": np.array([0.5, 1.5, float("nan")]),
        },
    ],
)
def test_typed_columns_are_the_frame_cast(columns: dict[str, Any]) -> None:
    got = typed_columns(columns, _COLUMN_TYPES)
    expected = pd.DataFrame(columns).astype(_COLUMN_TYPES)
    pd.testing.assert_frame_equal(got, expected)
    for name in _COLUMN_TYPES:  # the same cells: None where None, NaN where NaN
        assert [type(v) for v in got[name].tolist()] == [type(v) for v in expected[name].tolist()]
