"""Fast paths of the second speed pass on the GPU and ownership analyses give what the general
code gave (GPU-OWN-PERF2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.analysis.capex import _codes as _group_codes
from aicapex.analysis.capex import _in_groups
from aicapex.analysis.dealskit import kept_frame
from aicapex.analysis.fleet import counted, counted_moves, movements_of
from aicapex.analysis.loops import typed_columns
from aicapex.analysis.related import _leg_groups
from aicapex.gpureport import gpu_companies
from aicapex.reportownership import owned_companies
from aicapex.table.conflicts import resolve
from aicapex.table.legs import BASES, LEG_KINDS, LegCodes, money_legs

LedgerText = Callable[..., Path]


def _flows(records: list[str | None]) -> pd.DataFrame:
    """A flows table's columns money_legs reads, one row per record given."""
    n = len(records)
    return pd.DataFrame(
        {
            "amount_usd": np.arange(1.0, n + 1.0) * 10.0,
            "low_usd": np.nan,
            "high_usd": np.nan,
            "currency": "USD",
            "status": "paid",
            "kind": "flows",
            "record": pd.array(records, dtype="str"),
        }
    )


def _codes(payer: list[int], payee: list[int], leg: list[int], basis: list[int]) -> LegCodes:
    n = len(payer)
    return LegCodes(
        rows=np.arange(n),
        date=np.array(
            ["2024-03-01", "2024-01-15", "NaT", "2024-02-01", "2024-05-01", "2023-12-31"][:n],
            dtype="datetime64[ns]",
        ),
        payer=np.array(payer, dtype=np.intp),
        payee=np.array(payee, dtype=np.intp),
        names=np.array(["a", "b", "c"], dtype=object),
        amount_usd=np.array([100.0, 50.0, np.nan, 7.0, 1.5, 2.25][:n]),
        leg=np.array(leg, dtype=np.int8),
        basis=np.array(basis, dtype=np.int8),
    )


def _as_before(flows: pd.DataFrame, codes: LegCodes) -> list[tuple[object, ...]]:
    """What related_parties grouped before: money_legs' frame grouped by its five keys."""
    legs = money_legs(flows, codes)
    g = (
        legs.groupby(["record", "payer", "payee", "leg", "basis"], sort=False)
        .agg(date=("date", "min"), amount_usd=("amount_usd", "sum"))
        .reset_index()
    )
    cols = ("record", "date", "payer", "payee", "leg", "basis", "amount_usd")
    return list(zip(*(g[c] for c in cols), strict=True))


CASES = {
    # record r1 a > b twice (not next to each other), r2 a > b and b > a, r1 a > b of another
    # basis, r1 a > c of another leg kind
    "groups": (
        ["r1", "r2", "r1", "r2", "r1", "r1"],
        ([0, 0, 0, 1, 0, 0], [1, 1, 1, 0, 1, 2], [0, 0, 0, 0, 0, 1], [0, 0, 0, 0, 1, 0]),
    ),
    "a missing record left out": (
        ["r1", None, "r1", "r2"],
        ([0, 0, 0, 1], [1, 1, 1, 0], [0, 0, 0, 0], [0, 0, 0, 0]),
    ),
    "one leg": (["r9"], ([2], [0], [3], [2])),
    "no legs": ([], ([], [], [], [])),
}


@pytest.mark.parametrize("name", list(CASES))
def test_related_legs_are_grouped_as_money_legs_were(name: str) -> None:
    records, (payer, payee, leg, basis) = CASES[name]
    flows, codes = _flows(records), _codes(payer, payee, leg, basis)
    got = list(zip(*_leg_groups(flows, codes), strict=True))
    want = _as_before(flows, codes)
    assert len(got) == len(want)
    for g, w in zip(got, want, strict=True):
        assert g[0] == w[0]
        assert g[2:6] == w[2:6]
        assert (pd.isna(g[1]) and pd.isna(w[1])) or g[1] == w[1]
        assert g[6] == w[6]


