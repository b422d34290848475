"""The result contract, the cash engine and the scenario seam (adjustments)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import aicapex as ac
from aicapex.analysis.cash import run_cash
from aicapex.analysis.result import Result, jsonable, record_index
from aicapex.table.adjust import AddFlow, Exclude, apply

LedgerText = Callable[..., Path]

RICH = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-04}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: rich, name: Rich AI, type: company}
- {id: aws, name: AWS, type: cloud_provider}
revenues:
- {id: rich-sales, company: rich, rate: $5M/month, date: 2023, sources: [s1]}
expenses:
- {id: acme-spend, company: acme, category: compute, rate: $1M/month, date: 2023, sources: [s1]}
- {id: rich-spend, company: rich, category: opex, rate: $1M/month, date: 2023, sources: [s1]}
cash_balances:
- {id: acme-cash, company: acme, date: 2023-06, amount: $3M, sources: [s1]}
- {id: rich-cash, company: rich, date: 2023-06, amount: $3M, sources: [s1]}
cloud_bills:
- {id: acme-bill, payer: acme, provider: aws, period: 2023-05, billed: $1M, sources: [s1]}
"""


@pytest.fixture
def rich(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(RICH))


# --- the JSON rule --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (float("nan"), None),
        (float("inf"), None),
        (-math.inf, None),
        (np.float64(1.5), 1.5),
        (np.int64(3), 3),
        (np.bool_(True), True),
        (pd.Timestamp("2023-11-11"), "2023-11-11"),
        (np.datetime64("2023-11-11T00:00"), "2023-11-11"),
        (pd.NaT, None),
        (None, None),
        ("text", "text"),
        (2.5, 2.5),
        (7, 7),
        (True, True),
        (
            {"a": np.nan, "b": [np.int32(1), pd.Timestamp("2024-01-31")]},
            {"a": None, "b": [1, "2024-01-31"]},
        ),
    ],
)
def test_json_rule(value: object, expected: object) -> None:
    assert jsonable(value) == expected
    assert type(jsonable(value)) is type(expected)  # plain Python values: json writes them


def test_record_index_is_sorted_distinct_text() -> None:
    index = record_index(["b", "a", None, "b", np.nan])
    assert list(index) == ["a", "b"]
    assert index.name == "record"
    assert list(record_index(pd.Categorical(["z", "y", "z"]))) == ["y", "z"]


def test_every_analysis_returns_a_result(bundled: ac.Ledger) -> None:
    results = [
        ac.burn(bundled, "stability-ai", "2023-01", "2023-12"),
        ac.compute_gap(bundled, "stability-ai", period="2023"),
        ac.arrears(bundled, as_of="2023-10-31"),
        ac.runway(bundled, "stability-ai", as_of="2023-10"),
    ]
    for r in results:
        assert isinstance(r, Result)
        assert isinstance(r.frame, pd.DataFrame)
        assert isinstance(r.records, pd.Index)
        assert list(r.records) == sorted(set(r.records))
        assert all(rid in bundled for rid in r.records), r.NAME
        assert not r.frame.attrs, "records belong to the result, not to the frame's attrs"
        assert r.assumptions
        assert all(isinstance(a, str) for a in r.assumptions)
        data = json.loads(r.to_json())
        assert data["analysis"] == r.NAME
        assert data["records"] == list(r.records)
        assert len(data["rows"]) == len(r.frame)
        assert data["reason"] is None
        assert r.NAME in repr(r)
        assert "<table" in r._repr_html_()


def test_an_infinite_runway_is_null_with_runs_out_false(rich: ac.Ledger) -> None:
    r = ac.runway(rich, as_of="2023-06")
    row = r.frame.set_index("entity").loc["rich"]
    assert math.isinf(row["months"])
    data = json.loads(r.to_json())  # allow_nan=False: no NaN or Infinity may leak
    rows = {d["entity"]: d for d in data["rows"]}
    assert rows["rich"]["months"] is None
    assert rows["rich"]["runs_out"] is False
    assert rows["rich"]["cash_out"] is None
    assert rows["acme"]["runs_out"] is True
    assert rows["acme"]["months"] == round(
        float(r.frame.set_index("entity").loc["acme", "months"]), 2
    )


