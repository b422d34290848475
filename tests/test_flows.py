"""Tests for aicapex.analysis.flows: the tidy table of money movements every analysis runs on.

Expected figures come from the bundled ledger's records (or from inline ledgers), never from a
previous run of the code under test.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac
from aicapex.dates import PartialDate
from aicapex.records import KINDS, RoundStatus, kind_of
from aicapex.table.flows import FLOW_COLUMNS, FLOW_KINDS, as_flows, empty_flows, flows
from aicapex.units import period_factor

LedgerText = Callable[..., Path]

HEAD = """
sources:
- id: s1
  outlet: Example
  title: A report
  date: 2024-04
- id: s0
  outlet: Example
  title: An earlier report
  date: 2023-06
entities:
- id: acme
  name: Acme AI
  type: company
- id: cloudco
  name: CloudCo
  type: cloud_provider
- id: fund
  name: A Fund
  type: investor
"""


@pytest.fixture(scope="module")
def table(bundled: ac.Ledger) -> pd.DataFrame:
    return flows(bundled)


def dtypes(frame: pd.DataFrame) -> dict[str, str]:
    return {str(c): str(t) for c, t in frame.dtypes.items()}


def rows_of(table: pd.DataFrame, record_id: str) -> pd.DataFrame:
    return table[(table["record"] == record_id).to_numpy()]


def months_of(date: PartialDate) -> list[pd.Timestamp]:
    first, last = date.sort_key()
    return list(pd.date_range(first, last, freq="MS"))


def cents(amount: Decimal | Fraction) -> int:
    value = Fraction(amount) * 100
    assert value.denominator == 1, amount
    return int(value)


# --- columns and dtypes --------------------------------------------------------------------


def test_columns_and_dtypes_are_the_documented_ones(table: pd.DataFrame) -> None:
    assert not table.empty
    assert list(table.columns) == list(FLOW_COLUMNS)
    assert dtypes(table) == FLOW_COLUMNS


@pytest.mark.parametrize(
    "make",
    [ac.Ledger, dict, lambda: {"expenses": ac.Ledger().frame("expenses")}],
    ids=["empty-ledger", "no-frames", "one-empty-frame"],
)
def test_columns_and_dtypes_without_any_flow(make: Callable[[], object]) -> None:
    out = flows(make())  # type: ignore[arg-type]
    assert out.empty
    assert list(out.columns) == list(FLOW_COLUMNS)
    assert dtypes(out) == FLOW_COLUMNS
    assert dtypes(empty_flows()) == FLOW_COLUMNS


def test_ledger_flows_and_record_frames_give_the_same_table(
    bundled: ac.Ledger, table: pd.DataFrame
) -> None:
    pd.testing.assert_frame_equal(bundled.flows(), table)
    by_kind = {kind: bundled.frame(kind) for kind in FLOW_KINDS}
    pd.testing.assert_frame_equal(flows(by_kind), table)


def test_public_names_are_the_functions(bundled: ac.Ledger) -> None:
    # importing the analysis modules must not shadow the top-level functions with modules
    import aicapex.analysis.arrears
    import aicapex.analysis.burn
    import aicapex.analysis.gap
    import aicapex.analysis.runway  # noqa: F401

    for name in ("flows", "burn", "runway", "arrears", "compute_gap"):
        assert callable(getattr(ac, name)), name
    assert ac.flows is flows


def test_as_flows_rejects_a_frame_that_is_not_a_flows_table(bundled: ac.Ledger) -> None:
    with pytest.raises(ValueError, match="flows table"):
        as_flows(bundled.frame("expenses"))


# --- every row names its record ------------------------------------------------------------


def test_every_row_names_its_record_kind_and_first_source(
    bundled: ac.Ledger, table: pd.DataFrame
) -> None:
    assert table["record"].notna().all()
    for row in table[["record", "kind", "source"]].drop_duplicates().itertuples():
        record = bundled[str(row.record)]
        assert kind_of(record) == row.kind
        assert row.source == record.sources[0].source  # type: ignore[attr-defined]


def test_usd_amounts_and_cents_agree(table: pd.DataFrame) -> None:
    assert set(table["currency"].astype(object)) == {"USD"}
    np.testing.assert_array_equal(table["amount_usd"], table["amount"])
    np.testing.assert_array_equal(np.rint(table["amount"] * 100).astype(np.int64), table["cents"])
    assert set(table["direction"].unique()) <= {-1, 1}
    assert (table["month"] == table["date"].dt.to_period("M").dt.to_timestamp()).all()


# --- expansion rules on the bundled ledger -------------------------------------------------


def test_a_recurring_rate_expands_to_monthly_rows_tagged_with_its_record(
    bundled: ac.Ledger, table: pd.DataFrame
) -> None:
    record = bundled["stability-compute-2023"]
    rows = rows_of(table, record.id)
    assert list(rows["date"]) == months_of(record.date)  # type: ignore[attr-defined]
    monthly = record.rate.per_month()  # type: ignore[attr-defined]
    assert (rows["cents"] == cents(monthly.amount)).all()
    assert rows["cents"].sum() == cents(record.rate.over(12).amount)  # type: ignore[attr-defined]
    assert set(rows["entity"].astype(object)) == {record.company}  # type: ignore[attr-defined]
    assert (rows["direction"] == -1).all()
    assert set(rows["category"].astype(object)) == {"compute"}
    # a forecast, not an actual: estimated, with its basis kept
    assert set(rows["status"].astype(object)) == {"estimated"}
    assert set(rows["basis"].astype(object)) == {record.basis.value}  # type: ignore[attr-defined]


def test_an_amount_over_a_span_splits_into_months_summing_to_the_cent(
    bundled: ac.Ledger, table: pd.DataFrame
) -> None:
    record = bundled["stability-revenue-2023"]
    rows = rows_of(table, record.id)
    assert list(rows["date"]) == months_of(record.date)  # type: ignore[attr-defined]
    assert rows["cents"].sum() == cents(record.amount.amount)  # type: ignore[attr-defined]
    assert rows["cents"].max() - rows["cents"].min() <= 1
    assert (rows["direction"] == 1).all()
    assert set(rows["category"].astype(object)) == {"revenue"}


def test_tranches_are_committed_until_disbursed(bundled: ac.Ledger, table: pd.DataFrame) -> None:
    round_ = bundled["stability-2023-intel"]
    both = rows_of(table, round_.id)
    rows = both[(both["entity"] == round_.company).to_numpy()]  # type: ignore[attr-defined]
    expected: dict[str, int] = {}
    for tranche in round_.tranches:  # type: ignore[attr-defined]
        status = tranche.status.value
        expected[status] = expected.get(status, 0) + cents(tranche.amount.amount)
    got = rows.groupby(rows["status"].astype(object))["cents"].sum().to_dict()
    assert got == expected
    assert set(got) == {"committed", "disbursed"}
    # tranches without a date: money in on the last day of the round's span (Q4 2023)
    last_day = pd.Timestamp(round_.date.sort_key()[1])  # type: ignore[attr-defined]
    assert (rows["date"] == last_day).all()
    assert (rows["direction"] == 1).all()
    assert set(rows["kind"].astype(object)) == {"funding_rounds"}
    assert set(rows["payer"].astype(object)) == {"intel"}
    # the one investor's side: the same money leaving Intel
    investor = both[(both["entity"] == "intel").to_numpy()]
    assert investor["cents"].sum() == rows["cents"].sum()
    assert (investor["direction"] == -1).all()
    assert set(investor["category"].astype(object)) == {"investment"}


def test_a_closed_round_without_tranches_is_one_disbursed_row(
    bundled: ac.Ledger, table: pd.DataFrame
) -> None:
    round_ = bundled["stability-2022-round"]
    rows = rows_of(table, round_.id)
    assert len(rows) == 1
    assert rows["cents"].item() == cents(round_.amount.amount)  # type: ignore[attr-defined]
    assert rows["status"].item() == "disbursed"
    assert rows["date"].item() == pd.Timestamp(round_.date.sort_key()[1])  # type: ignore[attr-defined]
    # no investor named: the money comes from the payer 'undisclosed'
    assert rows["payer"].item() == "undisclosed"


def test_sought_and_cancelled_rounds_make_no_rows(bundled: ac.Ledger, table: pd.DataFrame) -> None:
    idle = [
        r.id
        for r in bundled.of_type(ac.FundingRound)
        if r.status in (RoundStatus.sought, RoundStatus.cancelled)
    ]
    assert len(idle) == 3
    assert not set(idle) & set(table["record"].astype(object))


def test_records_included_in_others_make_no_rows(bundled: ac.Ledger, table: pd.DataFrame) -> None:
    parts = [
        r.id
        for kind in ("expenses", "revenues")
        for r in bundled.records(kind)
        if r.included_in  # type: ignore[attr-defined]
    ]
    assert "stability-external-project-compute" in parts
    assert not set(parts) & set(table["record"].astype(object))


def test_cloud_bills_fall_due_at_their_due_date_else_period_end(
    bundled: ac.Ledger, table: pd.DataFrame
) -> None:
    for bill in bundled.of_type(ac.CloudBill):
        rows = rows_of(table, bill.id)
        assert len(rows) == 1, bill.id
        row = rows.iloc[0]
        assert row["payee"] == bill.provider
        assert row["payer"] == bill.payer == row["entity"]
        if bill.billed is not None:
            assert row["status"] == "billed"
            assert row["cents"] == cents(bill.billed.amount)
        else:
            assert bill.outstanding is not None
            assert row["status"] == "unpaid"
            assert row["cents"] == cents(bill.outstanding.amount)
        when = bill.due if bill.due is not None else bill.period
        assert row["date"] == pd.Timestamp(when.sort_key()[1])


# --- expansion rules on inline ledgers -----------------------------------------------------


def test_tranche_status_follows_the_record(ledger_text: LedgerText) -> None:
    def ledger(status: str) -> ac.Ledger:
        return ac.load(
            ledger_text(
                HEAD
                + f"""
