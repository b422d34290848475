"""Invariants of the runway and of the scenarios on random small ledgers (hypothesis): companies
with one or two reports of their cash (the same date from two sources: a conflict), spending
and revenue at rates, and funding rounds whose tranches are disbursed, committed or cancelled,
dated before or after the balance.

- every end is ordered: ``months_low <= months <= months_high``, under every policy (and
  conflicts policy, and ``burn_after``);
- more money in never shortens a runway, at any end: money added (``extra_flows``), a round
  disbursed (a record), a revenue doubled, a committed tranche received, and policy
  ``committed`` against ``disbursed`` (it counts the committed tranches too); policy
  ``arrears`` (unpaid cloud bills paid at ``as_of``) never lengthens one;
- every committed tranche dated on or before the balance is named in the assumptions, once
  per date (several investors' parts of one tranche are one sentence);
- a scenario leaving out a cash report gives what ``runway(exclude=...)`` gives;
- Monte Carlo: with the ranges sampled and no driver every path lies between the runway's
  ends (``months_low`` and ``months_high``, within the simulation's 0.01-month bins), its
  percentiles ordered; with the base figures every path is the runway.

Bounded: a fixed number of derandomised examples (``AICAPEX_FUZZ=500`` runs more, fresh).
"""

from __future__ import annotations

import itertools
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac
from aicapex import LedgerError

EXAMPLES = int(os.environ.get("AICAPEX_FUZZ", "0")) or 15
PROPERTY = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize="AICAPEX_FUZZ" not in os.environ,
    database=None,
)

CASH = ["$20M", "$5M to $8M", "about $10M", "less than $4M", "$30M", "$2M"]
BALANCE_DATES = ["2023-12", "2024-01-15", "2024-03"]
TRANCHE_DATES = ["2023-10", "2024-01-10", "2024-02", "2024-03", "2024-05-20", "2024-09", "2025"]
STATUSES = ["disbursed", "committed", "cancelled"]
CATEGORIES = ["compute", "payroll", "opex"]
ENDS = ("months", "months_low", "months_high")
POLICIES = ("disbursed", "committed", "arrears")

tranche = st.tuples(st.integers(1, 9), st.sampled_from(STATUSES), st.sampled_from(TRANCHE_DATES))
company = st.fixed_dictionaries(
    {
        "cash": st.tuples(st.sampled_from(CASH), st.sampled_from(BALANCE_DATES)),
        "other_report": st.none() | st.sampled_from(CASH),
        "expenses": st.lists(
            st.tuples(st.sampled_from(CATEGORIES), st.integers(1, 30), st.booleans()),
            min_size=1,
            max_size=3,
        ),
        "revenues": st.lists(st.tuples(st.integers(1, 15), st.booleans()), max_size=2),
        "rounds": st.lists(st.lists(tranche, min_size=1, max_size=3), max_size=2),
        "bill": st.none()
        | st.tuples(
            st.sampled_from(["$4M", "about $4M", "$3M to $5M"]),
            st.sampled_from(["2023-11-15", "2024-02-29", "2024-05-10"]),
        ),
    }
)


def _money(tenths: int, spread: bool, per: str = "") -> str:
    """``$1.2M`` (``tenths`` of a million), or a range ``$1.2M to $1.7M`` when ``spread``."""
    base = f"${tenths / 10:g}M"
    return f"{base} to ${(tenths + 5) / 10:g}M{per}" if spread else f"{base}{per}"


