"""Runways, arrears and reconciliations checked by hand on small ledgers (review 5, cash).

Each expected figure is worked out from the records written in the test, never copied from the
library's output.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import aicapex as ac
from aicapex.analysis.runway import runway_inputs
from aicapex.report import report

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2023-11}
"""

RANGED_BILL = (
    HEAD
    + """
entities:
- {id: a, name: A, type: company}
- {id: aws, name: AWS, type: cloud_provider}
expenses:
- {id: e1, company: a, category: compute, rate: $1M/month, date: 2023-01, until: 2023-12,
   sources: [s1]}
cloud_bills:
- {id: b1, payer: a, provider: aws, period: 2023-05, billed: about $5M, due: 2023-06-15,
   sources: [s1]}
cash_balances:
- {id: c1, company: a, date: 2023-06-30, amount: $10M, sources: [s1]}
"""
)


def test_policy_arrears_pays_each_end_of_an_unpaid_range(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(RANGED_BILL))
    # 'about $5M' unpaid: $4.5M to $5.5M owed (the arrears table says so)
    owed = ac.arrears(led, as_of="2023-06").frame.iloc[0]
    assert (owed["outstanding_low_usd"], owed["outstanding_high_usd"]) == (4.5e6, 5.5e6)
    # as of June (the balance's month): $10M less what is owed, then $1M a month
    r = ac.runway(led, "a", as_of="2023-06", policy="arrears").frame.iloc[0]
    assert r["months"] == pytest.approx(5.0)
    assert r["months_low"] == pytest.approx(4.5)  # the most owed: $5.5M
    assert r["months_high"] == pytest.approx(5.5)  # the least owed: $4.5M
    # as of July: paid in July, with July's $1M: 10 - 1 - 5 = 4 at the end of July
    r = ac.runway(led, "a", as_of="2023-07", policy="arrears").frame.iloc[0]
    assert (r["months_low"], r["months"], r["months_high"]) == pytest.approx((3.5, 4.0, 4.5))
    # the inputs scenarios roll forward pay the same ends
    inputs = runway_inputs(led, "a", as_of="2023-07", policy="arrears")
    start = inputs.start[:, 0]
    july = int(inputs.months.get_loc(pd.Timestamp("2023-07-01")))
    paid = inputs.flows[:, 0, inputs.streams.index("arrears"), july]
    assert list(start + paid) == pytest.approx([5e6, 4.5e6, 5.5e6])


GPU_BETWEEN_BALANCES = (
    HEAD
    + """
entities:
- {id: a, name: A, type: company}
- {id: nvidia, name: Nvidia, type: chip_vendor}
expenses:
- {id: e1, company: a, category: payroll, rate: $1M/month, date: 2023-01, until: 2023-12,
   sources: [s1]}
gpu_orders:
- {id: g1, buyer: a, vendor: nvidia, sku: H100, quantity: 1000, total: $30M, order_date: 2023-02,
   status: delivered, payments: [{date: 2023-03-15, amount: $30M}], sources: [s1]}
cash_balances:
- {id: c1, company: a, date: 2023-01-31, amount: $50M, sources: [s1]}
- {id: c2, company: a, date: 2023-06-30, amount: $15M, sources: [s1]}
"""
)


def test_reconcile_counts_gpu_cash_as_the_runway_does(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(GPU_BETWEEN_BALANCES))
    # February to June: $5M of payroll and the $30M paid for GPUs in March: 50 - 35 = 15
    row = ac.reconcile(led).frame.iloc[0]
    assert row["net_usd"] == pytest.approx(-35e6)
    assert row["expected_usd"] == pytest.approx(15e6)
    assert row["gap_usd"] == pytest.approx(0.0)
    assert bool(row["explained"])
    assert row["records"] == "e1,g1"
    # the runway from the first balance reaches the second's figure at the end of June
    first = led.frame("cash_balances").iloc[:1]
    path = ac.runway(led, "a", as_of="2023-01", cash=first).explain()
    june = path[path["month"] == pd.Timestamp("2023-06-01")]
    assert float(june["closing"].iloc[0]) == pytest.approx(15e6)
    # and validate has nothing to warn about
    assert not ac.reconcile(led).warnings


ONE_BALANCE = (
    HEAD
    + """
entities:
- {id: a, name: A, type: company}
expenses:
- {id: e1, company: a, category: compute, rate: $1M/month, date: 2023-01, until: 2023-12,
   sources: [s1]}
cash_balances:
- {id: c1, company: a, date: 2023-06-15, amount: $3M, sources: [s1]}
"""
)


