"""Tests for aicapex.analysis.runway: months of cash left and the cash-out date.

Expected figures are derived from the bundled ledger's records: about $4M of cash in October
2023 against a net burn of ($99M + $54M - $11M) / 12 a month.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac
from aicapex.analysis.runway import POLICIES, Runway, runway

LedgerText = Callable[..., Path]

ENTITY = "stability-ai"
AS_OF = "2023-10"

TWO_COMPANIES = """
sources:
- id: s1
  outlet: Example
  title: A report
  date: 2024-04
entities:
- id: acme
  name: Acme AI
  type: company
- id: bolt
  name: Bolt AI
  type: company
funding_rounds:
- {id: acme-round, company: acme, date: 2023-10-20, amount: $10M, sources: [s1]}
expenses:
- {id: acme-spend, company: acme, category: opex, rate: $1M/month, date: 2023, sources: [s1]}
- {id: bolt-spend, company: bolt, category: opex, rate: $2M/month, date: 2023, sources: [s1]}
cash_balances:
- {id: acme-cash, company: acme, date: 2023-10-10, amount: $1M, sources: [s1]}
- {id: bolt-cash, company: bolt, date: 2023-10-10, amount: $5M, sources: [s1]}
"""


def usd(money: ac.Money) -> float:
    return float(money.amount)


@pytest.fixture(scope="module")
def burn_per_month(bundled: ac.Ledger) -> float:
    """Net burn a month in 2023, from the records."""
    compute = bundled["stability-compute-2023"].rate.per_month()  # type: ignore[attr-defined]
    opex = bundled["stability-payroll-opex-2023"].rate.per_month()  # type: ignore[attr-defined]
    revenue = bundled["stability-revenue-2023"].amount  # type: ignore[attr-defined]
    return usd(compute) + usd(opex) - usd(revenue) / 12


@pytest.fixture(scope="module")
def balance(bundled: ac.Ledger) -> ac.CashBalance:
    return bundled["stability-cash-2023-10"]  # type: ignore[return-value]


@pytest.fixture(scope="module")
def base(bundled: ac.Ledger) -> Runway:
    return runway(bundled, ENTITY, as_of=AS_OF)


@pytest.fixture(scope="module")
def table(bundled: ac.Ledger) -> pd.DataFrame:
    return bundled.flows()


def intel_disbursed(led: ac.Ledger) -> float:
    round_ = led["stability-2023-intel"]
    amounts = [usd(t.amount) for t in round_.tranches if t.status is ac.TrancheStatus.disbursed]  # type: ignore[attr-defined]
    assert len(amounts) == 1
    return amounts[0]


def intel_committed(led: ac.Ledger) -> float:
    round_ = led["stability-2023-intel"]
    return sum(usd(t.amount) for t in round_.tranches if t.status is ac.TrancheStatus.committed)  # type: ignore[attr-defined]


# --- October 2023 --------------------------------------------------------------------------


def test_months_from_the_october_balance(
    base: Runway, balance: ac.CashBalance, burn_per_month: float
) -> None:
    assert burn_per_month == pytest.approx((99e6 + 54e6 - 11e6) / 12)
    expected = usd(balance.amount) / burn_per_month
    assert base.months == pytest.approx(expected, rel=1e-6)
    assert round(base.months, 2) == 0.34
    assert base.bound == "exact"
    assert (base.policy, base.as_of) == ("disbursed", AS_OF)


def test_cash_out_inside_november(base: Runway) -> None:
    assert base.cash_out is not None
    assert pd.Timestamp("2023-11-01") <= base.cash_out < pd.Timestamp("2023-12-01")
    expected = pd.Timestamp("2023-11-01") + pd.Timedelta(days=30 * base.months)
    assert base.cash_out == expected.floor("D")  # a date: the day the cash runs out


def test_the_table_row(base: Runway, balance: ac.CashBalance, burn_per_month: float) -> None:
    row = base.frame.iloc[0]
    assert len(base.frame) == 1
    assert row["entity"] == ENTITY
    assert row["balance_record"] == balance.id
    assert row["balance_date"] == pd.Timestamp(balance.date.sort_key()[1])
    assert row["balance_usd"] == row["start_cash"] == usd(balance.amount)
    assert row["last_recorded_month"] == pd.Timestamp("2023-12-01")
    assert row["burn_after"] == pytest.approx(burn_per_month, rel=1e-9)


def test_explain_shows_the_path_and_the_assumptions(
    bundled: ac.Ledger, base: Runway, balance: ac.CashBalance, burn_per_month: float
) -> None:
    path = base.explain()
    columns = [
        "entity",
        "month",
        "opening",
        "inflows",
        "outflows",
        "net",
        "closing",
        "basis",
        "after_as_of",
        "assumed",
    ]
    assert list(path.columns) == columns
    assert path["month"].tolist() == [pd.Timestamp("2023-11-01")]  # up to the cash-out month
    first = path.iloc[0]
    assert first["opening"] == usd(balance.amount)
    assert first["net"] == pytest.approx(-burn_per_month, abs=0.01)
    # money in (revenue) and money out (compute, opex), not the net's parts
    spent = [bundled[f"stability-{x}-2023"] for x in ("compute", "payroll-opex")]
    spending = [e.rate.per_month() for e in spent]  # type: ignore[attr-defined]
    revenue = usd(bundled["stability-revenue-2023"].amount) / 12  # type: ignore[attr-defined]
    assert first["outflows"] == pytest.approx(sum(usd(m) for m in spending), abs=0.01)
    assert first["inflows"] == pytest.approx(revenue, abs=0.01)
    assert first["inflows"] - first["outflows"] == pytest.approx(first["net"])
    assert first["closing"] == pytest.approx(first["opening"] + first["net"])
    assert first["closing"] < 0
    assert first["basis"] == "recorded"
    assert not path.attrs  # no per-frame metadata to deep-copy: the result holds it
    assert any("trailing 12-month mean" in a for a in base.assumptions)
    assert any("last cash balance" in a for a in base.assumptions)
    assert base.records_of(ENTITY) == list(base.records)
    assert isinstance(base.records, pd.Index)
    pd.testing.assert_frame_equal(base.explain(ENTITY), path)


def test_records_used(bundled: ac.Ledger, base: Runway, balance: ac.CashBalance) -> None:
    used = set(base.records)
    assert balance.id in used
    spent = {"stability-compute-2023", "stability-payroll-opex-2023", "stability-revenue-2023"}
    assert spent <= used
    # not the other report of the balance, a part of another record, a plan or old funding
    for unused in (
        "stability-cash-2023-10-upper",
        "stability-external-project-compute",
        "stability-gpu-resale-plan-2024",
        "stability-2022-round",
    ):
        assert unused not in used, unused
    assert all(r in bundled for r in used)


def test_to_dict_is_json_ready(base: Runway) -> None:
    data = json.loads(base.to_json())
    assert {"analysis", "as_of", "policy", "rows", "assumptions", "records", "reason"} <= set(data)
    assert data["analysis"] == "runway"
    (entity,) = data["rows"]
    assert entity["months"] == round(base.months, 2) == data["months"]
    assert entity["runs_out"] is True
    assert entity["cash_out"] == "2023-11-11" == data["cash_out"]
    assert entity["balance_date"] == "2023-10-31"
    assert data["reason"] is None


# --- scenarios -----------------------------------------------------------------------------


def test_intel_tranche_received_in_october(
    bundled: ac.Ledger, balance: ac.CashBalance, burn_per_month: float
) -> None:
    tranche = intel_disbursed(bundled)
    assert tranche == 20e6
    r = runway(
        bundled,
        ENTITY,
        as_of=AS_OF,
        exclude=["stability-2023-intel"],
        extra_flows=[("2023-10", tranche, "Intel tranche")],
    )
    assert r.months == pytest.approx((usd(balance.amount) + tranche) / burn_per_month, rel=1e-6)
    assert round(r.months, 2) == 2.03
    assert r.frame["start_cash"].item() == usd(balance.amount) + tranche
    assert "stability-2023-intel" not in r.records
    assert any("stability-2023-intel" in a for a in r.assumptions)
    assert any("Intel tranche" in a for a in r.assumptions)
    assert r.cash_out is not None
    assert r.cash_out.to_period("M") == pd.Period("2024-01")
    # past December 2023 the burn is assumed, not recorded
    assert r.explain()["basis"].tolist() == ["recorded", "recorded", "assumed"]


def test_arrears_policy_pays_the_unpaid_bills_at_once(
    bundled: ac.Ledger, balance: ac.CashBalance
) -> None:
    unpaid = usd(ac.sum_money(b.unpaid for b in bundled.of_type(ac.CloudBill)))
    assert unpaid > usd(balance.amount)
    r = runway(bundled, ENTITY, as_of=AS_OF, policy="arrears")
    assert r.months == 0
    assert r.frame["start_cash"].item() == pytest.approx(usd(balance.amount) - unpaid)
    assert r.cash_out == pd.Timestamp("2023-10-31")
    assert any("arrears" in a for a in r.assumptions)


def test_committed_policy_counts_committed_tranches(
    bundled: ac.Ledger, base: Runway, burn_per_month: float
) -> None:
    # the tranches arrive at the end of 2023, after the October cash is gone
    assert runway(bundled, ENTITY, as_of=AS_OF, policy="committed").months == base.months
    # with $20M more in October the cash lasts into 2024 and the committed $30M counts
    more = [("2023-10", 20e6, "more cash")]
    disbursed = runway(bundled, ENTITY, as_of=AS_OF, extra_flows=more)
    committed = runway(bundled, ENTITY, as_of=AS_OF, extra_flows=more, policy="committed")
    assert disbursed.months > 3
    assert committed.months - disbursed.months == pytest.approx(
        intel_committed(bundled) / burn_per_month, rel=1e-9
    )
    assert any("committed" in a for a in committed.assumptions)


def test_burn_after_sets_the_burn_past_the_last_recorded_month(
    bundled: ac.Ledger, balance: ac.CashBalance, burn_per_month: float
) -> None:
    extra = 100e6
    more = [("2023-10", extra, "more cash")]
    # cash at the end of December: the balance and the extra, less two recorded months, plus
    # the tranche disbursed in December
    december = usd(balance.amount) + extra - 2 * burn_per_month + intel_disbursed(bundled)
    default = runway(bundled, ENTITY, as_of=AS_OF, extra_flows=more)
    assert default.months == pytest.approx(2 + december / burn_per_month, rel=1e-6)
    for b in (5e6, 30e6):
        r = runway(bundled, ENTITY, as_of=AS_OF, extra_flows=more, burn_after=b)
        assert r.months == pytest.approx(2 + december / b, rel=1e-6)
        assert r.frame["burn_after"].item() == b
        assert any(f"{b:,.0f} USD a month" in a for a in r.assumptions)
    never = runway(bundled, ENTITY, as_of=AS_OF, extra_flows=more, burn_after=0)
    assert never.months == math.inf
    assert never.cash_out is None
    assert len(never.explain()) == 240  # the whole horizon


def test_burn_after_does_not_change_recorded_months(bundled: ac.Ledger, base: Runway) -> None:
    assert runway(bundled, ENTITY, as_of=AS_OF, burn_after=1.0).months == base.months


# --- conflicting balances ------------------------------------------------------------------


def test_conflicting_balances(bundled: ac.Ledger, base: Runway) -> None:
    october = [b for b in bundled.of_type(ac.CashBalance) if str(b.date) == "2023-10"]
    assert len(october) == 2
    latest = max(october, key=lambda b: bundled.reported(b).sort_key())  # type: ignore[union-attr]
    earliest = min(october, key=lambda b: bundled.reported(b).sort_key())  # type: ignore[union-attr]
    assert latest.amount.kind == "exact"
    assert earliest.amount.kind == "upper"
    assert base.frame["balance_record"].item() == latest.id
    assert not any("starting cash is a bound" in a for a in base.assumptions)

    r = runway(bundled, ENTITY, as_of=AS_OF, conflicts="earliest")
    assert r.frame["balance_record"].item() == earliest.id
    assert r.bound == "upper"
    assert any("bound" in a and "at most" in a and earliest.id in a for a in r.assumptions)
    assert r.months == pytest.approx(usd(earliest.amount) / usd(latest.amount) * base.months)

    both = runway(bundled, ENTITY, as_of=AS_OF, conflicts="all")
    assert both.frame["balance_record"].item() == latest.id


# --- other sources of flows and cash -------------------------------------------------------


def test_a_flows_table_needs_cash(table: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="cash"):
        runway(table, ENTITY, as_of=AS_OF)


def test_a_flows_table_with_cash(table: pd.DataFrame, base: Runway) -> None:
    r = runway(table, ENTITY, as_of=AS_OF, cash={ENTITY: 4e6})
    assert r.months == base.months
    assert r.frame["balance_record"].item() == f"cash:{ENTITY}"
    with pytest.raises(ValueError, match="as_of"):
        runway(table, ENTITY, cash={ENTITY: 4e6})


def test_cash_frame_from_a_ledger(bundled: ac.Ledger, table: pd.DataFrame, base: Runway) -> None:
    r = runway(table, ENTITY, as_of=AS_OF, cash=bundled.frame("cash_balances"))
    pd.testing.assert_frame_equal(r.frame, base.frame)


def test_as_of_defaults_to_the_latest_balance(bundled: ac.Ledger, base: Runway) -> None:
    r = runway(bundled, ENTITY)
    assert r.as_of == "2023-10-31"
    assert r.months == base.months


# --- errors --------------------------------------------------------------------------------


def test_an_unknown_policy(bundled: ac.Ledger) -> None:
    with pytest.raises(ValueError, match="policy") as info:
        runway(bundled, ENTITY, as_of=AS_OF, policy="hopeful")  # type: ignore[arg-type]
    assert all(p in str(info.value) for p in POLICIES)


def test_no_balance_before_as_of(bundled: ac.Ledger) -> None:
    with pytest.raises(ValueError, match="no cash balance of 'stability-ai' at or before 2023-09"):
        runway(bundled, ENTITY, as_of="2023-09")


def test_one_figure_needs_one_entity(ledger_text: LedgerText) -> None:
    r = runway(ac.load(ledger_text(TWO_COMPANIES)), as_of="2023-10-31")
    assert r.frame["entity"].tolist() == ["acme", "bolt"]
    with pytest.raises(ValueError, match="2 entities"):
        _ = r.months
    assert len(r.explain("bolt")) > 0


def test_records_of_each_entity(ledger_text: LedgerText) -> None:
    r = runway(ac.load(ledger_text(TWO_COMPANIES)), as_of="2023-10-31")
    # its balance and the records of its counted flows after it (acme's round came in October)
    assert r.records_of("acme") == ["acme-cash", "acme-round", "acme-spend"]
    assert r.records_of("bolt") == ["bolt-cash", "bolt-spend"]
    assert list(r.records) == ["acme-cash", "acme-round", "acme-spend", "bolt-cash", "bolt-spend"]
    with pytest.raises(ValueError, match="no entity 'nobody'"):
        r.records_of("nobody")


def test_extra_flows_need_an_entity(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(TWO_COMPANIES))
    for when in ("2023-10", "2023-12"):  # at as_of or later: neither may go to every entity
        with pytest.raises(ValueError, match="entity"):
            runway(led, as_of="2023-10-31", extra_flows=[(when, 1e6, "x")])


# --- inline ledgers ------------------------------------------------------------------------


def test_flows_later_in_the_as_of_month_count(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(TWO_COMPANIES))
    # acme: $1M on October 10, $10M in on October 20, $1M out a month
    mid = runway(led, "acme", as_of="2023-10-15")
    end = runway(led, "acme", as_of="2023-10-31")
    # the cash at the end of the balance's month: the October 20 money is in it
    assert end.frame["start_cash"].item() == mid.frame["start_cash"].item() == 11e6
    assert end.months == 11
    # counted from the as_of day: October 15 leaves 16 of October's 31 days
    assert mid.months == pytest.approx(11 + 16 / 31)
    # bolt burns $2M a month from $5M (balance on October 10; November is the first month)
    assert runway(led, "bolt", as_of="2023-10-15").months == pytest.approx(2.5 + 16 / 31)
    assert runway(led, "bolt", as_of="2023-10").months == pytest.approx(2.5)


# --- monotonic (property) ------------------------------------------------------------------

_RUNWAY_SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@_RUNWAY_SETTINGS
@given(
    cash=st.floats(0, 5e8),
    month=st.integers(0, 36),
    amount=st.floats(0.01, 1e8),
    as_of=st.sampled_from(["2023-03", "2023-10", "2023-12", "2024-06"]),
    burn_after=st.none() | st.floats(-1e6, 5e7),
)
def test_more_money_in_never_shortens_the_runway(
    table: pd.DataFrame,
    cash: float,
    month: int,
    amount: float,
    as_of: str,
    burn_after: float | None,
) -> None:
    def months(**kw: object) -> float:
        return runway(
            table,
            ENTITY,
            as_of=as_of,
            cash={ENTITY: kw.pop("cash", cash)},
            burn_after=burn_after,
            **kw,  # type: ignore[arg-type]
        ).months

    base = months()
    when = str(pd.Period(as_of, "M") + month)
    assert months(extra_flows=[(when, amount, "inflow")]) >= base
    assert months(cash=cash + amount) >= base


@_RUNWAY_SETTINGS
@given(
    cash=st.floats(0, 5e8),
    as_of=st.sampled_from(["2023-03", "2023-10", "2023-12", "2024-06"]),
    low=st.floats(-1e6, 5e7),
    rise=st.floats(0.01, 5e7),
)
def test_a_higher_burn_after_never_lengthens_the_runway(
    table: pd.DataFrame, cash: float, as_of: str, low: float, rise: float
) -> None:
    def months(b: float) -> float:
        return runway(table, ENTITY, as_of=as_of, cash={ENTITY: cash}, burn_after=b).months

    assert months(low + rise) <= months(low)


def test_months_are_never_negative(table: pd.DataFrame) -> None:
    for cash in (0.0, 1.0, 4e6):
        r = runway(table, ENTITY, as_of=AS_OF, cash={ENTITY: cash})
        assert r.months >= 0
    assert np.isfinite(runway(table, ENTITY, as_of=AS_OF, cash={ENTITY: 0.0}).months)


def test_an_as_of_after_the_balance_rolls_the_cash_forward(bundled: ac.Ledger) -> None:
    """The cash ran out in November 2023: asked later, the runway is 0 and the date is real."""
    at_balance = runway(bundled, ENTITY, as_of=AS_OF)
    for later in ("2023-12", "2024-06", "2030-01"):
        r = runway(bundled, ENTITY, as_of=later)
        assert r.months == 0
        assert r.cash_out == at_balance.cash_out


def test_the_burn_past_the_records_is_each_entity_own(ledger_text: LedgerText) -> None:
    """An entity whose records start late is not averaged with months before its first record,
    and asking for all entities gives each the figure it gets alone."""
    led = ac.load(
        ledger_text(
            """
            entities:
            - {id: old, name: Old, type: company}
            - {id: new, name: New, type: company}
            expenses:
            - {id: old-pay, company: old, category: payroll, rate: $1M/month, date: 2022}
            - {id: new-pay, company: new, category: payroll, rate: $10M/month, date: 2023-10}
            cash_balances:
            - {id: old-cash, company: old, date: 2022-12, amount: $6M}
            - {id: new-cash, company: new, date: 2023-10, amount: $30M}
            """
        )
    )
    alone = runway(led, "new", as_of="2023-10")
    assert alone.frame["burn_after"].item() == pytest.approx(10e6)
    assert alone.months == pytest.approx(3)
    together = runway(led, as_of="2023-10").frame.set_index("entity")
    assert together.loc["new", "months"] == pytest.approx(alone.months)
    assert together.loc["old", "burn_after"] == pytest.approx(1e6)


@pytest.mark.parametrize("source", ["bundled", "companies"])
def test_runways_are_each_policys_runway(source: str, request: pytest.FixtureRequest) -> None:
    """``runways`` shares the work no policy changes: each policy's result is the one
    ``runway`` gives alone (every entity at its own date, and one entity)."""
    led = request.getfixturevalue(source)
    balances = led.frame("cash_balances")
    dates = {
        str(c): pd.Timestamp(d).strftime("%Y-%m")
        for c, d in balances.groupby(balances["company"].astype("object"))["date_end"].max().items()
    }
    for kwargs in [
        {"as_of": dates},
        {"entity": sorted(dates)[0], "as_of": dates[sorted(dates)[0]]},
    ]:
        both = ac.runways(led, policies=POLICIES, **kwargs)
        assert list(both) == list(POLICIES)
        for policy in POLICIES:
            alone = ac.runway(led, policy=policy, **kwargs)
            pd.testing.assert_frame_equal(both[policy].frame, alone.frame, check_exact=True)
            pd.testing.assert_frame_equal(both[policy].path, alone.path, check_exact=True)
            assert both[policy].assumptions == alone.assumptions
            assert list(both[policy].records) == list(alone.records)


@pytest.mark.parametrize(
    "burn_after", ["last", [1], {"compute": "x"}, {"compute": None}, True, float("nan")]
)
def test_burn_after_that_is_not_a_number_is_refused(bundled: ac.Ledger, burn_after: object) -> None:
    with pytest.raises(ValueError, match=r"burn_after|monthly amount"):
        ac.runway(bundled, "stability-ai", as_of="2023-10", burn_after=burn_after)  # type: ignore[arg-type]


def test_runways_needs_known_policies(bundled: ac.Ledger) -> None:
    with pytest.raises(ValueError, match="policy"):
        ac.runways(bundled, "stability-ai", as_of="2023-10", policies=())
    with pytest.raises(ValueError, match="policy among"):
        ac.runways(bundled, "stability-ai", as_of="2023-10", policies=("disbursed", "hoped"))  # type: ignore[arg-type]


def test_the_horizon_is_bounded_by_the_dates_pandas_can_hold(ledger_text: LedgerText) -> None:
    """A horizon past 2262 was a bare OutOfBoundsDatetime from pandas: the longest horizon
    (MAX_HORIZON) from the last year a ledger can date works, a longer one is a clear
    ValueError (the scenarios' compare and simulate check it the same way)."""
    from aicapex.analysis.runway import MAX_HORIZON

    led = ac.load(
        ledger_text(
            """
            entities:
            - {id: acme, name: Acme, type: company}
            cash_balances:
            - {id: acme-cash, company: acme, date: 2200-12, amount: $5M}
            expenses:
            - {id: acme-opex, company: acme, category: opex, rate: $1K/month, date: 2200-01}
            """
        )
    )
    far = runway(led, "acme", as_of="2200-12", horizon=MAX_HORIZON)
    assert far.cash_out is None
    assert len(far.explain()) == MAX_HORIZON
    for horizon in (MAX_HORIZON + 1, 3000, 10**9):
        with pytest.raises(ValueError, match="at most 720 months"):
            runway(led, "acme", as_of="2023-10", horizon=horizon)
        with pytest.raises(ValueError, match="at most 720 months"):
            ac.compare(led, "acme", [ac.Scenario("base")], as_of="2200-12", horizon=horizon)


def test_burn_after_is_bounded_as_amounts_are(bundled: ac.Ledger) -> None:
    """1e308 dollars a month overflowed the cash (NumPy's RuntimeWarning on standard error)."""
    import warnings

    for burn_after in (1e308, -1e308, {"compute": 1e300}, {"opex": math.nan}):
        with pytest.raises(ValueError, match=r"burn_after|monthly amount"):
            runway(bundled, ENTITY, as_of=AS_OF, burn_after=burn_after)  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert runway(bundled, ENTITY, as_of=AS_OF, burn_after=1e15).months < 1


def test_an_extra_flow_past_the_largest_amount_is_refused(bundled: ac.Ledger) -> None:
    """1e300 dollars added overflowed the int64 cents of the flows (OverflowError)."""
    for amount in (1e300, -1e300, 1e16):
        with pytest.raises(ValueError, match=r"at most 1e\+15 either way"):
            runway(bundled, ENTITY, as_of=AS_OF, extra_flows=[("2023-10", amount, "x")])
    assert runway(bundled, ENTITY, as_of=AS_OF, extra_flows=[("2023-10", 1e15, "x")]).months > 1


def test_no_cash_balance_known_says_so(bundled: ac.Ledger, ledger_text: LedgerText) -> None:
    """A runway without any cash balance (none reported by known_on, or none at all) names the
    missing balance, not a missing as_of."""
    with pytest.raises(ValueError, match="no cash balance of 'stability-ai' reported by FY2023"):
        ac.runway(bundled, "stability-ai", known_on="FY2023")
    bare = ac.load(
        ledger_text(
            """
            sources:
            - {id: s1, outlet: X, title: Y, date: 2024-01}
            entities:
            - {id: a, name: A, type: company}
            expenses:
            - {id: e1, company: a, category: opex, rate: $1M/month, date: 2023, sources: [s1]}
            """
        )
    )
    with pytest.raises(ValueError, match=r"^no cash balance: a runway starts from one"):
        ac.runway(bare)
    with pytest.raises(ValueError, match=r"^no cash balance of 'a': a runway starts"):
        ac.runway(bare, "a")
