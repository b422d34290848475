"""Tests for the runway's what-if sugar (``exclude=``, ``extra_flows=``) and its path's money
in and money out. Expected figures are derived from the records."""

from __future__ import annotations

import traceback
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac
from aicapex.analysis.runway import runway

ENTITY = "stability-ai"
AS_OF = "2023-10"
INTEL = "stability-2023-intel"


def _raised_here(exc: BaseException) -> None:
    """The error comes from an argument check of aicapex, not from pandas or Python inside."""
    frames = traceback.extract_tb(exc.__traceback__)
    assert "/aicapex/" in frames[-1].filename, frames[-1]


# --- exclude= ------------------------------------------------------------------------------


def test_exclude_as_text_is_one_id(bundled: ac.Ledger) -> None:
    """``exclude="stability-2023-intel"`` was split into its characters (3.72 months, "records
    left out: -, 0, 2, 3, a, b, ..."); one id as text is that id, as with ``Exclude``."""
    moved = [("2023-10", 20e6, "Intel tranche")]
    listed = runway(bundled, ENTITY, as_of=AS_OF, exclude=[INTEL], extra_flows=moved)
    text = runway(bundled, ENTITY, as_of=AS_OF, exclude=INTEL, extra_flows=moved)
    assert text.months == listed.months
    assert round(text.months, 2) == 2.03
    assert f"records left out: {INTEL}" in text.assumptions
    assert not any("records left out: -" in a for a in text.assumptions)
    # each id once, sorted, however often and in whatever order given
    twice = runway(bundled, ENTITY, as_of=AS_OF, exclude=(i for i in [INTEL, INTEL]))
    assert f"records left out: {INTEL}" in twice.assumptions


@pytest.mark.parametrize("exclude", [5, [1], ["a", None], 2.5])
def test_exclude_of_no_ids_names_the_argument(bundled: ac.Ledger, exclude: Any) -> None:
    with pytest.raises(TypeError, match=r"^exclude: expected a record id or a list") as info:
        runway(bundled, ENTITY, as_of=AS_OF, exclude=exclude)
    assert repr(exclude) in str(info.value)
    _raised_here(info.value)


def test_exclude_of_an_unknown_id_is_refused(bundled: ac.Ledger) -> None:
    """``exclude=["nope"]`` was silently ignored while the assumptions said "records left out:
    nope"; an id naming no flows and no cash balance is a ValueError naming it, with the
    closest id for a typo."""
    with pytest.raises(ValueError, match=r"^exclude: expected ids of records .*got 'nope'") as info:
        runway(bundled, ENTITY, as_of=AS_OF, exclude=["nope"])
    _raised_here(info.value)
    with pytest.raises(ValueError, match=rf"got 'stability-2023-intl'.*did you mean '{INTEL}'"):
        runway(bundled, ENTITY, as_of=AS_OF, exclude="stability-2023-intl")
    # every unknown id named; a known one beside them does not hide them
    with pytest.raises(ValueError, match=r"got 'nope', 'zz': no flows or cash balance with those"):
        runway(bundled, ENTITY, as_of=AS_OF, exclude=[INTEL, "nope", "zz"])
    # a record of the ledger without money (the entity itself) leaves out nothing either
    assert ENTITY in bundled
    with pytest.raises(ValueError, match=rf"got '{ENTITY}'"):
        runway(bundled, ENTITY, as_of=AS_OF, exclude=ENTITY)
    # the same through the adjustment, in a runway and in a scenario
    with pytest.raises(ValueError, match=r"^exclude: .*got 'nope'"):
        runway(bundled, ENTITY, as_of=AS_OF, adjust=[ac.Exclude(["nope"])])
    with pytest.raises(ValueError, match=r"^exclude: .*got 'nope'"):
        ac.compare(bundled, ENTITY, [ac.Scenario("typo", [ac.Exclude("nope")])], as_of=AS_OF)

    # ids of records with flows or of cash balances are taken: leaving one out twice, a cash
    # report set aside as conflicting (out already: nothing changes), another entity's record
    # (not counted here: nothing changes)
    base = runway(bundled, ENTITY, as_of=AS_OF)
    twice = runway(bundled, ENTITY, as_of=AS_OF, exclude=[INTEL], adjust=[ac.Exclude(INTEL)])
    assert twice.months == runway(bundled, ENTITY, as_of=AS_OF, exclude=INTEL).months
    aside = [a for a in base.assumptions if "set aside" in a]
    assert aside, base.assumptions
    report = aside[0].rsplit(": ", 1)[1].split(", ")[0]
    assert report in bundled
    assert runway(bundled, ENTITY, as_of=AS_OF, exclude=report).months == base.months
    other = next(
        r.id
        for r in bundled.records("expenses")
        if r.company != ENTITY  # type: ignore[attr-defined]
    )
    assert runway(bundled, ENTITY, as_of=AS_OF, exclude=other).months == base.months