def test_related_legs_by_hand() -> None:
    records, (payer, payee, leg, basis) = CASES["groups"]
    got = list(zip(*_leg_groups(_flows(records), _codes(payer, payee, leg, basis)), strict=True))
    # r1 a > b investment disbursed: rows 0 and 2 (100 + NaN skipped, earliest 2024-03-01)
    assert got[0][0] == "r1"
    assert got[0][2:6] == ("a", "b", LEG_KINDS[0], BASES[0])
    assert got[0][1] == pd.Timestamp("2024-03-01")
    assert got[0][6] == 100.0
    # r2 a > b (row 1), r2 b > a (row 3), r1 a > b committed (row 4), r1 a > c purchase (row 5)
    assert [(g[0], g[2], g[3], g[6]) for g in got[1:]] == [
        ("r2", "a", "b", 50.0),
        ("r2", "b", "a", 7.0),
        ("r1", "a", "b", 1.5),
        ("r1", "a", "c", 2.25),
    ]
    assert got[3][5] == BASES[1]
    assert got[4][4] == LEG_KINDS[1]


def _capex_like() -> pd.DataFrame:
    """Rows as capex's table sorts them: a group of three apart, missing dates, one row alone."""
    return pd.DataFrame(
        {
            "company": pd.array(["meta", "meta", "msft", "meta", "meta", "msft"], dtype="str"),
            "period_start": pd.to_datetime(
                ["2024-01-01", "2024-01-01", None, "2024-01-01", None, None]
            ),
            "period_end": pd.to_datetime(
                ["2024-12-31", "2024-12-31", None, "2024-12-31", None, "2025-06-30"]
            ),
            "basis": pd.array(["guidance", "guidance", "actual", "guidance", "plan", "actual"]),
            "project": pd.array(["", "", "", "", "", ""], dtype="str"),
            "midpoint_usd": [60e9, 65e9, 1.0, np.nan, 2.0, 3.0],
        }
    )


@pytest.mark.parametrize("rows", [slice(None), slice(0, 1), slice(0, 0), slice(2, 6)])
def test_capex_revisions_are_groupby_cumcount_and_shift(rows: slice) -> None:
    out = _capex_like().iloc[rows].reset_index(drop=True)
    fact = ["company", "period_start", "period_end", "basis", "project"]
    place, before = _in_groups(_group_codes(out, fact), out["midpoint_usd"].to_numpy("float64"))
    groups = out.groupby(fact, dropna=False, sort=False)
    assert place.tolist() == groups.cumcount().tolist()
    np.testing.assert_array_equal(before, groups["midpoint_usd"].shift(1).to_numpy("float64"))


def test_capex_revisions_by_hand() -> None:
    out = _capex_like()
    fact = ["company", "period_start", "period_end", "basis", "project"]
    place, before = _in_groups(_group_codes(out, fact), out["midpoint_usd"].to_numpy("float64"))
    # meta's 2024 guidance: rows 0, 1, 3 (1st, 2nd, 3rd); each other row alone
    assert place.tolist() == [0, 1, 0, 2, 0, 0]
    np.testing.assert_array_equal(before, [np.nan, 60e9, np.nan, 65e9, np.nan, np.nan])


def test_capex_period_codes_match_missing_dates_as_merge_does() -> None:
    out = _capex_like()
    codes = _group_codes(out, ["company", "project", "period_start", "period_end"])
    # rows 2 and 5: msft without a start, one with an end: two periods; rows 2 and 4 differ
    # by company; a missing date is one value (merge matches NaT with NaT)
    assert codes.tolist() == [0, 0, 1, 0, 2, 3]


