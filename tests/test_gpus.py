"""GPU fleets, reallocations, unit prices, targets, and GPU orders as capex.

Expected figures come from the records written here or in the bundled ledger (seed 004: the
December 2023 exchange of 12,000 H100 between Tesla and X)."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aicapex as ac
from aicapex.report import report
from aicapex.table.gpus import GPU_COLUMNS, gpu_movements

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: c, name: C, type: company}
- {id: v, name: Vendor, type: chip_vendor}
"""


def _ledger(ledger_text: LedgerText, body: str) -> ac.Ledger:
    return ac.load(ledger_text(HEAD + body))


# --- the seed story: the exchange of December 2023 -----------------------------------------


def test_the_exchange_nets_to_zero_units_each_side(bundled: ac.Ledger) -> None:
    r = ac.reallocations(bundled).frame.set_index("reallocation")
    for rid, row in r.iterrows():
        record = bundled[str(rid)]
        back = bundled[record.exchanged_for]  # type: ignore[attr-defined]
        assert row["counterpart"] == back.id
        assert row["net_units"] == back.quantity - record.quantity == 0  # type: ignore[attr-defined]


def test_more_than_500m_for_12000_h100_is_a_bound_of_41667_a_unit(bundled: ac.Ledger) -> None:
    order = bundled["tesla-h100-reserved"]
    total, quantity = order.total, order.quantity  # type: ignore[attr-defined]
    assert total.kind == "lower"
    unit = Fraction(total.amount) / quantity
    assert round(float(unit)) == 41_667
    prices = ac.gpu_prices(bundled, "H100").frame.set_index("record")
    row = prices.loc[order.id]
    assert row["figure"] == "lower"
    assert row["unit_usd"] == pytest.approx(float(unit))
    assert row["unit_low_usd"] == pytest.approx(float(unit))  # at least: the low end
    assert row["unit_high_usd"] > row["unit_usd"]
    moved = ac.reallocations(bundled).frame.set_index("reallocation")
    realloc = moved.loc["nvidia-2023-12-tesla-to-x"]
    assert realloc["price_basis"] == "the order's total"
    assert realloc["value_figure"] == "lower"
    assert realloc["value_low_usd"] == pytest.approx(float(total.amount))


def test_the_delay_runs_from_the_due_date_to_the_replacement(bundled: ac.Ledger) -> None:
    give = bundled["nvidia-2023-12-tesla-to-x"]
    back = bundled[give.exchanged_for]  # type: ignore[attr-defined]
    arriving = bundled[back.order].scheduled[0].date  # type: ignore[attr-defined]
    due_start, due_end = give.date.sort_key()  # type: ignore[attr-defined]
    in_start, in_end = arriving.sort_key()
    row = ac.reallocations(bundled).frame.set_index("reallocation").loc[give.id]

    def mid(a: object, b: object) -> float:
        return (pd.Timestamp(a).value + pd.Timestamp(b).value) / 2 / 86_400e9

    assert row["delay_days"] == pytest.approx(mid(in_start, in_end) - mid(due_start, due_end))
    assert row["delay_days_low"] == (pd.Timestamp(in_start) - pd.Timestamp(due_end)).days
    assert row["delay_days_high"] == (pd.Timestamp(in_end) - pd.Timestamp(due_start)).days
    assert row["due_basis"] == "reallocation date"  # Tesla's own schedule is not reported
    assert row["replaced_basis"] == "scheduled deliveries"
    other = ac.reallocations(bundled).frame.set_index("reallocation").loc[back.id]
    assert other["delay_days"] == pytest.approx(-row["delay_days"])


def test_the_bundled_fleet_and_targets(bundled: ac.Ledger) -> None:
    tesla = ac.gpu_fleet(bundled, "tesla", freq="Y").frame
    assert tesla["moved_in"].sum() == tesla["moved_out"].sum() == 12_000
    target = bundled["xai-100k-chips-2024"]
    row = ac.gpu_targets(bundled, "xai").frame.iloc[0]
    assert row["units"] == target.units  # type: ignore[attr-defined]
    assert row["gap"] == target.units - row["delivered"]  # type: ignore[attr-defined]
    assert not row["met"]