# --- extra_flows= --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra_flows", "error", "match"),
    [
        # one flow not in a list unpacked its month's characters ("too many values to unpack")
        (("2023-10", 20e6, "x"), TypeError, r"got one flow \('2023-10', 20000000.0, 'x'\)"),
        (["2023-10", 20e6, "x"], TypeError, r"got one flow \['2023-10'"),
        ("2023-10", TypeError, r"got '2023-10'"),
        (5, TypeError, r"got 5"),
        ([("2023-10", 20e6)], TypeError, r"got the item \('2023-10', 20000000.0\)"),
        ([("2023-10", 20e6, 5)], TypeError, r"expected a label as text, got 5"),
        ([("2023-10", None, "x")], TypeError, r"expected the amount as a number .*got None"),
        ([("2023-10", True, "x")], TypeError, r"expected the amount as a number .*got True"),
        # money text: "could not convert string to float"
        ([("2023-10", "20M", "x")], ValueError, r"expected money like '\$7M', got '20M'"),
        ([("2023-10", "€20M", "x")], ValueError, r"expected an amount in US dollars, got '€20M'"),
        ([("2023-10", "~$20M", "x")], ValueError, r"expected an exact amount .*'about \$20M'"),
        ([("2023-10", "$1M to $2M", "x")], ValueError, r"expected an exact amount"),
        ([("FY2023", 1e6, "x")], ValueError, r"expected a calendar date, got the fiscal year"),
    ],
)
def test_extra_flows_of_another_shape_name_the_argument(
    bundled: ac.Ledger, extra_flows: Any, error: type, match: str
) -> None:
    with pytest.raises(error, match=r"^extra_flows: .*" + match) as info:
        runway(bundled, ENTITY, as_of=AS_OF, extra_flows=extra_flows)
    _raised_here(info.value)


def test_extra_flows_take_us_dollar_money_text(bundled: ac.Ledger) -> None:
    """Exact US-dollar money ("$20M", "-$5M", a Money) is its dollars, as the number is."""
    for text, number in (("$20M", 20e6), ("-$5M", -5e6), (ac.Money.parse("$1.5M"), 1.5e6)):
        as_text = runway(bundled, ENTITY, as_of=AS_OF, extra_flows=[("2023-11", text, "x")])
        as_number = runway(bundled, ENTITY, as_of=AS_OF, extra_flows=[("2023-11", number, "x")])
        assert as_text.months == as_number.months
        assert as_text.assumptions == as_number.assumptions


# --- the path's money in and out -----------------------------------------------------------

MONTHS_LEDGER = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: bolt, name: Bolt AI, type: company}
- {id: cloudco, name: Cloud Co, type: company}
cash_balances:
- {id: acme-cash, company: acme, date: 2024-01-31, amount: $10M, sources: [s1]}
- {id: bolt-cash, company: bolt, date: 2024-01-31, amount: $20M, sources: [s1]}
expenses:
- {id: acme-compute-2, company: acme, category: compute, amount: $5M, date: 2024-02, sources: [s1]}
- {id: acme-compute-3, company: acme, category: compute, amount: $6M, date: 2024-03, sources: [s1]}
- {id: acme-opex-3, company: acme, category: opex, amount: $2M, date: 2024-03, sources: [s1]}
- {id: bolt-compute-2, company: bolt, category: compute, amount: $3M, date: 2024-02, sources: [s1]}
- {id: bolt-opex-3, company: bolt, category: opex, amount: $1M, date: 2024-03, sources: [s1]}
revenues:
- {id: acme-sales-2, company: acme, amount: $1M, date: 2024-02, sources: [s1]}
- {id: acme-sales-3, company: acme, amount: $1.5M, date: 2024-03, sources: [s1]}
funding_rounds:
- {id: acme-round, company: acme, date: 2024-03-15, amount: $30M, sources: [s1]}
cloud_bills:
- {id: bolt-bill, payer: bolt, provider: cloudco, period: 2024-01, billed: $2M, due: 2024-01-31,
   sources: [s1]}
