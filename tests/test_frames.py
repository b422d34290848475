"""Tests for aicapex.frames: stable typed columns (even when empty), USD conversion through the
ledger's fx_rates only, nested frames, derived columns."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from test_ledger import ledgers

from aicapex import KINDS, CloudBill, FundingRound, Ledger, Money, PartialDate, Rate, load
from aicapex.table.frames import FRAME_KINDS, SUBFRAMES
from aicapex.table.frames import unwrap as _unwrap

MONEY_FIELDS = {
    kind: [n for n, f in cls.model_fields.items() if _unwrap(f.annotation) == (Money, False)]
    for kind, cls in KINDS.items()
}
DATE_FIELDS = {
    kind: [n for n, f in cls.model_fields.items() if _unwrap(f.annotation) == (PartialDate, False)]
    for kind, cls in KINDS.items()
}


def dtypes(frame: pd.DataFrame) -> list[tuple[str, str]]:
    return [(str(c), str(t)) for c, t in frame.dtypes.items()]


# --- stable columns --------------------------------------------------------------------------


def test_frame_kinds() -> None:
    subframes = (
        "tranches",
        "investments",
        "payments",
        "deliveries",
        "order_payments",
        "ramps",
        "vesting",
        "listing_buyers",
        "pieces",
        "capex_milestones",
    )
    assert (*KINDS, *subframes) == FRAME_KINDS


@pytest.mark.parametrize("kind", FRAME_KINDS)
def test_an_empty_frame_has_the_same_columns_and_dtypes(bundled: Ledger, kind: str) -> None:
    empty = Ledger().frame(kind)
    full = bundled.frame(kind)
    assert len(empty) == 0
    assert dtypes(empty) == dtypes(full)
    assert isinstance(empty.index, pd.RangeIndex)
    if kind in KINDS:
        assert len(full) == bundled.counts()[kind]


@pytest.mark.parametrize("kind", list(KINDS))
def test_money_columns(bundled: Ledger, kind: str) -> None:
    frame = bundled.frame(kind)
    for name in MONEY_FIELDS[kind]:
        assert frame[name].dtype == "float64"
        assert isinstance(frame[f"{name}_currency"].dtype, pd.CategoricalDtype)
        assert frame[f"{name}_usd"].dtype == "float64"


@pytest.mark.parametrize("kind", list(KINDS))
def test_date_columns(bundled: Ledger, kind: str) -> None:
    frame = bundled.frame(kind)
    for name in DATE_FIELDS[kind]:
        assert frame[f"{name}_start"].dtype == "datetime64[ns]"
        assert frame[f"{name}_end"].dtype == "datetime64[ns]"
        assert isinstance(frame[f"{name}_precision"].dtype, pd.CategoricalDtype)
        assert name not in frame.columns


@pytest.mark.parametrize("kind", list(KINDS))
def test_ids_are_text_and_references_categories(bundled: Ledger, kind: str) -> None:
    frame = bundled.frame(kind)
    assert frame["id"].dtype == "str"  # as many ids as rows: a categorical would gain nothing
    assert list(frame["id"].astype(str)) == [r.id for r in bundled.records(kind)]
    for path, _ in KINDS[kind].REFS:
        if "." not in path:
            assert isinstance(frame[path].dtype, pd.CategoricalDtype), path


def test_money_values(bundled: Ledger) -> None:
    frame = bundled.frame("funding_rounds").set_index("id")
    rnd = bundled["stability-2022-round"]
    assert isinstance(rnd, FundingRound)
    assert frame.loc["stability-2022-round", "amount"] == float(rnd.amount.amount)  # type: ignore[union-attr]
    assert frame.loc["stability-2022-round", "amount_currency"] == "USD"
    assert frame.loc["stability-2022-round", "amount_usd"] == 100e6
    assert frame.loc["stability-2022-round", "post_money_usd"] == 1e9
    assert math.isnan(frame.loc["stability-2022-round", "pre_money"])
    assert frame.loc["stability-2022-round", "date_start"] == pd.Timestamp("2022-01-01")
    assert frame.loc["stability-2022-round", "date_end"] == pd.Timestamp("2022-12-31")
    assert frame.loc["stability-2022-round", "date_precision"] == "year"


def test_unknown_frame() -> None:
    with pytest.raises(KeyError, match="did you mean 'cloud_bills'"):
        Ledger().frame("cloud_bill")


# --- USD only through fx_rates ------------------------------------------------------------------

EUR_LEDGER = """
    entities:
    - id: acme
      name: Acme
      type: company
    - id: ovh
      name: OVH
      type: cloud_provider
    cloud_bills:
    - id: bill
      payer: acme
      provider: ovh
      period: 2023-08
      billed: €10M
      payments:
      - date: 2023-09-15
        amount: €4M
    expenses:
    - id: rent
      company: acme
      category: compute
      rate: €1.2M/year
      date: 2023-08