def test_shared_argument_names_are_checked_up_front(bundled: ac.Ledger) -> None:
    for call in (
        lambda: ac.burn(bundled, "stabilty-ai"),
        lambda: ac.compute_gap(bundled, "stabilty-ai"),
        lambda: ac.arrears(bundled, "2023-10", "stabilty-ai"),
        lambda: ac.runway(bundled, "stabilty-ai", as_of="2023-10"),
    ):
        with pytest.raises(KeyError, match="did you mean 'stability-ai'"):
            call()
    for call in (
        lambda: ac.burn(bundled, "stability-ai", start="2023-13"),
        lambda: ac.compute_gap(bundled, period="FY2023"),  # whose fiscal year?
        lambda: ac.arrears(bundled, as_of="soon"),
        lambda: ac.runway(bundled, "stability-ai", as_of="2023-1-45"),
    ):
        with pytest.raises(ValueError, match=r"date|day"):
            call()


ANALYSES = (
    "burn",
    "compute_gap",
    "runway",
    "reconcile",
    "funding_gap",
    "ownership",
    "valuation",
    "control",
    "gpu_fleet",
    "gpu_targets",
    "reallocations",
    "gpu_prices",
    "contract_terms",
    "cycles",
    "round_trip",
    "related_parties",
    "capex",
    "customers",
)


@pytest.mark.parametrize("name", ANALYSES)
def test_a_source_that_is_no_ledger_frames_or_flows_is_a_clear_type_error(name: str) -> None:
    """A path, None or a list was an AttributeError ('str' object has no attribute 'get')
    from deep inside each analysis."""
    for source, words in (("data/x.yaml", "load it first"), (None, "None"), ([], "list")):
        with pytest.raises(TypeError, match="expected a Ledger, record frames by kind") as info:
            getattr(ac, name)(source)
        assert words in str(info.value)


def test_analyses_of_records_refuse_a_flows_table_and_take_missing_kinds_as_empty(
    bundled: ac.Ledger,
) -> None:
    """reconcile and funding_gap given a flows table (or frames without their kind) raised a
    bare KeyError of pandas ('cash_balances')."""
    for name, kind in (("reconcile", "cash_balances"), ("funding_gap", "funding_rounds")):
        with pytest.raises(ValueError, match=f"needs the {kind} records"):
            getattr(ac, name)(bundled.flows())
        assert getattr(ac, name)({"expenses": bundled.frame("expenses")}).frame.empty


def test_a_ledger_and_its_flows_give_the_same_results(bundled: ac.Ledger) -> None:
    flows = bundled.flows()
    pd.testing.assert_frame_equal(
        ac.burn(bundled, "stability-ai").frame, ac.burn(flows, "stability-ai").frame
    )
    cash = bundled.frame("cash_balances")
    a = ac.runway(bundled, "stability-ai", as_of="2023-10")
    b = ac.runway(flows, "stability-ai", as_of="2023-10", cash=cash)
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert list(a.records) == list(b.records)


# --- frames and flows are built once per ledger -----------------------------------------------


def test_derived_tables_are_built_once_and_handed_out_as_copies(rich: ac.Ledger) -> None:
    first = rich.flows()
    first.loc[first.index[0], "amount_usd"] = -1.0
    first["extra"] = 1
    again = rich.flows()
    assert "extra" not in again
    assert again["amount_usd"].iloc[0] != -1.0
    frame = rich.frame("expenses")
    frame.loc[0, "rate_usd"] = 0.0
    assert rich.frame("expenses").loc[0, "rate_usd"] == 1e6
    calls = []
    assert rich.memo("k", lambda: calls.append(1) or 7) == 7
    assert rich.memo("k", lambda: calls.append(1) or 8) == 7
    assert calls == [1]


# --- the cash engine ---------------------------------------------------------------------------


def test_cash_engine_fractional_cash_out() -> None:
    p = run_cash(np.array([10.0, 5.0]), np.array([[-4.0, -4.0, -4.0], [1.0, 1.0, 1.0]]))
    assert p.hit.tolist() == [True, False]
    assert p.first.tolist() == [2, 0]
    assert p.position[0] == pytest.approx(2.5)
    assert math.isinf(p.position[1])
    np.testing.assert_allclose(p.closing[1], [6.0, 7.0, 8.0])
    np.testing.assert_allclose(p.opening[0], [10.0, 6.0, 2.0])


def test_cash_engine_skips_months_that_do_not_count() -> None:
    net = np.array([[-20.0, 30.0, -5.0]])
    counted = np.array([[False, True, True]])
    p = run_cash(np.array([10.0]), net, counted)
    assert not p.hit[0]  # below zero only in a month that does not count
    p = run_cash(np.array([10.0]), net)
    assert p.hit[0]
    assert p.position[0] == pytest.approx(0.5)


