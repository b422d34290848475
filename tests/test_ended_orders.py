"""GPU orders cancelled or failed after some of their units came keep what happened before.

The units delivered stay with the buyer (counted by default, as a delivered order of those
units), the money paid for them is spent (payments, else the deliveries at the order's value
per unit); the rest of the order, and its schedule, keep the order's status. Figures by hand.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

HEAD = """\
sources:
- id: s1
  outlet: Example News
  title: Orders
  date: 2024-06-01
entities:
- id: acme
  name: Acme
  type: company
- id: beta
  name: Beta
  type: company
- id: nvidia
  name: Nvidia
  type: company
"""

CASH = """\
cash_balances:
- id: acme-cash
  sources:
  - source: s1
    quote: Acme had $200M at the end of February.
  company: acme
  date: 2024-02
  amount: $200M
expenses:
- id: acme-opex
  sources:
  - source: s1
    quote: Acme spends $10M a month.
  company: acme
  category: opex
  date: 2024
  rate: $10M/month
"""


def _order(status: str, extra: str = "", *, quantity: str = "10,000") -> str:
    return f"""\
gpu_orders:
- id: acme-h100
  sources:
  - source: s1
    quote: Acme ordered 10,000 H100 for $300M, took 4,000 in March, then it ended.
  buyer: acme
  vendor: nvidia
  sku: H100
  quantity: {quantity}
  total: $300M
  order_date: 2024-01
  status: {status}
{extra}"""


PARTLY = """\
  scheduled:
  - date: 2024-03
    quantity: 4,000
  - date: 2024-06
    quantity: 6,000
  delivered:
  - date: 2024-03
    quantity: 4,000
"""


def _load(tmp_path: Path, *parts: str) -> ac.Ledger:
    path = tmp_path / "ledger.yaml"
    path.write_text(HEAD + "".join(parts), encoding="utf-8")
    return ac.load(path)


@pytest.mark.parametrize("status", ["cancelled", "failed"])
def test_an_ended_order_spends_what_came(tmp_path: Path, status: str) -> None:
    """4,000 of 10,000 H100 at $300M came: $300M x 4,000 / 10,000 = $120M paid on March 1
    (the delivery dated to March leaves at its first day); no commitment, nothing scheduled."""
    flows = _load(tmp_path, _order(status, PARTLY)).flows()
    assert flows["status"].astype(object).tolist() == ["paid"]
    assert flows["amount_usd"].tolist() == [120e6]
    assert str(flows["date"].iloc[0].date()) == "2024-03-01"


def test_the_runway_pays_for_the_units_that_came(tmp_path: Path) -> None:
    """$200M at the end of February; March: -$120M of GPUs and -$10M opex: $70M; then $10M a
    month: $0 at the end of October, below zero in November at its first day: 8 months
    (leaving the GPUs out, as before: $200M / $10M = 20 months)."""
    led = _load(tmp_path, CASH, _order("cancelled", PARTLY))
    r = ac.runway(led, "acme", as_of="2024-02")
    assert r.months == pytest.approx(8.0)
    assert str(r.cash_out.date()) == "2024-11-01"


def test_an_ended_order_keeps_its_delivered_units(tmp_path: Path) -> None:
    """Counted by default: 4,000 ordered and delivered, on hand and held; the cancelled rest
    (6,000 ordered, the 10,000 scheduled) only with statuses=['cancelled']."""
    led = _load(tmp_path, _order("cancelled", PARTLY))
    row = ac.gpu_fleet(led, "acme", freq="Y").frame.iloc[-1]
    assert (row["ordered"], row["delivered"], row["position"], row["on_hand"]) == (
        4000,
        4000,
        4000,
        4000,
    )
    rest = ac.gpu_fleet(led, "acme", freq="Y", statuses=["cancelled"]).frame.iloc[-1]
    assert (rest["ordered"], rest["scheduled"], rest["delivered"], rest["on_hand"]) == (
        6000,
        10000,
        0,
        0,
    )


def test_units_ordered_are_conserved_by_the_split(tmp_path: Path) -> None:
    """The order's ordered rows still add up to its 10,000 units (4,000 + 6,000)."""
    moves = ac.gpu_movements(_load(tmp_path, _order("cancelled", PARTLY)))
    ordered = moves[moves["event"] == "ordered"]
    assert ordered["units"].sum() == 10_000
    assert sorted(ordered["units"].tolist()) == [4000, 6000]
    assert set(ordered["status"].astype(object)) == {"delivered", "cancelled"}


def test_a_fully_delivered_then_cancelled_order_is_one_firm_row(tmp_path: Path) -> None:
    """All 4,000 of a 4,000 order came: one ordered row of 4,000, nothing left cancelled; the
    whole $300M paid."""
    extra = "  delivered:\n  - date: 2024-03\n    quantity: 4,000\n"
    led = _load(tmp_path, _order("cancelled", extra, quantity="4,000"))
    moves = ac.gpu_movements(led)
    ordered = moves[moves["event"] == "ordered"]
    assert ordered["units"].tolist() == [4000]
    assert ordered["status"].astype(object).tolist() == ["delivered"]
    assert led.flows()["amount_usd"].sum() == 300e6