"""


def usd_of(ledger: Ledger) -> dict[str, Any]:
    bill = ledger.frame("cloud_bills").iloc[0]
    payment = ledger.frame("payments").iloc[0]
    rent = ledger.frame("expenses").iloc[0]
    return {
        "billed": bill["billed_usd"],
        "paid": bill["paid_usd"],
        "unpaid": bill["unpaid_usd"],
        "payment": payment["amount_usd"],
        "rent_month": rent["rate_usd_per_month"],
    }


def with_rates(text: str, *rates: tuple[str, str, str]) -> str:
    lines = [text, "    fx_rates:"]
    for rid, date, usd in rates:
        lines += [
            f"    - id: {rid}",
            "      currency: EUR",
            f"      date: {date}",
            f"      usd: {usd}",
        ]
    return "\n".join(lines) + "\n"


def test_eur_without_a_rate_is_nan(ledger_text) -> None:
    values = usd_of(load(ledger_text(EUR_LEDGER)))
    assert all(math.isnan(v) for v in values.values()), values
    frame = load(ledger_text(EUR_LEDGER)).frame("cloud_bills")
    assert frame.loc[0, "billed"] == 10e6
    assert frame.loc[0, "billed_currency"] == "EUR"


def test_eur_with_a_rate(ledger_text) -> None:
    led = load(ledger_text(with_rates(EUR_LEDGER, ("eur-2023-08", "2023-08-01", "1.1"))))
    values = usd_of(led)
    assert values["billed"] == pytest.approx(11e6)
    assert values["paid"] == pytest.approx(4.4e6)
    assert values["unpaid"] == pytest.approx(6.6e6)
    assert values["payment"] == pytest.approx(4.4e6)
    assert values["rent_month"] == pytest.approx(0.1e6 * 1.1)
    # fx_rates is itself a frame
    fx = led.frame("fx_rates")
    assert fx.loc[0, "usd"] == 1.1
    assert fx["usd"].dtype == "float64"


def test_the_rate_at_or_before_the_date_applies(ledger_text) -> None:
    text = with_rates(
        EUR_LEDGER,
        ("eur-2023-01", "2023-01", "1.05"),
        ("eur-2023-07-31", "2023-07-31", "1.08"),
        ("eur-2023-09", "2023-09-01", "1.2"),
    )
    values = usd_of(load(ledger_text(text)))
    assert values["billed"] == pytest.approx(10.8e6)  # period 2023-08 starts 08-01: 07-31 rate
    assert values["payment"] == pytest.approx(4.8e6)  # paid 2023-09-15: the 09-01 rate


def test_a_rate_after_the_date_does_not_apply(ledger_text) -> None:
    values = usd_of(load(ledger_text(with_rates(EUR_LEDGER, ("eur-2024", "2024-01-02", "1.1")))))
    assert math.isnan(values["billed"])
    assert math.isnan(values["unpaid"])


def test_usd_amounts_need_no_rate(bundled: Ledger) -> None:
    frame = bundled.frame("cloud_bills")
    assert (frame["outstanding_usd"].dropna() == frame["outstanding"].dropna()).all()
    assert not bundled.records("fx_rates")


# --- nested frames -------------------------------------------------------------------------------


def test_tranches(bundled: Ledger) -> None:
    frame = bundled.frame("tranches")
    expected = [
        (r.id, str(t.amount), t.status.value, t.condition)
        for r in bundled.of_type(FundingRound)
        for t in r.tranches
    ]
    assert len(frame) == len(expected) == 2
    got = [
        (row.round, str(Money.parse(f"{row.amount_currency} {row.amount}")), row.status,
         None if pd.isna(row.condition) else row.condition)
        for row in frame.itertuples()
    ]  # fmt: skip
    assert got == expected
    assert frame["amount_usd"].sum() == 50e6
    assert set(frame["company"]) == {"stability-ai"}
    rounds = bundled.frame("funding_rounds").set_index("id")
    assert rounds.loc["stability-2023-intel", "disbursed_usd"] == 20e6
    assert rounds.loc["stability-2023-intel", "committed_usd"] == 30e6
    assert rounds.loc["stability-2023-intel", "cancelled_usd"] == 0


def test_investments(bundled: Ledger) -> None:
    frame = bundled.frame("investments")
    expected = [(r.id, p.investor) for r in bundled.of_type(FundingRound) for p in r.investors]
    assert (
        list(zip(frame["round"].astype(str), frame["investor"].astype(str), strict=True))
        == expected
    )
    intel = frame[frame["round"] == "stability-2023-intel"].iloc[0]
    assert intel["amount_usd"] == 50e6
    assert bool(intel["lead"]) is False  # no source says Intel led
    assert frame["lead"].dtype == "boolean"
    rounds = bundled.frame("funding_rounds").set_index("id")
    assert rounds.loc["stability-2023-07-plan-compute", "investors"] == "nvidia,google,intel"
    assert rounds.loc["stability-2022-round", "investors"] == ""


def test_payments(ledger_text) -> None:
    led = load(
        ledger_text(
            """
            entities:
            - id: acme
              name: Acme
              type: company
            - id: aws
              name: AWS
              type: cloud_provider
            cloud_bills:
            - id: b1
              payer: acme
              provider: aws
              period: 2023-07
              billed: $5M
              payments:
              - date: 2023-08-10
                amount: $1M
              - date: 2023-09
                amount: $1.5M
            - id: b2
              payer: acme
              provider: aws
              period: 2023-08
              billed: $7M
            """
        )
    )
    frame = led.frame("payments")
    assert list(frame["bill"].astype(str)) == ["b1", "b1"]
    assert list(frame["payer"].astype(str)) == ["acme", "acme"]
    assert list(frame["amount_usd"]) == [1e6, 1.5e6]
    assert list(frame["date_start"]) == [pd.Timestamp("2023-08-10"), pd.Timestamp("2023-09-01")]
    assert list(frame["date_end"]) == [pd.Timestamp("2023-08-10"), pd.Timestamp("2023-09-30")]
    bills = led.frame("cloud_bills").set_index("id")
    assert bills.loc["b1", "paid_usd"] == 2.5e6
    assert bills.loc["b1", "unpaid_usd"] == 2.5e6
    assert bills.loc["b2", "paid_usd"] == 0
    assert bills.loc["b2", "unpaid_usd"] == 7e6


def test_deliveries(ledger_text) -> None:
    led = load(
        ledger_text(
            """
            entities:
            - id: xai
              name: xAI
              type: company
            - id: nvidia
              name: Nvidia
              type: chip_vendor
            gpu_orders:
            - id: h100s
              buyer: xai
              vendor: nvidia
              sku: H100
              quantity: 100,000
              order_date: 2024-Q1
              scheduled:
              - date: 2024-06
                quantity: 50,000
              - date: 2024-H2
                quantity: 50000
              delivered:
              - date: 2024-06-20
                quantity: 30,000
            """
        )
    )
    frame = led.frame("deliveries")
    assert list(frame["status"].astype(str)) == ["scheduled", "scheduled", "delivered"]
    assert list(frame["quantity"]) == [50_000, 50_000, 30_000]
    assert frame["quantity"].dtype == "Int64"
    assert list(frame["order"].astype(str)) == ["h100s"] * 3
    assert list(frame["buyer"].astype(str)) == ["xai"] * 3
    assert list(frame["date_precision"].astype(str)) == ["month", "half", "day"]
    orders = led.frame("gpu_orders")
    assert orders.loc[0, "scheduled_quantity"] == 100_000
    assert orders.loc[0, "delivered_quantity"] == 30_000
    assert orders.loc[0, "quantity"] == 100_000


def test_subframes_name_their_parent() -> None:
    for name, (parent, _fields, column) in SUBFRAMES.items():
        frame = Ledger().frame(name)
        assert frame.columns[0] == column, name
        assert parent in KINDS


# --- derived columns -----------------------------------------------------------------------------


def test_unpaid_cloud_bills_of_the_bundled_ledger(bundled: Ledger) -> None:
    bills = bundled.of_type(CloudBill)
    assert all(b.unpaid.currency == "USD" for b in bills)
    expected = float(sum(b.unpaid.amount for b in bills))
    frame = bundled.frame("cloud_bills")
    assert frame["unpaid_usd"].sum() == pytest.approx(expected)
    assert expected == pytest.approx(9.6e6)  # $1M + $7M + $1.0M + $0.6M
    by_id = dict(zip(frame["id"].astype(str), frame["unpaid_usd"], strict=True))
    assert by_id == pytest.approx({b.id: float(b.unpaid.amount) for b in bills})


def test_rates_per_month(bundled: Ledger) -> None:
    frame = bundled.frame("expenses").set_index("id")
    rate = bundled["stability-compute-2023"].rate  # type: ignore[attr-defined]
    assert isinstance(rate, Rate)
    assert frame.loc["stability-compute-2023", "rate"] == 99e6
    assert frame.loc["stability-compute-2023", "rate_per"] == "year"
    assert frame.loc["stability-compute-2023", "rate_usd_per_month"] == pytest.approx(99e6 / 12)


def test_reported_falls_back_in_frames(bundled: Ledger) -> None:
    frame = bundled.frame("cash_balances").set_index("id")
    assert frame.loc["stability-cash-2023-10-upper", "reported_start"] == pd.Timestamp("2024-01-01")
    assert frame.loc["stability-cash-2023-10", "reported_start"] == pd.Timestamp("2024-04-01")
    assert frame.loc["stability-cash-2023-10", "sources"] == "fr-2024-04-stability-aws"


def test_reported_all_is_reported_of_each(bundled: Ledger) -> None:
    """Frames take every record's reported date at once: the same as one at a time, for
    records with their own date, one source, several sources (the latest) and none."""
    from aicapex.records import Entity, Revenue, Source

    records = list(bundled)
    extra = Ledger(
        [
            Source(id="a", outlet="o", title="t", date="2023-05"),
            Source(id="b", outlet="o", title="t", date="2024-02"),
            Entity(id="acme", name="Acme", type="company"),
            Revenue(id="r1", company="acme", amount="$1M", date="2023", sources=["a", "b"]),  # type: ignore[call-arg]
            Revenue(id="r2", company="acme", amount="$1M", date="2023", sources=["b", "a"]),  # type: ignore[call-arg]
            Revenue(id="r3", company="acme", amount="$1M", date="2023", reported="2025-01"),  # type: ignore[call-arg]
        ]
    )
    for led, recs in ((bundled, records), (extra, list(extra))):
        assert led.reported_all(recs) == [led.reported(r) for r in recs]
    got = dict(zip([r.id for r in extra], extra.reported_all(list(extra)), strict=True))
    assert (str(got["r1"]), str(got["r2"]), str(got["r3"])) == ("2024-02", "2024-02", "2025-01")
    assert got["acme"] is None


def test_fiscal_years_use_the_entitys_year_end(ledger_text) -> None:
    led = load(
        ledger_text(
            """
            entities:
            - id: acme
              name: Acme
              type: company
              fiscal_year_end: 06-30
            revenues:
            - id: fy
              company: acme
              amount: $1M
              date: FY2025
            """
        )
    )
    row = led.frame("revenues").iloc[0]
    assert row["date_start"] == pd.Timestamp("2024-07-01")
    assert row["date_end"] == pd.Timestamp("2025-06-30")
    assert row["date_precision"] == "fiscal_year"


# --- columns built directly: what pandas infers from the values ----------------------------


def _as_pandas_infers(column: pd.Series) -> pd.Series:
    """The column rebuilt the plain way: ``pd.Series(python values, dtype=its dtype)`` (the
    frames build their arrays directly; they must be what pandas gives)."""
    values = [None if pd.isna(v) else v for v in column.astype(object)]
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):
        return pd.Series(values, dtype="category")
    if str(dtype).startswith("datetime64"):
        return pd.Series(
            pd.to_datetime([None if v is None else v.date() for v in values]), dtype=dtype
        )
    if dtype == "float64":
        return pd.Series([math.nan if v is None else v for v in values], dtype="float64")
    return pd.Series(values, dtype=dtype)


def _check_columns_as_pandas_infers(ledger: Ledger) -> None:
    for kind in FRAME_KINDS:
        frame = ledger.frame(kind)
        for name in frame.columns:
            column = frame[name].reset_index(drop=True)
            expected = _as_pandas_infers(column).rename(name)
            pd.testing.assert_series_equal(column, expected, check_exact=True, obj=f"{kind}.{name}")
            if isinstance(column.dtype, pd.CategoricalDtype):  # also the categories' own dtype
                assert column.cat.categories.dtype == expected.cat.categories.dtype, (kind, name)
                assert column.cat.codes.dtype == expected.cat.codes.dtype, (kind, name)


def test_columns_are_what_pandas_infers_bundled_and_companies(
    bundled: Ledger, companies: Ledger
) -> None:
    """Every column of every frame (all-missing columns, a few rows, none) equals the column
    pandas builds from the same Python values."""
    _check_columns_as_pandas_infers(bundled)
    _check_columns_as_pandas_infers(companies)
    _check_columns_as_pandas_infers(Ledger([]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_columns_are_what_pandas_infers(ledger: Ledger) -> None:
    _check_columns_as_pandas_infers(ledger)
