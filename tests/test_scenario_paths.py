"""A scenario's path shows the month's money in and money out, as the runway's path does.

The paths of scenarios (``Comparison.path``) showed ``inflows`` and ``outflows`` as the positive
and negative parts of the month's net (a month of $1M revenue and $5M compute: inflows 0,
outflows 4M) while ``ac.runway(...).path`` shows the money in and the money out (1M and 5M).
Expected figures are derived from the records of :data:`TWO` (and the adjustments), month by
month: each stream recorded, then at its run rate past its last record (the mean of its months
from its first record to its last: fewer than 12 here).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac

LedgerText = Callable[..., Path]

#: Two companies with balances at the end of January 2024: Acme (revenue, compute, payroll,
#: opex, a round in March), Bolt (revenue, compute, opex, a bill unpaid since January).
TWO = """
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
- {id: acme-payroll-2, company: acme, category: payroll, amount: $1M, date: 2024-02, sources: [s1]}
- {id: acme-opex-3, company: acme, category: opex, amount: $2M, date: 2024-03, sources: [s1]}
- {id: bolt-compute-2, company: bolt, category: compute, amount: $3M, date: 2024-02, sources: [s1]}
- {id: bolt-opex-3, company: bolt, category: opex, amount: $1M, date: 2024-03, sources: [s1]}
revenues:
- {id: acme-sales-2, company: acme, amount: $1M, date: 2024-02, sources: [s1]}
- {id: acme-sales-3, company: acme, amount: $1.5M, date: 2024-03, sources: [s1]}
- {id: bolt-sales-3, company: bolt, amount: $0.5M, date: 2024-03, sources: [s1]}
funding_rounds:
- {id: acme-round, company: acme, date: 2024-03-15, amount: $30M, sources: [s1]}
cloud_bills:
- {id: bolt-bill, payer: bolt, provider: cloudco, period: 2024-01, billed: $2M, due: 2024-01-31,
   sources: [s1]}
"""

MONTHS = ["2024-02", "2024-03", "2024-04", "2024-05", "2024-06"]


@pytest.fixture
def two(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(TWO))


def usd(money: Any) -> float:
    return float(money.amount)


def _span(first: str, last: str) -> int:
    return (int(last[:4]) - int(first[:4])) * 12 + int(last[5:]) - int(first[5:]) + 1


def items(
    led: ac.Ledger,
    entity: str,
    month: str,
    removed: Iterable[str] = (),
    burn_after: float | None = None,
) -> list[tuple[str, float]]:
    """The money of ``entity`` in ``month`` (``"2024-03"``) from the records, as (stream, signed
    dollars): each spending category and revenue recorded, then past its last record at its
    run rate, and funding rounds; the records ``removed`` left out. A net ``burn_after`` stands
    for every stream past the entity's last record; before it, a stream past its own last record
    goes on at its run rate, as without one."""
    left_out = set(removed)
    streams: dict[str, dict[str, float]] = {}
    for kind, sign in (("expenses", -1.0), ("revenues", 1.0)):
        for r in led.records(kind):
            if r.company != entity or r.id in left_out:  # type: ignore[attr-defined]
                continue
            stream = "revenue" if kind == "revenues" else str(r.category)  # type: ignore[attr-defined]
            at = str(r.date)[:7]  # type: ignore[attr-defined]
            by_month = streams.setdefault(stream, {})
            by_month[at] = by_month.get(at, 0.0) + sign * usd(r.amount)  # type: ignore[attr-defined]
    out = [
        ("funding", usd(r.amount))  # type: ignore[attr-defined]
        for r in led.records("funding_rounds")
        if r.company == entity and str(r.date)[:7] == month  # type: ignore[attr-defined]
    ]
    last_of_all = max(max(m) for m in streams.values())
    if burn_after is not None and month > last_of_all:
        return [*out, ("burn_after", -burn_after)]
    for stream, by_month in streams.items():
        first, last = min(by_month), max(by_month)
        if month <= last:
            out.append((stream, by_month.get(month, 0.0)))
        else:
            out.append((stream, sum(by_month.values()) / _span(first, last)))
    return out


def gross(money: Sequence[tuple[str, float]]) -> tuple[float, float]:
    """Money in and money out of a month's (stream, signed dollars)."""
    return (
        sum(v for _, v in money if v > 0),
        sum(-v for _, v in money if v < 0),
    )


def scaled(money: list[tuple[str, float]], stream: str, by: float) -> list[tuple[str, float]]:
    return [(s, v * by if s == stream else v) for s, v in money]