# --- the movements table -------------------------------------------------------------------


ORDERS = """
gpu_orders:
- id: o1
  buyer: a
  vendor: v
  sku: H100
  quantity: 100
  total: $3M
  order_date: 2024-01
  scheduled:
  - {date: 2024-03, quantity: 60}
  - {date: 2024-06, quantity: 40}
  delivered:
  - {date: 2024-02, quantity: 30}
  - {date: 2024-05, quantity: 50}
  sources: [s]
gpu_reallocations:
- {id: r1, order: o1, from_entity: a, to_entity: b, quantity: 40, date: 2024-04, sources: [s]}
"""


def test_a_reallocation_takes_its_orders_later_deliveries(ledger_text: LedgerText) -> None:
    led = _ledger(ledger_text, ORDERS)
    moves = gpu_movements(led)
    assert list(moves.columns) == list(GPU_COLUMNS)
    delivered = moves[moves["event"] == "delivered"]
    by_holder = delivered.groupby("entity", observed=True)["units"].sum()
    # deliveries on or after 2024-04: the 50 of May; b takes 40 of them, a keeps 10 and the 30
    assert by_holder.to_dict() == {"a": 30 + 10, "b": 40}
    assert set(delivered.loc[delivered["entity"] == "b", "via"]) == {"r1"}
    scheduled = moves[moves["event"] == "scheduled"]
    # schedules on or after April: the 40 of June, all taken
    assert scheduled.groupby("entity", observed=True)["units"].sum().to_dict() == {
        "a": 60,
        "b": 40,
    }
    fleet = ac.gpu_fleet(led, freq="Y").frame.set_index("entity")
    assert fleet.loc["a", "position"] == 100 - 40
    assert fleet.loc["b", "position"] == 40
    assert fleet.loc["b", "on_hand"] == 40


@st.composite
def order_books(draw: st.DrawFn) -> str:
    lines = ["gpu_orders:"]
    n = draw(st.integers(1, 4))
    quantities = []
    for i in range(n):
        q = draw(st.integers(1, 50))
        quantities.append(q)
        lines += [
            f"- id: o{i}",
            f"  buyer: {draw(st.sampled_from('abc'))}",
            "  vendor: v",
            "  sku: H100",
            f"  quantity: {q}",
            "  order_date: 2024-01",
            "  sources: [s]",
        ]
        for name in ("scheduled", "delivered"):
            parts = draw(st.lists(st.integers(1, 12), max_size=3))
            left = q
            items = []
            for month in parts:
                if left <= 0:
                    break
                take = draw(st.integers(1, left))
                left -= take
                items.append(f"  - {{date: 2024-{month:02d}, quantity: {take}}}")
            if items:
                lines += [f"  {name}:", *items]
    moves = []
    left = list(quantities)  # the reallocations of an order move at most its units
    for j in range(draw(st.integers(0, 5))):
        a, b = draw(st.lists(st.sampled_from("abc"), min_size=2, max_size=2, unique=True))
        order = draw(st.integers(0, n - 1))
        if not left[order]:
            continue
        moved = draw(st.integers(1, left[order]))
        left[order] -= moved
        moves.append(
            f"- {{id: r{j}, order: o{order}, from_entity: {a}, to_entity: {b}, "
            f"quantity: {moved}, date: 2024-{draw(st.integers(1, 12)):02d}, sources: [s]}}"
        )
    if moves:
        lines += ["gpu_reallocations:", *moves]
    return "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None)