def test_a_failed_order_spends_its_payments_and_holds_nothing(tmp_path: Path) -> None:
    """A failed order with $50M paid in January and $25M in February and no delivery: $75M
    spent, no units held by default."""
    extra = (
        "  payments:\n  - date: 2024-01\n    amount: $50M\n  - date: 2024-02\n    amount: $25M\n"
    )
    led = _load(tmp_path, _order("failed", extra))
    flows = led.flows()
    assert flows["status"].astype(object).tolist() == ["paid", "paid"]
    assert flows["amount_usd"].sum() == 75e6
    assert ac.gpu_fleet(led, "acme").frame.empty


def test_an_ended_order_with_nothing_done_makes_nothing(tmp_path: Path) -> None:
    """Cancelled before anything came or was paid: no money, no units counted."""
    led = _load(
        tmp_path, _order("cancelled", "  scheduled:\n  - date: 2024-06\n    quantity: 10,000\n")
    )
    assert led.flows().empty
    assert ac.gpu_fleet(led, "acme").frame.empty


def test_units_of_an_ended_order_moved_before_they_came(tmp_path: Path) -> None:
    """1,000 of the order given to Beta in February take 1,000 of the March delivery: Acme
    holds 3,000, Beta 1,000 (the reallocation counts: its order's first status is the firm
    part's)."""
    move = """\
gpu_reallocations:
- id: acme-to-beta
  sources:
  - source: s1
    quote: Acme passed 1,000 of its H100 to Beta in February.
  order: acme-h100
  sku: H100
  from_entity: acme
  to_entity: beta
  quantity: 1,000
  date: 2024-02
"""
    led = _load(tmp_path, _order("cancelled", PARTLY), move)
    fleet = ac.gpu_fleet(led, freq="Y").frame.set_index("entity")
    assert fleet.loc["acme", "on_hand"] == 3000
    assert fleet.loc["beta", "on_hand"] == 1000
    assert fleet.loc["acme", "position"] == 3000
    assert fleet.loc["beta", "position"] == 1000
    assert fleet["on_hand"].sum() == 4000  # the units delivered, conserved


def test_reallocations_and_prices_count_the_firm_part(tmp_path: Path) -> None:
    """As the fleet counts the move of 1,000 units of the partly delivered order, so do
    reallocations(), valued at the order's $300M / 10,000 = $30,000 a unit: $30M; and
    gpu_prices lists the order's price (paid for the 4,000 that came)."""
    move = """\
gpu_reallocations:
- id: acme-to-beta
  sources:
  - source: s1
    quote: Acme passed 1,000 of its H100 to Beta in February.
  order: acme-h100
  sku: H100
  from_entity: acme
  to_entity: beta
  quantity: 1,000
  date: 2024-02
"""
    led = _load(tmp_path, _order("cancelled", PARTLY), move)
    moves = ac.reallocations(led).frame
    assert moves["reallocation"].tolist() == ["acme-to-beta"]
    assert moves["value_usd"].tolist() == [30e6]
    prices = ac.gpu_prices(led).frame
    assert prices["record"].tolist() == ["acme-h100"]
    assert prices["unit_usd"].tolist() == [30_000.0]
    # an order cancelled before anything came keeps no price and no counted move
    nothing = _load(tmp_path, _order("cancelled"), move)
    assert ac.reallocations(nothing).frame.empty
    assert ac.gpu_prices(nothing).frame.empty


@pytest.mark.parametrize(
    ("quantity", "deliveries", "ordered"),
    [
        # a range counts its midpoint, 15,000, unless deliveries show more
        ("10,000 to 20,000", "  delivered:\n  - date: 2024-03\n    quantity: 18,000\n", 18_000),
        ("10,000 to 20,000", "  delivered:\n  - date: 2024-03\n    quantity: 12,000\n", 15_000),
        # an approximation sets no limit: a schedule of 12,000 on 'about 10,000'
        ("about 10,000", "  scheduled:\n  - date: 2024-06\n    quantity: 12,000\n", 12_000),
        # the larger of the two totals, not their sum (deliveries fill the schedule)
        (
            "10,000 to 20,000",
            "  scheduled:\n  - date: 2024-03\n    quantity: 16,000\n"
            "  delivered:\n  - date: 2024-03\n    quantity: 17,000\n",
            17_000,
        ),
    ],
)
def test_an_order_counts_at_least_the_units_it_delivers(
    tmp_path: Path, quantity: str, deliveries: str, ordered: int
) -> None:
    """The fleet's position (units ordered) is never below the units on hand of one order."""
    led = _load(tmp_path, _order("committed", deliveries, quantity=quantity))
    row = ac.gpu_fleet(led, "acme", freq="Y").frame.iloc[-1]
    assert row["ordered"] == ordered
    assert row["position"] >= row["on_hand"]
