"""Wording, docs and robustness findings of a code review and a probe, each said as the code
does it: the arrears policy's sentences name only bills fallen due; committed money before a
runway's balance said as written; grouped figures refused with the figure's own currency and
number (rates too); the SQL export's NUL problems caught alone and quoted short."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import aicapex as ac
from aicapex.analysis.inbalance import CommittedBefore
from aicapex.export.sqlscript import ledger_script

LedgerText = Callable[..., Path]

BILLS = """\
aicapex: 1
sources:
- {id: s1, outlet: Test, title: A, date: 2024-01}
entities:
- {id: acme, name: Acme, type: company}
- {id: cloudco, name: CloudCo, type: cloud_provider}
cash_balances:
- {id: acme-cash, sources: [s1], company: acme, date: 2023-10-31, amount: $20M}
expenses:
- {id: acme-opex, sources: [s1], company: acme, category: opex, rate: $1M/month,
   date: 2023-01, until: 2023-10}
cloud_bills:
- {id: bill-due, sources: [s1], payer: acme, provider: cloudco, period: 2023-08,
   billed: $2M, due: 2023-09-15}
- {id: bill-later, sources: [s1], payer: acme, provider: cloudco, period: 2023-09,
   billed: $3M, due: 2023-11-15}
"""


def test_the_arrears_policy_says_it_pays_the_bills_fallen_due(ledger_text: LedgerText) -> None:
    """At the end of October 2023 bill-due ($2M, due 2023-09-15) is unpaid and due: 46 days
    past due (September 15 to October 31), bucket 31-60, its due date the oldest; bill-later
    ($3M, September's usage) falls due on 2023-11-15: not in arrears, not paid by the policy.
    The policy's sentences said 'bills unpaid at 2023-10', bill-later among them by those
    words; they say 'bills due and unpaid'."""
    led = ac.load(ledger_text(BILLS))
    frame = ac.arrears(led, as_of="2023-10").frame
    assert frame["records"].tolist() == ["bill-due"]
    assert frame["outstanding_usd"].tolist() == [2e6]
    assert frame["31-60"].tolist() == [2e6]
    assert frame["oldest"].tolist() == [pd.Timestamp("2023-09-15")]
    r = ac.runway(led, "acme", as_of="2023-10", policy="arrears")
    said = [a for a in r.assumptions if "paid at once" in a]
    assert said == [
        "policy 'arrears': bills due and unpaid at 2023-10 are paid at once",
        "acme: bills due and unpaid at 2023-10 paid at once (bill-due)",
    ]


NUL_NOTE = """\
aicapex: 1
sources:
- {id: s1, outlet: Test, title: A, date: 2024-01}
entities:
- {id: acme, name: Acme, type: company}
cash_balances:
- {id: c0, sources: [s1], company: acme, date: 2023-10-31, amount: $20M,
   note: "%s"}
"""


def _nul_ledger(ledger_text: LedgerText) -> ac.Ledger:
    """A cash balance whose note is 1,000 'a', a NUL, 999 'b': 2,000 characters."""
    return ac.load(ledger_text(NUL_NOTE % ("a" * 1000 + "\\0" + "b" * 999)))


def test_a_nul_in_a_long_text_is_quoted_around_the_nul(ledger_text: LedgerText) -> None:
    """The problem quoted the whole 2,000-character note; now 20 characters on each side of
    the NUL (at character 1,001), the text's length and where the NUL is."""
    led = _nul_ledger(ledger_text)
    with pytest.raises(ac.LedgerError) as caught:
        ledger_script(led, led.flows())
    (p,) = caught.value.problems
    assert (p.record_id, p.field, p.code) == ("c0", "note", "invalid-value")
    shown = "'..." + "a" * 20 + "\\x00" + "b" * 20 + "...'"
    assert p.found == (
        f"{shown}, a text of 2,000 characters holding a NUL character (U+0000) at character 1,001"
    )


def test_another_value_error_of_the_sql_export_is_said_as_itself(
    ledger_text: LedgerText,
) -> None:
    """batch=0 is refused by the script ('batch: expected at least one row per statement');
    with a NUL in the ledger, that refusal was reported as the ledger's NUL problem."""
    led = _nul_ledger(ledger_text)
    with pytest.raises(ValueError, match=r"^batch: expected at least one row") as caught:
        ledger_script(led, led.flows(), batch=0)
    assert not isinstance(caught.value, ac.LedgerError)


TRANCHES = """\
aicapex: 1
sources:
- {id: s1, outlet: Test, title: A, date: 2024-06}
entities:
- {id: beta, name: Beta, type: company}
- {id: inv-a, name: Inv A, type: investor}
cash_balances:
- {id: beta-cash, sources: [s1], company: beta, date: 2024-03, amount: $12M}
expenses:
- {id: beta-payroll, sources: [s1], company: beta, category: payroll, rate: $2M/month,
   date: 2024-01, until: 2024-03}
funding_rounds:
- id: beta-a
  sources: [s1]
  company: beta
  date: 2024-01
  status: committed
  investors: [{investor: inv-a}]
  tranches:
  - {amount: €6M, status: committed, date: 2024-02-15}
- id: beta-b
  sources: [s1]
  company: beta
  date: 2024-01
  status: committed
  investors: [{investor: inv-a}]
  tranches:
  - {amount: $1 to 6M, status: committed, date: 2024-02-20}
"""


def _tranches_said(led: ac.Ledger) -> list[str]:
    r = ac.runway(led, "beta", as_of="2024-03", policy="disbursed")
    return [a.split(" committed on ")[0] for a in r.assumptions if ": tranche of " in a]


def test_committed_tranches_before_the_balance_are_said_as_written(
    ledger_text: LedgerText,
) -> None:
    """beta-a's tranche is €6M without a euro rate: it was said '(n/a)'; beta-b's is '$1 to
    6M' ($1 to $6M, read by its midpoint $3,000,000.50): it was said '($3.00M)'. With a euro
    rate of $1.10 on 2024-02-15, €6M is $6.60M (6 x 1.1), said beside the euros."""
    led = ac.load(ledger_text(TRANCHES))
    assert _tranches_said(led) == [
        "beta: tranche of beta-a (€6M, no exchange rate)",
        "beta: tranche of beta-b ($1 to $6M)",
    ]
    rated = TRANCHES + "fx_rates:\n- {id: fx, currency: EUR, date: 2024-02-15, usd: 1.1}\n"
    assert _tranches_said(ac.load(ledger_text(rated)))[0] == (
        "beta: tranche of beta-a (€6M, $6.60M)"
    )


def test_a_currency_no_money_has_is_said_not_raised() -> None:
    """A flows table of one's own may write its currency 'usd' (no Money has it): the
    sentence says the figure with it, it raised ValueError ('3-letter upper-case code')."""
    rows = pd.DataFrame(
        {
            "entity": ["beta"],
            "kind": ["funding_rounds"],
            "record": ["r1"],
            "date": [pd.Timestamp("2024-02-15")],
            "amount_usd": [float("nan")],
            "direction": [1],
            "balance_date": [pd.Timestamp("2024-03-31")],
            "balance_record": ["cash"],
            "amount": [6e6],
            "currency": ["usd"],
            "low_usd": [float("nan")],
            "high_usd": [float("nan")],
        }
    )
    (said,) = CommittedBefore(rows).sentences("disbursed")
    assert said.startswith("beta: tranche of r1 (6,000,000.00 usd, no exchange rate) committed")


GROUPED = """\
aicapex: 1
sources:
- {id: s1, outlet: Test, title: A, date: 2024-01}
entities:
- {id: acme, name: Acme, type: company}
- {id: cloudco, name: CloudCo, type: cloud_provider}
cloud_bills:
- {id: b1, sources: [s1], payer: acme, provider: cloudco, period: 2023-08, billed: '€1.000'}
expenses:
- {id: e1, sources: [s1], company: acme, category: opex, rate: '€7.000/month', date: 2023-01}
"""


def test_grouped_money_and_rates_are_refused_in_their_own_currency_and_number(
    ledger_text: LedgerText,
) -> None:
    """'€1.000' was told "money like '$7,000' or '$7'" (another currency, another number);
    '€7.000/month' only "a rate like '$99M/yr'", no word of the point and three zeros. Each is
    now told its own figure both ways: 1,000 or 1 euros; 7,000 or 7 euros a month."""
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(ledger_text(GROUPED))
    said = {(p.record_id, p.field, p.code): (p.expected, p.found) for p in caught.value.problems}
    assert said == {
        ("b1", "billed", "bad-money"): (
            "money like '€1,000' or '€1' (1,000 by the thousands separator of many languages, "
            "1 by the decimal point)",
            "'€1.000'",
        ),
        ("e1", "rate", "bad-rate"): (
            "a rate like '€7,000/month' or '€7/month' (7,000 by the thousands separator of "
            "many languages, 7 by the decimal point)",
            "'€7.000/month'",
        ),
    }