@settings(max_examples=60, deadline=None)
@given(
    start=hnp.arrays(np.float64, (3, 4), elements=st.floats(0, 1e9)),
    net=hnp.arrays(np.float64, (3, 4, 12), elements=st.floats(-1e8, 1e8)),
)
def test_cash_engine_paths_broadcast_like_one_call_per_path(
    start: np.ndarray, net: np.ndarray
) -> None:
    """paths x entities x months at once equals one run per path."""
    together = run_cash(start, net)
    for i in range(start.shape[0]):
        alone = run_cash(start[i], net[i])
        np.testing.assert_array_equal(together.hit[i], alone.hit)
        np.testing.assert_array_equal(together.position[i], alone.position)
        np.testing.assert_allclose(together.closing[i], alone.closing)


@settings(max_examples=60, deadline=None)
@given(
    start=st.floats(0, 1e9),
    net=st.lists(st.floats(-1e8, 1e8), min_size=1, max_size=24),
    more=st.floats(0, 1e8),
    month=st.integers(0, 23),
)
def test_cash_engine_more_money_never_runs_out_sooner(
    start: float, net: list[float], more: float, month: int
) -> None:
    base = np.array([net])
    richer = base.copy()
    richer[0, min(month, len(net) - 1)] += more
    a = run_cash(np.array([start]), base)
    b = run_cash(np.array([start]), richer)
    assert b.position[0] >= a.position[0] - 1e-9


# --- adjustments -----------------------------------------------------------------------------


def test_adjustments_transform_copies_and_say_what_they_did(rich: ac.Ledger) -> None:
    flows = rich.flows()
    cash = rich.frame("cash_balances")
    adjusted, balances, said = apply(
        [Exclude(["acme-spend", "rich-cash"]), AddFlow("acme", "2023-09", -2e6, "fine")],
        flows,
        cash,
    )
    assert "acme-spend" not in set(adjusted["record"].astype(object))
    assert "rich-cash" not in set(balances["id"].astype(object))
    added = adjusted[(adjusted["kind"] == "adjustment").to_numpy()]
    assert len(added) == 1
    row = added.iloc[0]
    assert (row["entity"], row["direction"], row["amount_usd"]) == ("acme", -1, 2e6)
    assert row["month"] == pd.Timestamp("2023-09-01")
    assert said == [
        "records left out: acme-spend, rich-cash",
        "added flow 'fine': -2,000,000 USD in 2023-09 (acme)",
    ]
    assert len(rich.flows()) == len(flows)  # the ledger's table is unchanged


def test_sugar_and_adjustments_agree(bundled: ac.Ledger) -> None:
    sugar = ac.runway(
        bundled,
        "stability-ai",
        as_of="2023-10",
        exclude=["stability-2023-intel"],
        extra_flows=[("2023-10", 20e6, "Intel tranche")],
    )
    explicit = ac.runway(
        bundled,
        "stability-ai",
        as_of="2023-10",
        adjust=[
            Exclude(["stability-2023-intel"]),
            AddFlow("stability-ai", "2023-10", 20e6, "Intel tranche"),
        ],
    )
    pd.testing.assert_frame_equal(sugar.frame, explicit.frame)
    assert sugar.assumptions == explicit.assumptions
    assert any("Intel tranche" in a for a in sugar.assumptions)


def test_an_added_flow_needs_a_date_and_a_finite_amount() -> None:
    with pytest.raises(ValueError, match="date"):
        AddFlow("acme", "someday", 1.0)
    with pytest.raises(ValueError, match="finite"):
        AddFlow("acme", "2023-10", float("nan"))
    with pytest.raises(TypeError, match="adjustment"):
        apply([object()], pd.DataFrame(), pd.DataFrame())  # type: ignore[list-item]


@pytest.mark.parametrize("entity", [5, 3.5, ["stability-ai"], ("stability-ai",)])
def test_an_entity_that_is_not_text_is_refused(bundled: ac.Ledger, entity: object) -> None:
    """An entity given as a number or a list is a TypeError naming what was given, not an
    error from inside the suggestion of a close id."""
    calls = [
        lambda: ac.runway(bundled, entity, as_of="2023-10"),  # type: ignore[arg-type]
        lambda: ac.burn(bundled, entity),  # type: ignore[arg-type]
        lambda: ac.arrears(bundled, "2023-10", entity),  # type: ignore[arg-type]
        lambda: ac.compute_gap(bundled, entity),  # type: ignore[arg-type]
    ]
    for call in calls:
        with pytest.raises(TypeError, match="expected an entity id"):
            call()