@given(order_books())
def test_units_are_conserved(tmp_path_factory: pytest.TempPathFactory, book: str) -> None:
    path = tmp_path_factory.mktemp("book") / "ledger.yaml"
    import textwrap

    path.write_text(textwrap.dedent(HEAD).lstrip("\n") + book, encoding="utf-8")
    led = ac.load(path)
    moves = gpu_movements(led)
    orders = led.of_type(ac.GPUOrder)
    units = moves.groupby("event", observed=True)["units"].sum()
    assert units.get("ordered", 0) == sum(o.quantity for o in orders)
    for name in ("scheduled", "delivered"):
        expected = sum(d.quantity for o in orders for d in getattr(o, name))
        assert units.get(name, 0) == expected  # reallocations only change who holds them
    assert units.get("moved_in", 0) == -units.get("moved_out", 0)
    fleet = ac.gpu_fleet(led, freq="Y").frame
    if not fleet.empty:
        last = fleet.groupby(["entity", "sku"]).tail(1)
        assert last["position"].sum() == sum(o.quantity for o in orders)
        assert last["on_hand"].sum() == sum(d.quantity for o in orders for d in o.delivered)


# --- capex ------------------------------------------------------------------------------------


def test_orders_are_capex_paid_as_units_arrive(ledger_text: LedgerText) -> None:
    led = _ledger(ledger_text, ORDERS.split("gpu_reallocations:")[0])
    flows = led.flows()
    rows = flows[flows["kind"] == "gpu_orders"]
    order = led["o1"]
    value = float(order.total.amount)  # type: ignore[attr-defined]
    assert set(rows["category"]) == {"capex"}
    commitment = rows[rows["status"] == "committed"]
    assert commitment["amount"].sum() == value
    paid = rows[rows["status"] == "paid"]
    delivered = sum(d.quantity for d in order.delivered)  # type: ignore[attr-defined]
    assert paid["amount"].sum() == pytest.approx(value * delivered / order.quantity)  # type: ignore[attr-defined]
    left = rows[rows["status"] == "scheduled"]
    assert left["amount"].sum() + paid["amount"].sum() == pytest.approx(value)
    b = ac.burn(led, "a").frame
    assert b["capex"].sum() == pytest.approx(value)
    assert (b["gross_burn"] == 0).all()
    np.testing.assert_allclose(b["cash_burn"], b["net_burn"] + b["capex"])


def test_payments_replace_delivery_dates_and_the_runway_counts_them(
    ledger_text: LedgerText,
) -> None:
    body = """
gpu_orders:
- id: o1
  buyer: a
  vendor: v
  sku: H100
  quantity: 100
  total: $3M
  order_date: 2024-01
  payments:
  - {date: 2024-02-15, amount: $1M}
  - {date: 2024-08-15, amount: $2M}
  sources: [s]
cash_balances:
- {id: cash, company: a, date: 2024-01-31, amount: $1.5M, sources: [s]}
"""
    led = _ledger(ledger_text, body)
    paid = led.flows()
    paid = paid[(paid["kind"] == "gpu_orders") & (paid["status"] == "paid")]
    order = led["o1"]
    assert list(paid["amount"]) == [float(p.amount.amount) for p in order.payments]  # type: ignore[attr-defined]
    r = ac.runway(led, "a", as_of="2024-01")
    cash = float(led["cash"].amount.amount)  # type: ignore[attr-defined]
    first = float(order.payments[0].amount.amount)  # type: ignore[attr-defined]
    assert cash > first  # the first payment leaves cash; the second runs it out in August
    assert r.cash_out is not None
    assert r.cash_out.month == 8
    assert any("capex" in a for a in r.assumptions)


def test_an_announced_order_is_never_cash(ledger_text: LedgerText) -> None:
    body = ORDERS.split("gpu_reallocations:")[0].replace(
        "  total: $3M", "  total: $3M\n  status: announced"
    )
    flows = _ledger(ledger_text, body).flows()
    assert set(flows["status"]) == {"announced"}


# --- unit prices --------------------------------------------------------------------------------