def ledger_text(companies: list[dict[str, Any]], extra: str = "") -> str:
    """The ledger of ``companies`` (``extra``: rounds appended to the funding rounds)."""
    lines = [
        "aicapex: 1",
        "sources:",
        "- {id: s-old, outlet: Example, title: Old, date: 2025-01}",
        "- {id: s-new, outlet: Example, title: New, date: 2025-03}",
        "entities:",
        "- {id: inv, name: Inv, type: investor}",
        "- {id: aws, name: AWS, type: cloud_provider}",
        *(f"- {{id: c{i}, name: C{i}, type: company}}" for i in range(len(companies))),
    ]
    cash, expenses, revenues, rounds, bills = [], [], [], [], []
    for i, c in enumerate(companies):
        amount, date = c["cash"]
        cash.append(
            f"- {{id: b{i}, sources: [s-new], company: c{i}, date: {date}, amount: {amount}}}"
        )
        if c["other_report"] is not None:  # the same fact from an older source
            cash.append(
                f"- {{id: b{i}-old, sources: [s-old], company: c{i}, date: {date}, "
                f"amount: {c['other_report']}}}"
            )
        for k, (category, tenths, spread) in enumerate(c["expenses"]):
            rate = _money(tenths, spread, "/month")
            expenses.append(
                f"- {{id: x{i}-{k}, sources: [s-new], company: c{i}, category: {category}, "
                f"rate: {rate}, date: 2023-10, until: 2024-02}}"
            )
        for k, (tenths, spread) in enumerate(c["revenues"]):
            rate = _money(tenths, spread, "/month")
            revenues.append(
                f"- {{id: r{i}-{k}, sources: [s-new], company: c{i}, rate: {rate}, "
                "date: 2023-10, until: 2024-02}"
            )
        for k, parts in enumerate(c["rounds"]):
            rounds.append(_round(f"f{i}-{k}", f"c{i}", parts))
        if c.get("bill") is not None:  # unpaid but $1M
            billed, due = c["bill"]
            bills.append(
                f"- {{id: bill{i}, sources: [s-new], payer: c{i}, provider: aws, period: 2023-10, "
                f"billed: {billed}, due: {due}, payments: [{{date: 2023-12-01, amount: $1M}}]}}"
            )
    for name, rows in (
        ("cash_balances", cash),
        ("expenses", expenses),
        ("revenues", revenues),
        ("funding_rounds", [*rounds, extra] if extra else rounds),
        ("cloud_bills", bills),
    ):
        if rows:
            lines += [f"{name}:", *rows]
    return "\n".join(lines) + "\n"


def _round(round_id: str, company_id: str, parts: list[tuple[int, str, str]]) -> str:
    """A round of ``parts`` (millions, status, date), its amount their sum."""
    tranches = "\n".join(
        f"  - {{amount: ${m}M, status: {status}, date: {date}}}" for m, status, date in parts
    )
    return (
        f"- id: {round_id}\n  sources: [s-new]\n  company: {company_id}\n  date: 2023-10\n"
        f"  status: committed\n  amount: ${sum(m for m, _, _ in parts)}M\n"
        f"  investors: [{{investor: inv}}]\n  tranches:\n{tranches}"
    )


def load(text: str) -> ac.Ledger:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.yaml"
        path.write_text(text, encoding="utf-8")
        return ac.load(path)


def at_least(more: Any, less: Any, where: str) -> None:
    """Every end of ``more`` at least that of ``less`` (rows of runway frames)."""
    for column in ENDS:
        a, b = float(more[column]), float(less[column])
        assert a >= b - 1e-9 or (math.isinf(a) and a > 0), (where, column, a, b)


def ordered(row: Any, where: str) -> None:
    low, base, high = (float(row[c]) for c in ("months_low", "months", "months_high"))
    assert low <= base + 1e-9, (where, low, base)
    assert base <= high + 1e-9, (where, base, high)


