"""Money legs as integer codes (``table.legs.leg_codes``) and the analyses built on them.

The oracles are the text-keyed pandas computations the analyses used before they moved to
codes (money legs with payer and payee as strings; round trips grouped and merged on text
keys): the results must be the same to the last bit, on flows tables made by shuffling the
bundled ledger's rows among a few entities."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.analysis.roundtrip import ALL, ROUND_TRIP_COLUMNS
from aicapex.table.funding import UNDISCLOSED
from aicapex.table.legs import (
    BASES,
    LEG_KINDS,
    basis_of,
    leg_codes,
    leg_kind,
    money_legs,
    window_of,
)

TEXT = ["payer", "payee", "kind", "status", "category", "record", "currency"]


def _reference_legs(flows: pd.DataFrame) -> pd.DataFrame:
    """The money legs computed on text, row by row (what ``money_legs`` did before codes)."""
    payer = flows["payer"].astype("object")
    payee = flows["payee"].astype("object")
    keep = payer.notna().to_numpy() & payee.notna().to_numpy()
    keep &= (payer != UNDISCLOSED).to_numpy() & (payee != UNDISCLOSED).to_numpy()
    keep &= (payer != payee).to_numpy()
    keep &= ~((flows["category"] == "investment") & (flows["direction"] < 0)).to_numpy()
    kind = flows["kind"]
    keep &= kind.isin(["funding_rounds", "stakes", "gpu_orders", "compute_contracts",
                       "cloud_bills", "expenses", "revenues"]).to_numpy()  # fmt: skip
    keep &= ~((kind == "gpu_orders") & (flows["status"] == "scheduled")).to_numpy()
    rows = flows[keep]
    return pd.DataFrame(
        {
            "date": rows["date"].to_numpy("datetime64[ns]"),
            "payer": payer[keep].to_numpy(),
            "payee": payee[keep].to_numpy(),
            "amount_usd": rows["amount_usd"].to_numpy("float64"),
            "low_usd": rows["low_usd"].fillna(rows["amount_usd"]).to_numpy("float64"),
            "high_usd": rows["high_usd"].fillna(rows["amount_usd"]).to_numpy("float64"),
            "currency": rows["currency"].astype("object").to_numpy(),
            "leg": leg_kind(rows["kind"], rows["category"]),
            "basis": basis_of(rows["status"]),
            "status": rows["status"].astype("object").to_numpy(),
            "kind": rows["kind"].astype("object").to_numpy(),
            "record": rows["record"].astype("object").to_numpy(),
        }
    )


def _reference_round_trip(flows: pd.DataFrame, window: str, bases: list[str]) -> pd.DataFrame:
    """Round trips of a flows table grouped and merged on text keys (no GPU units or GW)."""
    legs = _reference_legs(flows)
    legs = legs[legs["basis"].isin(bases).to_numpy()]
    start, end = window_of(legs["date"].to_numpy("datetime64[ns]"), window)
    legs = legs.assign(start=start, end=end)
    keys = ["vendor", "customer", "start", "end", "basis"]
    investment = (legs["leg"] == "investment").to_numpy()
    inv = (
        legs[investment]
        .rename(columns={"payer": "vendor", "payee": "customer"})
        .groupby(keys, as_index=False)
        .agg(invested_usd=("amount_usd", "sum"))
    )
    pur = (
        legs[~investment]
        .rename(columns={"payer": "customer", "payee": "vendor"})
        .groupby(keys, as_index=False)
        .agg(purchases_usd=("amount_usd", "sum"))
    )
    vendors = set(inv["vendor"]) & set(pur["vendor"])
    rows = pur[pur["vendor"].isin(vendors).to_numpy()].merge(inv, on=keys, how="left")
    rows["invested_usd"] = rows["invested_usd"].fillna(0.0)
    rows["funded_usd"] = np.minimum(rows["invested_usd"], rows["purchases_usd"])
    rows = rows.merge(
        pd.DataFrame(
            {
                "customer": pd.Series([], dtype=object),
                "vendor": pd.Series([], dtype=object),
                "start": pd.Series([], dtype="datetime64[ns]"),
                "units": pd.Series([], dtype="float64"),
                "gw": pd.Series([], dtype="float64"),
            }
        ),
        on=["customer", "vendor", "start"],
        how="left",
    )
    sums = ["invested_usd", "purchases_usd", "funded_usd", "units", "gw"]
    per_window = rows.groupby(["vendor", "start", "end", "basis"], as_index=False)[sums].sum(
        min_count=1
    )
    per_window["customer"] = ALL
    each = rows.groupby(["vendor", "customer", "basis"], as_index=False)[sums].sum(min_count=1)
    overall = rows.groupby(["vendor", "basis"], as_index=False)[sums].sum(min_count=1)
    overall["customer"] = ALL
    whole = pd.concat([each, overall], ignore_index=True)
    if len(rows):
        whole["start"] = rows["start"].min()
        whole["end"] = rows["end"].max()
    out = pd.concat([rows, per_window], ignore_index=True)
    label = {"year": "%Y", "month": "%Y-%m"}.get(window)
    starts = pd.DatetimeIndex(out["start"])
    out["window"] = np.asarray(starts.strftime(label), object) if label else "all"
    if len(whole) and window != "all":  # window 'all': its rows are the totals already
        whole["window"] = "all"
        out = pd.concat([out, whole], ignore_index=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["share"] = np.where(out["purchases_usd"] > 0, out["funded_usd"] / out["purchases_usd"],
                                np.nan)  # fmt: skip
        out["funded_per_unit_usd"] = np.nan
        out["funded_per_gw_usd"] = np.nan
    out = out.rename(columns={"start": "window_start", "end": "window_end"})
    out = out.assign(
        _all=(out["customer"] == ALL).to_numpy(),
        _b=pd.Categorical(out["basis"].to_numpy(object), categories=list(BASES)).codes,
        _w=(out["window"] == "all").to_numpy(),
    )
    out = out.sort_values(["vendor", "_w", "window_start", "_b", "_all", "customer"], kind="stable")
    text = {"vendor", "customer", "window", "basis"}
    dtypes = {
        c: "object" if c in text else "datetime64[ns]" if c.startswith("window_") else "float64"
        for c in ROUND_TRIP_COLUMNS
    }
    return out[list(ROUND_TRIP_COLUMNS)].astype(dtypes).reset_index(drop=True)


def _shuffled(bundled: ac.Ledger, seed: int, rows: int = 3000, entities: int = 12) -> pd.DataFrame:
    """A flows table of ``rows`` rows of the bundled ledger's kinds, statuses and categories,
    paid among ``entities`` entities at random dates and amounts in cents."""
    base = bundled.flows()
    rng = np.random.default_rng(seed)
    out = base.iloc[rng.integers(0, len(base), rows)].reset_index(drop=True)
    names = np.array([f"e{i}" for i in range(entities)] + [UNDISCLOSED], dtype=object)
    payer = names[rng.integers(0, len(names), rows)]
    payee = names[rng.integers(0, len(names), rows)]
    payer[rng.random(rows) < 0.05] = None
    out["payer"] = pd.Categorical(payer)
    out["payee"] = pd.Categorical(payee)
    days = rng.integers(0, 3 * 365, rows)
    out["date"] = np.datetime64("2022-01-01", "ns") + days.astype("timedelta64[D]")
    cents = rng.integers(1, 10**9, rows)
    out["amount_usd"] = cents / 100
    out["low_usd"] = out["amount_usd"]
    out["high_usd"] = out["amount_usd"]
    return out


def _as_text(flows: pd.DataFrame) -> pd.DataFrame:
    return flows.astype(dict.fromkeys(TEXT, "object"))


@pytest.mark.parametrize("seed", range(3))
def test_money_legs_as_codes_are_the_text_legs(bundled: ac.Ledger, seed: int) -> None:
    flows = _shuffled(bundled, seed)
    expected = _reference_legs(flows)
    for table in (flows, _as_text(flows)):
        pd.testing.assert_frame_equal(money_legs(table), expected, check_exact=True)
        codes = leg_codes(table)
        assert len(codes) == len(expected)
        np.testing.assert_array_equal(codes.names[codes.payer], expected["payer"].to_numpy())
        np.testing.assert_array_equal(np.asarray(LEG_KINDS)[codes.leg], expected["leg"])
        np.testing.assert_array_equal(np.asarray(BASES)[codes.basis], expected["basis"])
        np.testing.assert_array_equal(codes.amount_usd, expected["amount_usd"].to_numpy())


def test_the_bundled_legs_are_the_text_legs(bundled: ac.Ledger) -> None:
    flows = bundled.flows()
    pd.testing.assert_frame_equal(money_legs(flows), _reference_legs(flows), check_exact=True)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("window", ["year", "month", "all"])
def test_round_trip_on_codes_is_the_text_computation(
    bundled: ac.Ledger, seed: int, window: str
) -> None:
    flows = _shuffled(bundled, seed, entities=6 + 3 * seed)
    bases = [list(BASES), ["committed"], ["disbursed", "announced"]][seed % 3]
    expected = _reference_round_trip(flows, window, bases)
    for table in (flows, _as_text(flows)):
        got = ac.round_trip(table, window=window, bases=bases).frame
        assert len(got) > 0
        pd.testing.assert_frame_equal(got, expected, check_exact=True)


def test_round_trip_keeps_customers_without_investment(bundled: ac.Ledger) -> None:
    frame = ac.round_trip(_shuffled(bundled, 7)).frame
    mine = frame[frame["customer"] != ALL]
    assert (mine["invested_usd"] == 0).any()
    assert (mine.loc[mine["invested_usd"] == 0, "share"].dropna() == 0).all()


@pytest.mark.parametrize("seed", range(2))
def test_cycles_alike_on_text_and_categorical_flows(bundled: ac.Ledger, seed: int) -> None:
    flows = _shuffled(bundled, seed, rows=400, entities=5)
    a, b = ac.cycles(flows), ac.cycles(_as_text(flows))
    assert len(a.frame) > 0
    pd.testing.assert_frame_equal(a.frame, b.frame, check_exact=True)
    pd.testing.assert_frame_equal(a.components, b.components, check_exact=True)
    pd.testing.assert_frame_equal(a.edges, b.edges, check_exact=True)


@pytest.mark.parametrize("window", ["year", "half", "quarter", "month"])
def test_a_leg_without_a_date_is_in_no_window(bundled: ac.Ledger, window: str) -> None:
    """A money leg whose date is missing has no window (it was put in a window computed from
    NaT's integer, far in the past); only ``"all"`` holds it."""
    days = np.array(["2023-05-03", "NaT", "2024-12-31"], dtype="datetime64[ns]")
    start, end = window_of(days, window)
    assert np.isnat(start[1])
    assert np.isnat(end[1])
    assert not np.isnat(start[[0, 2]]).any()
    assert (start[[0, 2]] <= days[[0, 2]]).all()
    assert (end[[0, 2]] >= days[[0, 2]]).all()
    every, _ = window_of(days, "all")
    assert not np.isnat(every).any()
    flows = bundled.flows()
    dated = flows["date"].dropna()
    funding = np.flatnonzero((flows["kind"] == "funding_rounds").to_numpy())
    undated = flows.copy()
    undated.loc[undated.index[funding], "date"] = pd.NaT
    known = set(window_of(dated.to_numpy("datetime64[ns]"), window)[0])
    for frame in (
        ac.round_trip(undated, window=window).frame,
        ac.cycles(undated, window=window).frame,
    ):
        starts = set(frame["window_start"].dropna()) if "window_start" in frame else set()
        assert starts <= known, (window, starts - known)