def path_of(table: ac.Comparison, name: str) -> pd.DataFrame:
    return (
        table.path(name).assign(month=lambda f: f["month"].dt.strftime("%Y-%m")).set_index("month")
    )


def check_adds_up(path: pd.DataFrame) -> None:
    money_in, money_out, net, opening, closing = (
        path[c].to_numpy(np.float64) for c in ("inflows", "outflows", "net", "opening", "closing")
    )
    assert (money_in >= 0).all()
    assert (money_out >= 0).all()
    scale = 1 + np.maximum(money_in, money_out)
    assert (np.abs(money_in - money_out - net) <= 1e-9 * scale).all()
    drift = np.abs(opening + net - closing)
    assert (drift <= 1e-9 * (1 + np.abs(opening) + np.abs(net))).all()


# --- a scenario without adjustments: the runway's path, to the bit --------------------------


@pytest.mark.parametrize("policy", ["disbursed", "committed", "arrears"])
def test_a_scenario_without_adjustments_has_the_runways_path(
    two: ac.Ledger, companies: ac.Ledger, policy: Any
) -> None:
    """Compared with ac.runway on the same ledger and as_of, a scenario without adjustments
    has the same path (inflows and outflows included: they were the net's parts); so has a
    scenario of flows-table adjustments only against the runway given them."""
    cases = [
        (two, entity, as_of, after)
        for entity in ("acme", "bolt")
        for as_of in ("2024-01", "2024-02", "2024-03")
        for after in (None, 7e6, -2e6, {"compute": 1e6})
    ]
    cases += [
        (companies, entity, as_of, None)
        for entity in ("acme", "bolt", "cole")
        for as_of in ("2023-10", "2023-11", "2024-02")
    ]
    for led, entity, as_of, after in cases:
        kw: dict[str, Any] = {"as_of": as_of, "policy": policy, "burn_after": after}
        table = ac.compare(led, entity, [ac.Scenario("base")], **kw)
        expected = ac.runway(led, entity, **kw).path
        pd.testing.assert_frame_equal(table.path("base"), expected, check_exact=True)
    # flows-table adjustments (a record left out, money added) alike
    changes: list[Any] = [
        ac.Exclude(["acme-sales-2"]),
        ac.AddFlow("acme", "2024-04", 3e6, "a refund", category="compute"),
        ac.AddFlow("acme", "2024-05", -4e6, "a fine"),
    ]
    for as_of in ("2024-01", "2024-03"):
        table = ac.compare(two, "acme", [ac.Scenario("x", changes)], as_of, policy=policy)
        expected = ac.runway(two, "acme", as_of, policy=policy, adjust=changes).path
        pd.testing.assert_frame_equal(table.path("x"), expected, check_exact=True)


# --- money in and out with adjustments, from the records ------------------------------------


