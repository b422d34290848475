"""Tests for aicapex.analysis.arrears: bills outstanding at a date, with age buckets.

Expected figures come from the ledger's cloud bill records (``CloudBill.unpaid``), not from the
code under test.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import aicapex as ac
from aicapex.analysis.arrears import AGE_BUCKETS, arrears

LedgerText = Callable[..., Path]

COLUMNS = [
    "payer",
    "provider",
    "outstanding_usd",
    "bills",
    "oldest",
    *AGE_BUCKETS,
    "records",
    "outstanding_low_usd",
    "outstanding_high_usd",
]
AS_OF = "2023-10-31"

LATE = """
sources:
- id: s1
  outlet: Example
  title: A report
  date: 2024-04
entities:
- id: acme
  name: Acme AI
  type: company
- id: cloudco
  name: CloudCo
  type: cloud_provider
cloud_bills:
- id: acme-2024-01
  payer: acme
  provider: cloudco
  period: 2024-01
  billed: $3M
  due: 2024-02-15
  payments:
  - {date: 2024-03-10, amount: $1M}
  - {date: 2024-05-20, amount: $2M}
  sources: [s1]
"""


def bucket(days: int) -> str:
    for name, limit in zip(AGE_BUCKETS, (30, 60, 90), strict=False):
        if days <= limit:
            return name
    return AGE_BUCKETS[-1]


def age_start(bill: ac.CloudBill) -> dt.date:
    """Documented: ages count from the due date, or the end of the usage period without one."""
    if bill.due is not None:
        return bill.due.sort_key()[1]
    return bill.period.sort_key()[1]


@pytest.fixture(scope="module")
def owed(bundled: ac.Ledger) -> pd.DataFrame:
    return arrears(bundled, as_of=AS_OF).frame


def test_total_outstanding_is_what_the_bills_leave_unpaid(
    bundled: ac.Ledger, owed: pd.DataFrame
) -> None:
    bills = bundled.of_type(ac.CloudBill)
    assert len(bills) == 4
    total = ac.sum_money(b.unpaid for b in bills)
    assert list(owed.columns) == COLUMNS
    assert owed["outstanding_usd"].sum() == pytest.approx(float(total.amount), abs=0.005)


def test_one_row_per_provider(bundled: ac.Ledger, owed: pd.DataFrame) -> None:
    assert owed["provider"].tolist() == ["aws", "coreweave", "google-cloud"]
    assert set(owed["payer"]) == {"stability-ai"}
    for row in owed.itertuples():
        bills = [b for b in bundled.of_type(ac.CloudBill) if b.provider == row.provider]
        assert row.outstanding_usd == pytest.approx(
            float(ac.sum_money(b.unpaid for b in bills).amount)
        )
        assert row.bills == len(bills)
        assert row.records == ",".join(sorted(b.id for b in bills))
        assert row.oldest == pd.Timestamp(min(age_start(b) for b in bills))


def test_age_buckets_sum_to_the_outstanding_amount(owed: pd.DataFrame) -> None:
    np.testing.assert_allclose(owed[list(AGE_BUCKETS)].sum(axis=1), owed["outstanding_usd"])


def test_each_bill_sits_in_the_bucket_of_its_age(bundled: ac.Ledger, owed: pd.DataFrame) -> None:
    as_of = dt.date.fromisoformat(AS_OF)
    expected: dict[tuple[str, str], float] = {}
    for bill in bundled.of_type(ac.CloudBill):
        key = (bill.provider, bucket((as_of - age_start(bill)).days))
        expected[key] = expected.get(key, 0.0) + float(bill.unpaid.amount)
    got = {
        (row["provider"], name): row[name]
        for _, row in owed.iterrows()
        for name in AGE_BUCKETS
        if row[name]
    }
    assert got == pytest.approx(expected)
    # the August AWS bill falls due on October 31: not yet overdue
    assert ("aws", "0-30") in got


def test_nothing_is_outstanding_before_the_bills(bundled: ac.Ledger) -> None:
    out = arrears(bundled, as_of="2023-06-30").frame
    assert out.empty
    assert list(out.columns) == COLUMNS
    assert out["outstanding_usd"].dtype == "float64"


def test_a_month_means_its_last_day(bundled: ac.Ledger, owed: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(arrears(bundled, as_of="2023-10").frame, owed)


def test_payer_filter_and_other_sources(bundled: ac.Ledger, owed: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(arrears(bundled, AS_OF, entity="stability-ai").frame, owed)
    assert arrears(bundled, AS_OF, entity="aws").frame.empty
    pd.testing.assert_frame_equal(arrears(bundled.flows(), as_of=AS_OF).frame, owed)
    frames = {k: bundled.frame(k) for k in ("cloud_bills", "payments")}
    pd.testing.assert_frame_equal(arrears(frames, as_of=AS_OF).frame, owed)


def test_a_bill_paid_late(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(LATE))
    bill = led.of_type(ac.CloudBill)[0]
    billed = float(bill.billed.amount)  # type: ignore[union-attr]
    first, second = (float(p.amount.amount) for p in bill.payments)

    def outstanding(as_of: str) -> float:
        return float(arrears(led, as_of=as_of).frame["outstanding_usd"].sum())

    assert outstanding("2024-02-14") == 0  # not due yet
    assert outstanding("2024-02-15") == billed
    assert outstanding("2024-03-09") == billed
    assert outstanding("2024-03-10") == billed - first
    assert outstanding("2024-05-19") == billed - first
    assert outstanding("2024-05-20") == 0
    assert arrears(led, as_of="2024-06").frame.empty
    # ages count from the due date (February 15)
    april = arrears(led, as_of="2024-04-30").frame
    assert april["61-90"].item() == billed - first
    assert arrears(led, as_of="2024-04-15").frame["31-60"].item() == billed - first
    table = led.flows()
    assert table["status"].tolist() == ["billed", "paid", "paid"]
    assert table["amount_usd"].tolist() == [billed, first, second]
    assert set(table["record"].astype(object)) == {bill.id}


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["zeta", "alpha", "mid"]),  # payer
            st.sampled_from(["cloud-b", "cloud-a"]),  # provider
            st.integers(1, 9),  # month billed (2023)
            st.integers(1, 50),  # $M billed
            st.integers(0, 60),  # $M paid before the date
        ),
        min_size=1,
        max_size=12,
    )
)
def test_rows_follow_the_bills_of_every_payer_and_provider(
    bills: list[tuple[str, str, int, int, int]],
) -> None:
    """Several payers and providers, bills in any order, some paid in full: one row per payer
    and provider with unpaid bills, sorted, its records sorted and comma-separated, its
    outstanding amount what the bill records leave unpaid."""
    lines = ["sources:", "- {id: s, outlet: Test, title: Test, date: 2024-01}", "entities:"]
    for name in ("zeta", "alpha", "mid"):
        lines.append(f"- {{id: {name}, name: {name}, type: company}}")
    for name in ("cloud-b", "cloud-a"):
        lines.append(f"- {{id: {name}, name: {name}, type: cloud_provider}}")
    lines.append("cloud_bills:")
    for i, (payer, provider, month, billed, paid) in enumerate(bills):
        lines += [
            f"- id: bill-{(i * 7) % 13:02d}-{i}",
            f"  payer: {payer}",
            f"  provider: {provider}",
            f"  period: 2023-{month:02d}",
            f"  billed: ${billed}M",
        ]
        if paid:
            lines.append(f"  payments: [{{date: 2023-10-15, amount: ${min(paid, billed)}M}}]")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "ledger.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        led = ac.load(path)
    owed = arrears(led, as_of="2023-12-31").frame
    expected: dict[tuple[str, str], list[ac.CloudBill]] = {}
    for bill in led.of_type(ac.CloudBill):
        if bill.unpaid.amount > 0:
            expected.setdefault((bill.payer, bill.provider), []).append(bill)
    assert list(zip(owed["payer"], owed["provider"], strict=True)) == sorted(expected)
    for row in owed.itertuples():
        mine = expected[(row.payer, row.provider)]
        assert row.records == ",".join(sorted(b.id for b in mine))
        assert row.bills == len(mine)
        assert row.outstanding_usd == pytest.approx(
            float(ac.sum_money(b.unpaid for b in mine).amount)
        )