# acme commits $60M to beta (March 2024); beta orders GPUs of acme: 100 and 50 in 2024 ($10M
# each), 20 in 2025 ($4M), and leases 0.5 GW of it in 2024 ($5M); gamma orders 30 of acme
# (no investment: no round trip); a 2 GW contract of beta's was cancelled.
ROUND_TRIP = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-04}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: beta, name: Beta, type: company}
- {id: gamma, name: Gamma, type: company}
funding_rounds:
- {id: r1, company: beta, date: 2024-03, status: committed, amount: $60M,
   investors: [{investor: acme, amount: $60M}]}
gpu_orders:
- {id: o1, buyer: beta, vendor: acme, sku: H100, quantity: 100, total: $10M,
   order_date: 2024-05, sources: [s1]}
- {id: o2, buyer: beta, vendor: acme, sku: H100, quantity: 50, total: $10M,
   order_date: 2024-09, sources: [s1]}
- {id: o3, buyer: beta, vendor: acme, sku: H100, quantity: 20, total: $4M,
   order_date: 2025-02, sources: [s1]}
- {id: o4, buyer: gamma, vendor: acme, sku: H100, quantity: 30, total: $6M,
   order_date: 2024-05, sources: [s1]}
compute_contracts:
- {id: c1, buyer: beta, seller: acme, start: 2024-06, end: 2024-07, total_value: $5M,
   capacity: 0.5 GW, status: signed}
- {id: c2, buyer: beta, seller: acme, start: 2024-08, end: 2024-09, total_value: $1M,
   capacity: 2 GW, status: cancelled}
"""


def test_round_trip_units_and_gigawatts_summed_per_window(ledger_text: LedgerText) -> None:
    frame = ac.round_trip(ac.load(ledger_text(ROUND_TRIP)), "acme").frame
    frame = frame[(frame["customer"] == "beta").to_numpy()]
    got = {
        (w, b): (u, g)
        for w, b, u, g in zip(
            frame["window"], frame["basis"], frame["units"], frame["gw"], strict=True
        )
    }
    # 2024: 100 + 50 GPUs and 0.5 GW (the cancelled 2 GW not counted); 2025: 20 GPUs, no GW
    assert got[("2024", "committed")] == (150.0, 0.5)
    assert got[("2025", "committed")] == (20.0, 0.0)
    assert set(frame["customer"]) == {"beta"}


_TYPES = {"t": "object", "when": "datetime64[ns]", "k": "int64", "x": "float64", "o": "object"}


@pytest.mark.parametrize(
    "columns",
    [
        {  # arrays of their dtype (kept as copies), one of another unit (cast), objects
            "t": np.array(["a", None], dtype=object),
            "when": np.array(["2024-01-02", "NaT"], dtype="datetime64[ns]"),
            "k": np.array([3, 4], dtype=np.int64),
            "x": np.array([1, 2], dtype=np.int64),
            "o": np.array([pd.Timestamp("2024-01-01"), None], dtype=object),
        },
        {
            "t": ["a", "b", "c"],
            "when": np.array(["2024-01-02", "NaT", "2025-03-04"], dtype="datetime64[us]"),
            "k": [1, 2, 3],
            "x": [0.5, None, 2],
            "o": [True, False, None],
        },
        {"t": [], "when": [], "k": [], "x": [], "o": []},
    ],
)
def test_typed_columns_of_arrays_of_every_kind_are_the_frame_cast(
    columns: dict[str, object],
) -> None:
    got = typed_columns(columns, _TYPES)
    expected = pd.DataFrame(columns).astype(_TYPES)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    for name in _TYPES:
        assert [type(v) for v in got[name].tolist()] == [type(v) for v in expected[name].tolist()]
    kept = columns["k"]
    if isinstance(kept, np.ndarray):  # a copy: the caller's array may change, not the frame
        kept[0] = 99
        assert got["k"].iloc[0] != 99


# o1 (committed, 100) and o2 (cancelled, 10) of a; r1 moves 10 of o1 to b, r2 5 of o2 to b
FLEET = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
- {id: s2, outlet: Example, title: Later report, date: 2024-09}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: v, name: Vendor, type: chip_vendor}
gpu_orders:
- {id: o1, buyer: a, vendor: v, sku: H100, quantity: 100, order_date: 2024-01, sources: [s]}
- {id: o1b, buyer: a, vendor: v, sku: H100, quantity: 120, order_date: 2024-01, sources: [s2]}
- {id: o2, buyer: a, vendor: v, sku: A100, quantity: 10, order_date: 2024-02, status: cancelled,
   sources: [s]}
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 10, date: 2024-04, sources: [s]}
- {id: r2, order: o2, from_entity: a, to_entity: b, quantity: 5, date: 2024-05, sources: [s]}
"""