def test_scenario_paths_show_money_in_and_money_out(two: ac.Ledger) -> None:
    """Each path's inflows and outflows are the money in and out the records and the scenario's
    adjustments give, month by month; the net and the cash as before."""
    scenarios = [
        ac.Scenario("base"),
        ac.Scenario(
            "in-and-out",
            [
                ac.add_flow(amount="$2M", kind="funding", start="2024-04"),
                ac.add_flow(
                    amount="$3M", kind="expenses", category="opex", start="2024-04", end="2024-05"
                ),
                ac.add_flow(amount=-4e6, start="2024-06"),  # kind None: its sign says
                ac.add_flow(amount=0.5e6, start="2024-05"),
            ],
        ),
        ac.Scenario("removed", [ac.remove("acme-sales-2")]),
        ac.Scenario(
            "scaled",
            [
                ac.AddFlow("acme", "2024-03", 2e6, "a compute refund", category="compute"),
                ac.scale(category="compute", by=0.5, start="2024-03"),
                ac.add_flow(amount="$1M", kind="expenses", category="compute", start="2024-04"),
                ac.cut_headcount(share=0.25, start="2024-04"),
            ],
        ),
    ]
    table = ac.compare(two, "acme", scenarios, "2024-01")
    base, added, removed, scaled_path = (path_of(table, s.name) for s in scenarios)
    assert list(base.index[:5]) == MONTHS
    for month in MONTHS:
        money = items(two, "acme", month)
        assert tuple(base.loc[month, ["inflows", "outflows"]]) == pytest.approx(gross(money))
        # money added: funding in (April), an expense spread over April and May (out), a
        # signed amount by its sign: -4M out in June, 0.5M in in May
        extra = {
            "2024-04": [("funding", 2e6), ("opex", -1.5e6)],
            "2024-05": [("opex", -1.5e6), ("other_flows", 0.5e6)],
            "2024-06": [("other_flows", -4e6)],
        }.get(month, [])
        row = added.loc[month]
        assert (row["inflows"], row["outflows"]) == pytest.approx(gross(money + extra))
        # a record left out: its money gone, the run rate past the records from what is left
        row = removed.loc[month]
        assert (row["inflows"], row["outflows"]) == pytest.approx(
            gross(items(two, "acme", month, removed=["acme-sales-2"]))
        )
        # a refund in compute (money in) and compute's spending, halved from March together;
        # $1M of compute in April after the factor (not halved); payroll cut by a quarter from
        # April
        halved = money + ([("compute", 2e6)] if month == "2024-03" else [])
        if month >= "2024-03":
            halved = scaled(halved, "compute", 0.5)
        if month >= "2024-04":
            halved = scaled(halved, "payroll", 0.75)
        if month == "2024-04":
            halved.append(("compute", -1e6))
        row = scaled_path.loc[month]
        assert (row["inflows"], row["outflows"]) == pytest.approx(gross(halved))
    for path in (base, added, removed, scaled_path):
        check_adds_up(path)
    # the figures the records give, written out: February 1M in (revenue), 6M out (compute 5M,
    # payroll 1M); March's round and revenue in
    assert tuple(base.loc["2024-02", ["inflows", "outflows", "net"]]) == (1e6, 6e6, -5e6)
    assert tuple(base.loc["2024-03", ["inflows", "outflows"]]) == (31.5e6, 9e6)
    assert tuple(removed.loc["2024-02", ["inflows", "outflows"]]) == (0.0, 6e6)
    # March with the refund, halved: in 1M + 1.5M + 30M, out 3M + 1M + 2M
    assert tuple(scaled_path.loc["2024-03", ["inflows", "outflows"]]) == (32.5e6, 6e6)


def test_scenario_paths_with_bills_and_burn_after(two: ac.Ledger) -> None:
    """Bills paid (policy arrears, or ac.pay) are money out; a net burn_after is money out past
    the records (money in when negative), and the streams a scenario scales are its own."""
    # policy arrears: Bolt's unpaid $2M bill paid in as_of's month (February), out
    table = ac.compare(
        two,
        "bolt",
        [ac.Scenario("base"), ac.Scenario("half", [ac.scale(category="compute", by=0.5)])],
        "2024-02",
        policy="arrears",
    )
    bill = usd(two["bolt-bill"].billed)  # type: ignore[attr-defined]
    feb = items(two, "bolt", "2024-02")
    assert tuple(path_of(table, "base").loc["2024-02", ["inflows", "outflows"]]) == (
        pytest.approx(gross([*feb, ("arrears", -bill)]))
    )
    assert tuple(path_of(table, "half").loc["2024-02", ["inflows", "outflows"]]) == (
        pytest.approx(gross([*scaled(feb, "compute", 0.5), ("arrears", -bill)]))
    )
    # ac.pay under policy disbursed: paid in March, out; forgiven under arrears: never paid
    table = ac.compare(
        two,
        "bolt",
        [ac.Scenario("pay", [ac.pay("bolt", on="2024-03")])],
        "2024-01",
    )
    mar = items(two, "bolt", "2024-03")
    assert tuple(path_of(table, "pay").loc["2024-03", ["inflows", "outflows"]]) == (
        pytest.approx(gross([*mar, ("arrears", -bill)]))
    )
    table = ac.compare(
        two, "bolt", [ac.Scenario("forgive", [ac.forgive("bolt")])], "2024-02", policy="arrears"
    )
    assert tuple(path_of(table, "forgive").loc["2024-02", ["inflows", "outflows"]]) == (
        pytest.approx(gross(feb))
    )
    # burn_after: past Acme's last record (March), the net burn alone, by its sign; a scaled
    # stream of the records changes the recorded months only
    for after in (7e6, -7e6):
        table = ac.compare(
            two,
            "acme",
            [ac.Scenario("base"), ac.Scenario("more", [ac.scale(category="compute", by=2)])],
            "2024-01",
            burn_after=after,
        )
        for name, by in (("base", 1.0), ("more", 2.0)):
            path = path_of(table, name)
            for month in MONTHS:
                money = scaled(items(two, "acme", month, burn_after=after), "compute", by)
                row = path.loc[month]
                assert (row["inflows"], row["outflows"]) == pytest.approx(gross(money)), month
            assert tuple(path.loc["2024-04", ["inflows", "outflows"]]) == (
                (0.0, 7e6) if after > 0 else (7e6, 0.0)
            )
            check_adds_up(path)