@PROPERTY
@given(
    st.lists(company, min_size=1, max_size=2),
    st.sampled_from([None, "2024-02", "2024-06"]),
    st.sampled_from(["latest", "earliest", "all"]),
    st.sampled_from([None, 1e6, {"compute": 2e6}]),
)
def test_ends_are_ordered_and_money_in_never_shortens(
    companies: list[dict[str, Any]], as_of: str | None, conflicts: Any, burn_after: Any
) -> None:
    led = load(ledger_text(companies))
    kw: dict[str, Any] = {"as_of": as_of, "conflicts": conflicts, "burn_after": burn_after}
    if as_of == "2024-02" and all(c["cash"][1] == "2024-03" for c in companies):
        return  # no balance by as_of (runways says so)
    every = ac.runways(led, **kw)
    for policy, r in every.items():
        for row in r.frame.itertuples():
            ordered(row._asdict(), f"{policy} {row.entity}")
    by = {p: r.frame.set_index("entity") for p, r in every.items()}
    for entity in by["disbursed"].index:
        # policy committed counts the committed tranches as well: never shorter; policy
        # arrears pays the bills unpaid at as_of as well: never longer
        at_least(by["committed"].loc[entity], by["disbursed"].loc[entity], f"{entity} committed")
        at_least(by["disbursed"].loc[entity], by["arrears"].loc[entity], f"{entity} arrears")
        for policy in POLICIES:
            # (alone, as_of None is the entity's own latest balance, not every entity's)
            plain = ac.runway(led, str(entity), policy=policy, **kw).frame.iloc[0]
            ordered(plain, f"{policy} {entity} alone")
            for month in ("2024-02", "2024-06", "2025-03"):
                more = ac.runway(
                    led, str(entity), policy=policy, extra_flows=[(month, 3e6, "more")], **kw
                ).frame.iloc[0]
                at_least(more, plain, f"{entity} {policy} +$3M in {month}")


@PROPERTY
@given(
    st.lists(company, min_size=1, max_size=2),
    st.integers(1, 9),
    st.sampled_from(TRANCHE_DATES),
    st.sampled_from(POLICIES),
)
def test_more_money_in_the_records_never_shortens(
    companies: list[dict[str, Any]], millions: int, date: str, policy: str
) -> None:
    text = ledger_text(companies)
    plain = ac.runway(load(text), policy=policy).frame.set_index("entity")
    # a round disbursed on any date (before the balance: in it already, nothing changes)
    extra = _round("f-extra", "c0", [(millions, "disbursed", date)])
    more = ac.runway(load(ledger_text(companies, extra)), policy=policy).frame.set_index("entity")
    at_least(more.loc["c0"], plain.loc["c0"], f"round of ${millions}M on {date}")
    if len(plain) > 1:  # another company's round changes nothing of c1's
        for column in ENDS:
            assert more.loc["c1", column] == plain.loc["c1", column]
    # a revenue doubled (its run rate past the records too)
    first = companies[0]
    if first["revenues"]:
        doubled = [dict(first, revenues=[(2 * t, s) for t, s in first["revenues"]])]
        richer = ac.runway(load(ledger_text(doubled + companies[1:])), policy=policy)
        at_least(richer.frame.set_index("entity").loc["c0"], plain.loc["c0"], "revenue doubled")
    # a committed tranche received on its date
    rounds = first["rounds"]
    if any(status == "committed" for parts in rounds for _, status, _ in parts):
        received = [
            [(m, "disbursed" if s == "committed" else s, d) for m, s, d in parts]
            for parts in rounds
        ]
        changed = [dict(first, rounds=received), *companies[1:]]
        got = ac.runway(load(ledger_text(changed)), policy=policy).frame.set_index("entity")
        at_least(got.loc["c0"], plain.loc["c0"], "committed tranches received")
        if policy == "committed":  # received on its date is what 'committed' counted
            for column in ENDS:
                assert got.loc["c0", column] == pytest.approx(plain.loc["c0", column])


@PROPERTY
@given(st.lists(company, min_size=1, max_size=2), st.sampled_from(POLICIES))
def test_committed_tranches_before_the_balance_are_named(
    companies: list[dict[str, Any]], policy: str
) -> None:
    led = load(ledger_text(companies))
    r = ac.runway(led, policy=policy)  # type: ignore[arg-type]
    said = [a for a in r.assumptions if ": tranche of " in a]
    expected = 0
    days = led.flows()
    for i, c in enumerate(companies):
        balance_day = ac.runway(led, f"c{i}").frame["balance_date"].item()
        for k in range(len(c["rounds"])):
            rows = days[
                (days["record"].astype("object") == f"f{i}-{k}").to_numpy()
                & (days["entity"].astype("object") == f"c{i}").to_numpy()
                & (days["status"].astype("object") == "committed").to_numpy()
            ]
            for day in sorted(set(rows["date"][rows["date"] <= balance_day])):
                expected += 1
                when = day.date().isoformat()
                assert any(
                    a.startswith(f"c{i}: tranche of f{i}-{k} (") and f"committed on {when}," in a
                    for a in said
                ), (f"f{i}-{k}", when, said)
    assert len(said) == expected, said