funding_rounds:
- id: r
  company: acme
  date: 2024-Q1
  status: committed
  amount: $30M
  investors: [{{investor: fund}}]
  sources: [s1]
  tranches:
  - {{amount: $10M, status: {status}, date: 2024-02}}
  - {{amount: $5M, status: cancelled}}
"""
            )
        )

    for status in ("committed", "disbursed"):
        both = flows(ledger(status))
        rows = both[(both["direction"] == 1).to_numpy()]  # the company's side
        assert both[(both["direction"] == -1).to_numpy()]["entity"].unique().tolist() == ["fund"]
        tranche = rows[(rows["date"] == "2024-02-29").to_numpy()]
        assert tranche["status"].tolist() == [status]
        assert tranche["cents"].tolist() == [10_000_000_00]
        assert tranche["payer"].tolist() == ["fund"]
        # the cancelled tranche makes no row; the part not split into tranches is one row at the
        # round's date, committed like the round
        rest = rows[(rows["date"] != "2024-02-29").to_numpy()]
        assert rest["cents"].tolist() == [(30 - 10 - 5) * 1_000_000_00]
        assert rest["status"].tolist() == ["committed"]
        assert rest["date"].tolist() == [pd.Timestamp("2024-03-31")]


def test_a_cancelled_tranche_makes_no_row(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(
            HEAD
            + """