"""


def _expected_gross(led: ac.Ledger, entity: str, month: str) -> tuple[float, float]:
    """Money in and out of ``entity`` in ``month`` (``"2024-03"``) from the records: each
    record of the month (revenue and funding in, expenses out); past a stream's last record
    (compute, opex, revenue), the mean of its monthly amounts from its first record to its
    last (fewer than 12 months here)."""
    money_in = money_out = 0.0
    streams: dict[str, dict[str, float]] = {}
    for kind in ("expenses", "revenues"):
        for r in led.records(kind):
            if r.company != entity:  # type: ignore[attr-defined]
                continue
            stream = "revenue" if kind == "revenues" else str(r.category)  # type: ignore[attr-defined]
            at = str(r.date)[:7]  # type: ignore[attr-defined]
            streams.setdefault(stream, {})[at] = usd(r.amount)  # type: ignore[attr-defined]
    for rnd in led.records("funding_rounds"):
        if rnd.company == entity and str(rnd.date)[:7] == month:  # type: ignore[attr-defined]
            money_in += usd(rnd.amount)  # type: ignore[attr-defined]
    for stream, by_month in streams.items():
        first, last = min(by_month), max(by_month)
        if month <= last:
            amount = by_month.get(month, 0.0)
        else:
            span = (int(last[:4]) - int(first[:4])) * 12 + int(last[5:]) - int(first[5:]) + 1
            amount = sum(by_month.values()) / span
        if stream == "revenue":
            money_in += amount
        else:
            money_out += amount
    return money_in, money_out


def usd(money: Any) -> float:
    return float(money.amount)


def test_the_path_shows_money_in_and_money_out(ledger_text: Any) -> None:
    """The path's inflows and outflows were the positive and negative parts of its net: a month
    of $1M revenue and $5M compute showed inflows 0, outflows 4M. They are the money in (revenue,
    funding, at run rates past the records) and the money out (spending), their difference the
    net, month by month as the records give them."""
    led = ac.load(ledger_text(MONTHS_LEDGER))
    r = ac.runway(led, as_of="2024-01")
    path = r.path
    assert set(path["entity"]) == {"acme", "bolt"}
    for row in path.to_dict("records"):
        month = str(row["month"])[:7]
        money_in, money_out = _expected_gross(led, str(row["entity"]), month)
        assert (row["inflows"], row["outflows"]) == pytest.approx((money_in, money_out)), row
        assert row["net"] == pytest.approx(row["inflows"] - row["outflows"])
        assert row["closing"] == pytest.approx(row["opening"] + row["net"])
    acme = r.explain("acme").set_index("month")
    feb = acme.loc["2024-02-01"]
    assert (feb["inflows"], feb["outflows"], feb["net"]) == (1e6, 5e6, -4e6)
    mar = acme.loc["2024-03-01"]
    assert (mar["inflows"], mar["outflows"]) == (31.5e6, 8e6)  # revenue and the round; spending
    bolt = r.explain("bolt").set_index("month")
    # March: opex recorded, compute past its last record (February) at its run rate
    assert (bolt.loc["2024-03-01", "inflows"], bolt.loc["2024-03-01", "outflows"]) == (0, 4e6)
    # the runway figures are the net's, unchanged: bolt's 20M less 3M, then 4M a month
    assert r.frame.set_index("entity").loc["bolt", "months"] == pytest.approx(1 + 17 / 4)

    # policy arrears: the bill unpaid at as_of is paid in as_of's month, money out
    later = ac.runway(led, "bolt", as_of="2024-02", policy="arrears").explain()
    paid = later.set_index("month").loc["2024-02-01"]
    assert (paid["inflows"], paid["outflows"], paid["net"]) == (0, 3e6 + 2e6, -5e6)
    # a net burn_after is money out past the records (money in when negative)
    for burn, gross in ((7e6, (0, 7e6)), (-7e6, (7e6, 0))):
        after = ac.runway(led, "bolt", as_of="2024-01", burn_after=burn).explain()
        apr = after.set_index("month").loc["2024-04-01"]
        assert (apr["inflows"], apr["outflows"]) == gross


_MONTHS = [f"{y}-{m:02d}" for y in (2023, 2024) for m in range(1, 13)][7:18]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    policy=st.sampled_from(["disbursed", "committed", "arrears"]),
    as_of=st.sampled_from(["2023-10", "2023-11", "2024-02"]),
    extras=st.lists(
        st.tuples(st.sampled_from(_MONTHS), st.integers(-20, 20).map(lambda m: m * 1e6)),
        max_size=4,
    ),
    burn_after=st.one_of(
        st.none(),
        st.integers(-5, 5).map(lambda m: m * 1e6),
        st.fixed_dictionaries({"compute": st.integers(0, 5).map(lambda m: m * 1e6)}),
    ),
)
def test_path_money_in_and_out_add_up(
    companies: ac.Ledger,
    policy: str,
    as_of: str,
    extras: list[tuple[str, float]],
    burn_after: Any,
) -> None:
    """Whatever the flows: money in and money out are never negative, their difference is the
    net and the closing cash the opening cash plus the net, every month of every path; acme's
    revenue (recorded, then at its run rate) is money in every month it burns cash, unless a
    net burn_after stands for every stream."""
    flows = [(month, amount, f"x{i}") for i, (month, amount) in enumerate(extras)]
    r = ac.runway(
        companies,
        "acme" if flows else None,
        as_of=as_of,
        policy=policy,  # type: ignore[arg-type]
        extra_flows=flows,
        burn_after=burn_after,
    )
    path = r.path
    assert len(path)
    money_in, money_out, net, opening, closing = (
        path[c].to_numpy(np.float64) for c in ("inflows", "outflows", "net", "opening", "closing")
    )
    assert (money_in >= 0).all()
    assert (money_out >= 0).all()
    scale = 1 + np.maximum(money_in, money_out)
    assert (np.abs(money_in - money_out - net) <= 1e-9 * scale).all()
    drift = np.abs(opening + net - closing)
    assert (drift <= 1e-9 * (1 + np.abs(opening) + np.abs(net))).all()
    if not isinstance(burn_after, float):
        revenue = usd(companies["acme-sales"].rate.per_month())  # type: ignore[attr-defined]
        acme = (path["entity"] == "acme").to_numpy()
        assert (money_in[acme] >= revenue - 1e-6).all()