@PROPERTY
@given(st.lists(company, min_size=1, max_size=2), st.sampled_from(["latest", "earliest", "all"]))
def test_a_scenario_leaving_a_cash_report_out_is_the_runway_excluding_it(
    companies: list[dict[str, Any]], conflicts: str
) -> None:
    led = load(ledger_text(companies))
    for i, c in enumerate(companies):
        reports = [f"b{i}"] + ([f"b{i}-old"] if c["other_report"] is not None else [])
        for left_out in reports:
            if len(reports) == 1:
                with pytest.raises(ValueError, match="no cash balance"):
                    ac.runway(led, f"c{i}", exclude=[left_out], conflicts=conflicts)  # type: ignore[arg-type]
                continue
            want = ac.runway(
                led,
                f"c{i}",
                exclude=[left_out],
                conflicts=conflicts,  # type: ignore[arg-type]
            ).frame.iloc[0]
            for adjustment in (ac.Exclude([left_out]), ac.remove(left_out)):
                got = ac.compare(
                    led,
                    f"c{i}",
                    [ac.Scenario("x", [adjustment])],
                    conflicts=conflicts,  # type: ignore[arg-type]
                ).frame.iloc[0]
                for column in ENDS:
                    assert got[column] == pytest.approx(want[column]), (left_out, column)


@PROPERTY
@given(
    st.lists(company, min_size=1, max_size=1),
    st.sampled_from(POLICIES),
    st.integers(0, 2**32 - 1),
)
def test_monte_carlo_paths_lie_between_the_runways_ends(
    companies: list[dict[str, Any]], policy: str, seed: int
) -> None:
    led = load(ledger_text(companies))
    horizon = 60
    r = ac.runway(led, "c0", policy=policy, horizon=horizon).frame.iloc[0]  # type: ignore[arg-type]
    low, base, high = (float(r[c]) for c in ("months_low", "months", "months_high"))
    sim = ac.simulate(led, "c0", n=400, seed=seed, horizon=horizon, policy=policy)  # type: ignore[arg-type]
    q = sim.months((0.0, 0.05, 0.5, 0.95, 1.0)).to_numpy()
    assert all(a <= b for a, b in itertools.pairwise(q)), q
    bin_ = 0.01  # the simulation reads months in bins of 0.01 month
    assert q[0] >= low - bin_, (q, low)
    assert q[-1] <= high + bin_ or math.isinf(high), (q, high)
    fixed = ac.simulate(led, "c0", n=20, seed=seed, horizon=horizon, policy=policy, ranges="base")  # type: ignore[arg-type]
    for value in fixed.months().to_numpy():
        assert value == pytest.approx(base, abs=bin_) or (math.isinf(value) and math.isinf(base))


def test_the_generator_makes_valid_ledgers() -> None:
    # one of every shape: it loads (a refusal would make the properties above vacuous)
    companies = [
        {
            "cash": ("$5M to $8M", "2024-01-15"),
            "other_report": "about $10M",
            "expenses": [("compute", 12, True), ("payroll", 8, False)],
            "revenues": [(3, True)],
            "rounds": [[(2, s, d) for s, d in zip(STATUSES, TRANCHE_DATES, strict=False)]],
            "bill": ("about $4M", "2024-02-29"),
        }
    ]
    try:
        led = load(ledger_text(companies, _round("f-extra", "c0", [(1, "disbursed", "2024-05")])))
    except LedgerError as exc:  # pragma: no cover - a failure says why
        pytest.fail(str(exc))
    assert len(led.frame("cash_balances")) == 2
    assert ac.runway(led, "c0", policy="committed").frame["balance_record"].item() == "b0"