funding_rounds:
- id: r
  company: acme
  date: 2024-03
  status: closed
  amount: $10M
  sources: [s1]
  tranches:
  - {amount: $10M, status: cancelled}
"""
        )
    )
    assert flows(led).empty


def test_a_paid_bill_has_its_billed_and_paid_rows(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(
            HEAD
            + """
cloud_bills:
- id: b
  payer: acme
  provider: cloudco
  period: 2024-01
  billed: $3M
  payments:
  - {date: 2024-02-10, amount: $1M}
  - {date: 2024-Q2, amount: $2M}
  sources: [s1]
"""
        )
    )
    rows = flows(led)
    assert rows["status"].tolist() == ["billed", "paid", "paid"]
    assert rows["cents"].tolist() == [3_000_000_00, 1_000_000_00, 2_000_000_00]
    # money out dated only to a span leaves at its first day
    expected = ["2024-01-31", "2024-02-10", "2024-04-01"]
    assert rows["date"].tolist() == [pd.Timestamp(d) for d in expected]
    assert set(rows["record"].astype(object)) == {"b"}
    assert set(rows["payee"].astype(object)) == {"cloudco"}


def test_conflicting_reports_are_resolved_before_expansion(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(
            HEAD
            + """
expenses:
- id: early
  company: acme
  category: opex
  amount: $12M
  date: 2023
  sources: [s0]
- id: late
  company: acme
  category: opex
  amount: $24M
  date: 2023
  sources: [s1]