@pytest.mark.parametrize(
    ("cash", "error", "words"),
    [
        ({"a": "lots"}, ValueError, "cash: expected a finite number of US dollars for 'a'"),
        ({"a": float("nan")}, ValueError, "got nan"),
        ({"a": float("inf")}, ValueError, "got inf"),
        ({"a": 1e30}, ValueError, "at most 1e+15"),
        ({"a": True}, ValueError, "got True"),
        ([1], TypeError, "cash: expected a frame like ledger.frame('cash_balances')"),
        (pd.DataFrame(), ValueError, "got one without id, company, date_end"),
    ],
)
def test_bad_cash_is_named(
    ledger_text: LedgerText, cash: object, error: type[Exception], words: str
) -> None:
    led = ac.load(ledger_text(ONE_BALANCE))
    with pytest.raises(error) as caught:
        ac.runway(led, "a", as_of="2023-07", cash=cash)  # type: ignore[arg-type]
    assert words in str(caught.value)


def test_cash_given_as_numbers_or_a_frame(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(ONE_BALANCE))
    # $3M at the end of July (a mapping's cash is at as_of), $1M a month through December:
    # three months and a fraction of none
    assert ac.runway(led, "a", as_of="2023-07", cash={"a": 3_000_000}).months == 3.0
    frame = led.frame("cash_balances")[["id", "company", "date_end", "amount_usd"]]
    frame = frame.assign(reported_start=pd.NaT)
    # from June 15: July's $1M leaves $2M at the end of July
    assert ac.runway(led.flows(), "a", as_of="2023-07", cash=frame).months == 2.0


def test_one_adjustment_not_in_a_list_is_named(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(ONE_BALANCE))
    with pytest.raises(TypeError, match=r"adjust: expected a list of adjustments.*put it in"):
        ac.runway(led, "a", as_of="2023-07", adjust=ac.Exclude(["e1"]))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="adjust: expected a list of adjustments"):
        ac.runway(led, "a", as_of="2023-07", adjust=None)  # type: ignore[arg-type]
    # in a list: the expense left out, the cash lasts
    assert ac.runway(led, "a", as_of="2023-07", adjust=[ac.Exclude(["e1"])]).months == float("inf")


RATED = (
    HEAD
    + """
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: aws, name: AWS, type: cloud_provider}
expenses:
- {id: a1, company: a, category: compute, amount: $1M, date: 2023-01, sources: [s1]}
- {id: a2, company: a, category: compute, amount: $1M, date: 2023-06, sources: [s1]}
- {id: b1, company: b, category: payroll, rate: $12M/yr, date: 2023, sources: [s1]}
- {id: b2, company: b, category: compute, amount: $3M, date: 2023-03, sources: [s1]}
revenues:
- {id: ar, company: a, amount: $100K, date: 2023-12, sources: [s1]}
cash_balances:
- {id: ca, company: a, date: 2023-06-30, amount: $2M, sources: [s1]}
- {id: cb, company: b, date: 2023-09, amount: $10M, sources: [s1]}
cloud_bills:
- {id: bb, payer: b, provider: aws, period: 2023-08, billed: $2M, due: 2023-09-30,
   payments: [{date: 2023-10-15, amount: $0.5M}], sources: [s1]}
"""
)


def test_records_name_what_the_run_rates_come_from(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(RATED))
    # a: compute $1M in January and $1M in June (a1, a2): $1M a month past June, the mean of
    # the two months with a record (February..May, between them, assumed at it too); from the
    # $2M of June 30, July and August: out on 2023-09-01, 2 months after June
    r = ac.runway(led, "a", as_of="2023-06")
    assert r.months == pytest.approx(2.0)
    assert r.cash_out == pd.Timestamp("2023-09-01")
    assert list(r.records) == ["a1", "a2", "ar", "ca"]
    assert any("in a month without one between its records" in a for a in r.assumptions)
    assert any("(over the months it has records)" in a for a in r.assumptions)
    # b: payroll $1M a month (b1, counted), compute $3M a month past March (b2, its run rate);
    # policy arrears pays the bill bb unpaid at the end of September: $8M, $4M a month
    r = ac.runway(led, "b", as_of="2023-09", policy="arrears")
    assert r.months == pytest.approx(2.0)
    assert list(r.records) == ["b1", "b2", "bb", "cb"]
    # every company at once lists the same records for each
    both = ac.runways(led, as_of="2023-09", policies=("disbursed", "arrears"))
    assert both["disbursed"].records_of("a") == ["a1", "a2", "ar", "ca"]
    assert both["arrears"].records_by_entity() == {
        "a": ["a1", "a2", "ar", "ca"],
        "b": ["b1", "b2", "bb", "cb"],
    }
    # compute given by burn_after: b2's run rate is not used, so b2 is not listed
    given = ac.runway(led, "b", as_of="2023-09", burn_after={"compute": 1e6})
    assert given.months == pytest.approx(5.0)  # $10M at $2M a month
    assert list(given.records) == ["b1", "cb"]
    # the report's runway names them too
    data = report(led, as_of="2023-09")
    company = {c["id"]: c for c in data["companies"]}
    assert company["a"]["runway"]["disbursed"]["records"] == ["a1", "a2", "ar", "ca"]