def test_two_companies_each_as_its_records_give(two: ac.Ledger) -> None:
    """Both companies, each with money added in and out: every month of each path as its own
    records and adjustments give."""
    for entity in ("acme", "bolt"):
        scenario = ac.Scenario(
            "both",
            [
                ac.add_flow(amount="$5M", kind="revenues", start="2024-03"),
                ac.add_flow(amount="$2M", kind="expenses", category="compute", start="2024-05"),
            ],
        )
        path = path_of(ac.compare(two, entity, [scenario], "2024-01"), "both")
        for month in MONTHS:
            extra = {"2024-03": [("revenue", 5e6)], "2024-05": [("compute", -2e6)]}.get(month, [])
            row = path.loc[month]
            assert (row["inflows"], row["outflows"]) == pytest.approx(
                gross(items(two, entity, month) + extra)
            ), (entity, month)
        check_adds_up(path)


# --- whatever the adjustments: the path adds up -----------------------------------------------

_MONTH = st.sampled_from([f"2023-{m:02d}" for m in range(9, 13)] + ["2024-01", "2024-03"])
_MILLIONS = st.integers(1, 20).map(lambda m: m * 1e6)

_ACME_ADJUSTMENTS = st.one_of(
    st.builds(
        lambda c, by, start: ac.scale(category=c, by=by, start=start),
        st.sampled_from([None, "compute", "opex", "payroll", "revenue"]),
        st.floats(0, 3),
        _MONTH,
    ),
    st.builds(lambda r, start: ac.growth(rate=r, start=start), st.floats(-0.5, 0.5), _MONTH),
    st.builds(lambda s: ac.cut_headcount(share=s), st.floats(0, 1)),
    st.builds(
        lambda a, sign, start: ac.add_flow(amount=a * sign, start=start),
        _MILLIONS,
        st.sampled_from([1.0, -1.0]),
        _MONTH,
    ),
    st.builds(
        lambda a, kind, start, end: ac.add_flow(
            amount=f"${a / 1e6:g}M",
            kind=kind,
            category="compute" if kind == "expenses" else None,
            start=start,
            end=end,
        ),
        _MILLIONS,
        st.sampled_from(["revenues", "expenses", "funding"]),
        _MONTH,
        st.sampled_from([None, "2024-06"]),
    ),
    st.builds(lambda r: ac.remove(r), st.sampled_from(["acme-opex", "acme-compute"])),
    st.builds(
        lambda month, a, c: ac.AddFlow("acme", month, a, "added", category=c),
        _MONTH,
        st.integers(-10, 10).map(lambda m: m * 1e6),
        st.sampled_from(["other", "compute", "revenue"]),
    ),
    st.just(ac.disburse("acme-round", on="2023-11")),
    st.just(ac.delay("acme-round", months=2)),
)

#: What changes Acme's revenue (the revenue property holds without it).
_TOUCH_REVENUE = ("growth", "every category", "revenue")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    policy=st.sampled_from(["disbursed", "committed", "arrears"]),
    as_of=st.sampled_from(["2023-10", "2023-11", "2024-02"]),
    adjustments=st.lists(_ACME_ADJUSTMENTS, max_size=5),
    burn_after=st.one_of(
        st.none(),
        st.integers(-5, 5).map(lambda m: m * 1e6),
        st.fixed_dictionaries({"compute": st.integers(0, 5).map(lambda m: m * 1e6)}),
    ),
)
def test_scenario_paths_add_up(
    companies: ac.Ledger,
    policy: Any,
    as_of: str,
    adjustments: list[Any],
    burn_after: Any,
) -> None:
    """Whatever the adjustments: money in and money out are never negative, their difference is
    the net and the closing cash the opening cash plus the net, every month; Acme's revenue
    (recorded, then at its run rate) is money in every month unless an adjustment changes it or
    a net burn_after stands for every stream."""
    scenario = ac.Scenario("x", adjustments)
    table = ac.compare(
        companies,
        "acme",
        [scenario],
        as_of,
        policy=policy,
        burn_after=burn_after,
    )
    path = table.path("x")
    assert len(path)
    check_adds_up(path)
    said = " ".join(a.describe() for a in adjustments)
    if not isinstance(burn_after, float) and not any(w in said for w in _TOUCH_REVENUE):
        revenue = usd(companies["acme-sales"].rate.per_month())  # type: ignore[attr-defined]
        assert (path["inflows"].to_numpy() >= revenue - 1e-6).all()