"""
        )
    )
    for policy, ids in (("latest", {"late"}), ("earliest", {"early"}), ("all", {"early", "late"})):
        rows = flows(led, conflicts=policy)  # type: ignore[arg-type]
        assert set(rows["record"].astype(object)) == ids, policy


# --- conservation (property) ---------------------------------------------------------------

FISCAL_YEAR_END = "06-30"
_years = st.integers(2000, 2030)
_dates = st.one_of(
    st.builds(
        lambda y, m, d: f"{y}-{m:02d}-{d:02d}", _years, st.integers(1, 12), st.integers(1, 28)
    ),
    st.builds(lambda y, m: f"{y}-{m:02d}", _years, st.integers(1, 12)),
    st.builds(lambda y, q: f"{y}-Q{q}", _years, st.integers(1, 4)),
    st.builds(lambda y, h: f"{y}-H{h}", _years, st.integers(1, 2)),
    st.builds(str, _years),
    st.builds(lambda y: f"FY{y}", _years),
)
_specs = st.fixed_dictionaries(
    {
        "cents": st.integers(1, 10**11),  # $1B a day over 31 years stays under $1,000T
        "per": st.sampled_from([None, "day", "week", "month", "quarter", "year"]),
        "date": _dates,
        "until": st.none() | _dates,
        "revenue": st.booleans(),
    }
)


def _span(text: str) -> tuple[dt.date, dt.date]:
    return PartialDate.parse(text).span(FISCAL_YEAR_END)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_specs, min_size=1, max_size=6))
def test_the_cents_of_a_record_sum_exactly_to_its_amount(specs: list[dict[str, object]]) -> None:
    records: list[ac.Record] = [
        ac.Source(id="s", outlet="o", title="t", date="2024"),
        ac.Entity(id="acme", name="Acme", type="company", fiscal_year_end=FISCAL_YEAR_END),
    ]
    expected: dict[str, int] = {}
    for i, spec in enumerate(specs):
        date, until, per = str(spec["date"]), spec["until"], spec["per"]
        if until is not None and (
            PartialDate.parse(until).sort_key()[1] < PartialDate.parse(date).sort_key()[0]
            or _span(str(until))[1] < _span(date)[0]
        ):
            until = None  # until before date: rejected (or, for fiscal years, ill-formed)
        money = f"${Decimal(int(spec['cents'])) / 100}"  # type: ignore[call-overload]
        fields: dict[str, object] = {"id": f"r{i}", "company": "acme", "date": date}
        fields.update(until=until, sources=["s"])
        fields.update({"amount": money} if per is None else {"rate": f"{money}/{per}"})
        if spec["revenue"]:
            records.append(ac.Revenue(**fields))  # type: ignore[arg-type]
        else:
            records.append(ac.Expense(category="compute", **fields))  # type: ignore[arg-type]
        first = _span(date)[0]
        last = _span(str(until) if until is not None else date)[1]
        months: Fraction | int = (last.year - first.year) * 12 + last.month - first.month + 1
        if first != last and (first.day != 1 or (last + dt.timedelta(days=1)).day != 1):
            # a span that is not whole months counts its days, a month being 365.25 / 12 days
            months = Fraction((last - first).days + 1) * 48 / 1461
        if per is None:
            expected[f"r{i}"] = int(spec["cents"])  # type: ignore[call-overload]
        else:
            monthly = Fraction(int(spec["cents"])) * period_factor(str(per), "month")  # type: ignore[call-overload]
            expected[f"r{i}"] = round(monthly * months)
    out = flows(ac.Ledger(records), conflicts="all")
    got = out.groupby(out["record"].astype(object))["cents"].sum().to_dict()
    assert got == expected
    assert (out["cents"] >= 0).all()


def test_kinds_listed_are_record_kinds_or_nested_frames() -> None:
    from aicapex.table.frames import SUBFRAMES

    assert set(FLOW_KINDS) <= set(KINDS) | set(SUBFRAMES)


def test_a_one_off_amount_on_a_day_moves_on_that_day(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(
            """
            entities:
            - {id: acme, name: Acme, type: company}
            expenses:
            - {id: tax, company: acme, category: tax, amount: $5M, date: 2023-10-25}
            - {id: rent, company: acme, category: opex, amount: $3M, date: 2023-10}
            """
        )
    )
    table = led.flows().set_index("record", drop=False)
    assert table.loc["tax", "date"] == pd.Timestamp("2023-10-25")
    assert table.loc["rent", "date"] == pd.Timestamp("2023-10-01")
    # a balance on October 20 is followed by the tax payment, which the runway counts
    with_cash = ac.load(
        ledger_text(
            """
            entities:
            - {id: acme, name: Acme, type: company}
            expenses:
            - {id: tax, company: acme, category: tax, amount: $5M, date: 2023-10-25}
            cash_balances:
            - {id: c, company: acme, date: 2023-10-20, amount: $10M}
            """
        )
    )
    r = ac.runway(with_cash, "acme", as_of="2023-10")
    assert r.frame["start_cash"].item() == 5e6


def test_fiscal_years_are_refused_as_analysis_periods_of_every_entity(
    bundled: ac.Ledger,
) -> None:
    """Whose fiscal year? Of one entity it is its own (tests/test_fiscal_arguments.py)."""
    with pytest.raises(ValueError, match="fiscal year 'FY2023'"):
        ac.compute_gap(bundled, period="FY2023")
    with pytest.raises(ValueError, match="fiscal year"):
        ac.burn(bundled, None, "FY2023", "FY2023")