def test_a_flows_table_without_the_columns_analyses_read_is_refused() -> None:
    flows = pd.DataFrame(
        {
            "month": pd.to_datetime(["2023-01-01"]),
            "entity": ["a"],
            "direction": [-1],
            "amount_usd": [1e6],
            "kind": ["expenses"],
            "status": ["paid"],
        }
    )
    calls: list[Callable[[], object]] = [
        lambda: ac.runway(flows, "a", as_of="2023-01", cash={"a": 5e6}),
        lambda: ac.burn(flows, "a"),
        lambda: ac.compute_gap(flows, "a"),
        lambda: ac.arrears(flows, as_of="2023"),
    ]
    for call in calls:  # each raised KeyError 'payer' or 'date' from inside pandas
        with pytest.raises(ValueError, match=r"without \['date', 'payer', 'payee', 'amount'"):
            call()


TWO_REPORTS_OF_ONE_BALANCE = """
sources:
- {id: s1, outlet: Early, title: Early, date: 2023-07}
- {id: s2, outlet: Late, title: Late, date: 2023-09}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
expenses:
- {id: e1, company: a, category: compute, rate: $1M/month, date: 2023-01, until: 2023-12,
   sources: [s1]}
- {id: e2, company: b, category: compute, rate: $1M/month, date: 2023-01, until: 2023-12,
   sources: [s1]}
cash_balances:
- {id: c0, company: a, date: 2023-03, amount: $13M, sources: [s1]}
- {id: c1, company: a, date: 2023-06, amount: about $10M, sources: [s1]}
- {id: c2, company: a, date: 2023-06, amount: $6M, sources: [s2]}
- {id: c3, company: b, date: 2023-06, amount: $8M, sources: [s1]}
"""


def test_all_reports_of_a_balance_span_the_runway(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(TWO_REPORTS_OF_ONE_BALANCE))
    # latest: c2's $6M at $1M a month; earliest: c1's $10M ('about': $9M to $11M)
    latest = ac.runway(led, "a", as_of="2023-06").frame.iloc[0]
    assert (latest["months_low"], latest["months"], latest["months_high"]) == (6.0, 6.0, 6.0)
    # all: a balance is no sum: the latest figure, the range spanning $6M to $11M
    r = ac.runway(led, as_of="2023-06", conflicts="all")
    row = r.frame.set_index("entity").loc["a"]
    assert (row["months_low"], row["months"], row["months_high"]) == (6.0, 6.0, 11.0)
    assert row["balance_record"] == "c2"
    assert row["bound"] == "range"
    assert any(a.startswith("a: conflicting cash reports") and "c1" in a for a in r.assumptions)
    # b's single report is untouched: $8M, 8 months
    assert r.frame.set_index("entity").loc["b", "months_high"] == 8.0
    # reconcile: two reports of one date are not two balances; c0's $13M less March to June's
    # $3M is $10M, within c2's range $6M to $11M under 'all'; c2 alone ($6M) under 'latest'
    spanned = ac.reconcile(led, conflicts="all").frame
    assert list(zip(spanned["from_record"], spanned["to_record"], strict=True)) == [("c0", "c2")]
    assert spanned["expected_usd"].tolist() == [10e6]
    assert spanned["explained"].tolist() == [True]
    assert ac.reconcile(led).frame["explained"].tolist() == [False]


def test_arrears_need_a_date(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(RANGED_BILL))
    # None was read as no date: every bill left out, an empty table (b1's $5M is unpaid)
    for as_of in (None, {"a": None}):
        with pytest.raises(ValueError, match="arrears needs as_of"):
            ac.arrears(led, as_of=as_of)  # type: ignore[arg-type]
    assert ac.arrears(led, as_of={"a": "2023-06"}).frame["outstanding_usd"].sum() == 5e6


def test_a_date_that_is_a_list_is_named(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(RANGED_BILL))
    calls: list[Callable[[], object]] = [
        lambda: ac.runway(led, "a", as_of=["2023-06"]),  # type: ignore[arg-type]
        lambda: ac.runway(led, as_of={"a": ["2023-06"]}),  # type: ignore[dict-item]
        lambda: ac.burn(led, "a", start=["2023-01"]),  # type: ignore[arg-type]
        lambda: ac.compute_gap(led, "a", period={"2023"}),  # type: ignore[arg-type]
        lambda: ac.arrears(led, as_of=["2023-06"]),  # type: ignore[arg-type]
    ]
    for call in calls:  # pandas' "Cannot convert input [['2023-06']] ... to Timestamp" before
        with pytest.raises(TypeError, match="expected a date like '2023-10-31'"):
            call()


def test_policies_given_as_text_are_named(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(RANGED_BILL))
    # it read the letters: "expected a policy among (...), got 'd'"
    with pytest.raises(TypeError, match=r"policies: expected a list of policies, got 'disbursed'"):
        ac.runways(led, "a", as_of="2023-06", policies="disbursed")  # type: ignore[arg-type]
    assert ac.runways(led, "a", as_of="2023-06", policies=["arrears"])["arrears"].months == 5.0