def test_counted_moves_of_a_ledger_are_each_policy_s_and_statuses(
    ledger_text: LedgerText,
) -> None:
    led = ac.load(ledger_text(FLEET))
    asked = [
        ("latest", ("committed", "delivered")),
        ("all", ("committed", "delivered")),
        ("latest", ("cancelled",)),
        ("latest", ("committed", "delivered")),  # again: the one found first
    ]
    for conflicts, statuses in asked:
        got = counted_moves(led, conflicts, statuses)
        want = counted(movements_of(led, conflicts), statuses)
        pd.testing.assert_frame_equal(got, want)
        got["units"] = 0  # a new frame each call: the next one is not changed
    ordered = counted_moves(led, "latest", ("committed", "delivered"))
    ordered = ordered[(ordered["event"] == "ordered").to_numpy()]
    assert ordered["record"].tolist() == ["o1b"]  # the later report; o2 cancelled
    everything = counted_moves(led, "all", ("committed", "delivered"))
    assert sorted(everything.loc[everything["event"] == "ordered", "record"]) == ["o1", "o1b"]
    cancelled = counted_moves(led, "latest", ("cancelled",))
    assert sorted(set(cancelled["record"])) == ["o2", "r2"]  # o2 and its reallocation


@pytest.mark.parametrize("conflicts", ["latest", "earliest", "all"])
def test_kept_frames_of_a_ledger_are_its_frames_resolved(
    ledger_text: LedgerText, conflicts: str
) -> None:
    led = ac.load(ledger_text(FLEET))
    for kind in ("gpu_orders", "gpu_reallocations", "compute_contracts"):
        frame = led.frame(kind)
        want = resolve(frame, kind, conflicts)[0]  # type: ignore[arg-type]
        for source in (led, {kind: frame}):
            got = kept_frame(source, kind, conflicts, frame)  # type: ignore[arg-type]
            pd.testing.assert_frame_equal(got, want)
    kept = kept_frame(led, "gpu_orders", conflicts, led.frame("gpu_orders"))  # type: ignore[arg-type]
    # o1 and o1b report one order: the latest keeps o1b, the earliest o1, all both
    ids = {"latest": ["o1b", "o2"], "earliest": ["o1", "o2"], "all": ["o1", "o1b", "o2"]}
    assert sorted(kept["id"].astype(str)) == ids[conflicts]


def test_gpu_companies_and_their_last_days(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(FLEET))
    # every order (each report) by its buyer, each reallocation by both sides, at the last
    # day of its month (leap year: February 29)
    assert gpu_companies(led) == [
        ("a", "2024-01-31"),
        ("a", "2024-01-31"),
        ("a", "2024-02-29"),
        ("a", "2024-04-30"),
        ("a", "2024-05-31"),
        ("b", "2024-04-30"),
        ("b", "2024-05-31"),
    ]


def test_owned_companies_found_once_are_a_new_dict_each_call(ledger_text: LedgerText) -> None:
    text = FLEET + (
        "stakes:\n- {id: st, holder: b, company: a, date: 2024-03, event: holding, share: 30%,"
        " sources: [s]}\n"
    )
    led = ac.load(ledger_text(text))
    first = owned_companies(led)
    assert first == {"a": "2024-03-31"}
    first["a"] = "changed"
    assert owned_companies(led) == {"a": "2024-03-31"}