def test_a_lease_prices_a_unit_year_and_a_unit_hour(ledger_text: LedgerText) -> None:
    body = """
compute_contracts:
- id: lease
  buyer: a
  seller: v
  start: 2024-01-01
  end: 2028-12-31
  total_value: $2.0B
  capacity: 16,000 H100
  arrangement: lease
  sources: [s]
"""
    led = _ledger(ledger_text, body)
    row = ac.gpu_prices(led).frame.iloc[0]
    lease = led["lease"]
    years = 5  # 2024-01-01 through 2028-12-31, in 365.25-day years
    per_year = float(lease.total_value.amount) / years / lease.capacity.gpus  # type: ignore[attr-defined]
    assert row["per_unit_year_usd"] == pytest.approx(per_year, rel=1e-3)
    assert round(per_year) == 25_000
    assert row["per_unit_hour_usd"] == pytest.approx(per_year / 8766, rel=1e-3)
    assert round(row["per_unit_hour_usd"], 2) == 2.85


# --- counts as reported: ranges, bounds, approximations ------------------------------------

COUNTED = """
gpu_orders:
- {{id: o1, buyer: a, vendor: v, sku: H100, quantity: '{quantity}', status: committed,
   order_date: 2024-01, sources: [s]}}
"""


@pytest.mark.parametrize(
    ("written", "base", "ends"),
    [
        ("12,000", 12_000, (12_000, 12_000)),
        ("about 12,000", 12_000, (10_800, 13_200)),
        ("more than 12,000", 12_000, (12_000, 15_000)),
        ("nearly 12,000", 12_000, (10_800, 12_000)),
        ("10,000 to 12,000", 11_000, (10_000, 12_000)),
        ("between 10,000 and 12,001", 11_000, (10_000, 12_001)),
        ("up to 100,000", 100_000, (0, 100_000)),
    ],
)
def test_gpu_counts_as_reported(
    ledger_text: LedgerText, tmp_path: Path, written: str, base: int, ends: tuple[int, int]
) -> None:
    """The base figure (a range's midpoint, rounded down) is what the GPU tables count; the
    record keeps the figure as written, and saving writes it back."""
    led = _ledger(ledger_text, COUNTED.format(quantity=written))
    quantity = led["o1"].quantity  # type: ignore[attr-defined]
    assert int(quantity) == base
    low, high = quantity.bounds() if hasattr(quantity, "bounds") else (quantity, quantity)
    assert (low, high) == ends
    assert led.frame("gpu_orders")["quantity"].tolist() == [base]
    moves = gpu_movements(led)
    assert moves.loc[moves["event"] == "ordered", "units"].sum() == base
    again = ac.load(led.save(tmp_path / "saved.yaml"))
    assert again == led
    assert again["o1"].quantity.__eq__(quantity)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("written", "words"),
    [
        ("12,000 to 10,000", "whole number of GPUs"),
        ("about 0.5", "whole number of GPUs"),
        ("lots", "whole number of GPUs"),
        ("0", "greater than 0"),
    ],
)
def test_bad_gpu_counts_are_located(ledger_text: LedgerText, written: str, words: str) -> None:
    path = ledger_text(HEAD + COUNTED.format(quantity=written))
    with pytest.raises(ac.LedgerError) as info:
        ac.load(path)
    (problem,) = info.value.problems
    assert (problem.record_id, problem.field) == ("o1", "quantity")
    assert (
        problem.line
        == path.read_text()
        .splitlines()
        .index(next(line for line in path.read_text().splitlines() if "o1" in line))
        + 1
    )
    assert words in problem.expected + problem.found


def test_reallocations_without_any_order(ledger_text: LedgerText) -> None:
    """A ledger of reallocations and no GPU orders: movements of its SKU, no IndexError."""
    body = """
gpu_reallocations:
- {id: r1, from_entity: a, to_entity: b, sku: H100, quantity: 40, date: 2024-04, sources: [s]}
- {id: r2, from_entity: b, to_entity: c, quantity: 10, date: 2024-05, sources: [s]}
"""
    led = _ledger(ledger_text, body)
    moves = gpu_movements(led)
    assert set(moves["record"].astype("object")) == {"r1", "r2"}
    assert moves.loc[moves["record"] == "r1", "sku"].astype("object").tolist() == ["H100"] * 2
    assert ac.reallocations(led).frame["reallocation"].tolist() == ["r1", "r2"]
    assert "companies" in report(led)  # the report, its GPU sections included
