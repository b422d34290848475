"""The text report says a round counted at a point of its span, or from another currency, as
reported ("closed $35.00M" for "$30M to $40M" said nothing of the range), and a burn of one
month names that month ("2024-03 to 2024-03"). Expected figures by hand from the records."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import aicapex as ac
from aicapex.htmlreport import render_html
from aicapex.render import render_report

LedgerText = Callable[..., Path]

# alpha: a closed round of $30M to $40M: counted at its midpoint, $35M.
# beta: an announced round of up to EUR 50M at 1.10: up to $55M (dated by its record's day).
# gamma: a closed round of exactly $5M: nothing more to say.
# zeta: compute $4M and revenue $1M in 2024-03 alone: $3M a month net, in 2024-03.
LEDGER = """
sources:
- {id: s, outlet: A, title: A, date: 2024-07-01}
entities:
- {id: alpha, name: Alpha, type: company}
- {id: beta, name: Beta, type: company}
- {id: gamma, name: Gamma, type: company}
- {id: zeta, name: Zeta, type: company}
fx_rates:
- {id: eur-2024, currency: EUR, date: 2024-01-01, usd: 1.10, sources: [s]}
funding_rounds:
- {id: a-round, company: alpha, date: 2023-11, status: closed, amount: $30M to $40M,
   sources: [s]}
- {id: b-round, company: beta, date: 2024-05, status: announced, amount: up to €50M,
   sources: [s]}
- {id: g-round, company: gamma, date: 2024-05, status: closed, amount: $5M, sources: [s]}
expenses:
- {id: z-c, company: zeta, category: compute, amount: $4M, date: 2024-03, sources: [s]}
revenues:
- {id: z-r, company: zeta, amount: $1M, date: 2024-03, sources: [s]}
"""


def test_rounds_as_reported_and_a_month_of_burn(ledger_text: LedgerText) -> None:
    text = render_report(ac.report(ac.load(ledger_text(LEDGER))))
    blocks = {b.split("\n", 1)[0]: b for b in text.split("\n\n")}
    alpha = blocks["== Alpha (alpha), as of 2023-11"]
    assert "funding        closed $35.00M\n               as reported: $30M to $40M (a-round)" in (
        alpha
    )
    beta = blocks["== Beta (beta), as of 2024-05-31"]  # the announcement's day, as a stake's
    assert "announced up to $55.00M\n               as reported: up to €50M (b-round)" in beta
    gamma = blocks["== Gamma (gamma), as of 2024-05"]
    assert "funding        closed $5.00M" in gamma
    assert "as reported" not in gamma
    zeta = blocks["== Zeta (zeta), as of 2024-03"]
    assert "($4.00M spent, $1.00M revenue; 2024-03)" in zeta


# omega: a round without an amount; fund-a put $10M, fund-b GBP 8M (at 1.25: $10M), fund-c an
# amount not reported: $20M counted, and fund-c's part said not to be in it.
PARTS = """
sources:
- {id: s, outlet: A, title: A, date: 2024-07-01}
entities:
- {id: omega, name: Omega, type: company}
- {id: fund-a, name: Fund A, type: investor}
- {id: fund-b, name: Fund B, type: investor}
- {id: fund-c, name: Fund C, type: investor}
fx_rates:
- {id: gbp-2024, currency: GBP, date: 2024-01-01, usd: 1.25, sources: [s]}
funding_rounds:
- {id: o-a, company: omega, date: 2024-02, status: closed, sources: [s],
   investors: [{investor: fund-a, amount: $10M}, {investor: fund-b, amount: £8M},
               {investor: fund-c}]}
"""


def test_investors_without_an_amount_are_said(ledger_text: LedgerText) -> None:
    data = ac.report(ac.load(ledger_text(PARTS)))
    (round_,) = data["companies"][0]["funding"]["rounds"]
    assert (round_["amount"], round_["amount_from"]) == (20e6, "participations")
    assert round_["written"] == "$10M + £8M (no amount for fund-c)"
    assert (
        "o-a: no amount reported; its investors' amounts counted: $10M + £8M (no amount for fund-c)"
    ) in render_report(data)


# one-sided gaps: gamma's revenue of $5M in 2024-Q1 and no compute; kappa's compute of $4M in
# 2024-03 and no revenue.
ONE_SIDED = """
sources:
- {id: s, outlet: A, title: A, date: 2024-07-01}
entities:
- {id: gamma, name: Gamma, type: company}
- {id: kappa, name: Kappa, type: company}
revenues:
- {id: g-r, company: gamma, amount: $5M, date: 2024-Q1, sources: [s]}
expenses:
- {id: k-c, company: kappa, category: compute, amount: $4M, date: 2024-03, sources: [s]}
"""


def test_a_gap_of_one_side_says_it(ledger_text: LedgerText) -> None:
    """It said "compute $0.00M = 0.0x revenue" of revenue alone, "compute $4.00M = no
    revenue" of compute alone (the HTML "$0.00M in 2024 = 0.0x revenue")."""
    ledger = ac.load(ledger_text(ONE_SIDED))
    data = ac.report(ledger)
    text = render_report(data)
    assert "compute gap    2024: no compute spending recorded; revenue $5.00M" in text
    assert "compute gap    2024: compute $4.00M, no revenue recorded" in text
    page = render_html(ledger, data, plots=False)
    assert "none recorded in 2024; revenue $5.00M" in page
    assert "$4.00M in 2024, no revenue recorded" in page
    assert "0.0x revenue" not in text + page


# chf-co: its one round is in CHF, which has no exchange rate: no total in US dollars.
NO_RATE = """
sources:
- {id: s, outlet: A, title: A, date: 2024-07-01}
entities:
- {id: chf-co, name: CHF Co, type: company}
funding_rounds:
- {id: chf-round, company: chf-co, date: 2024-02, status: closed, amount: CHF 20M,
   sources: [s]}
"""


def test_funding_of_rounds_without_a_rate_alone(ledger_text: LedgerText) -> None:
    """The funding line was left blank ("funding" and spaces) above the rounds in CHF."""
    ledger = ac.load(ledger_text(NO_RATE))
    lines = render_report(ac.report(ledger)).splitlines()
    at = [i for i, line in enumerate(lines) if line.startswith("funding")]
    assert [lines[i] for i in at] == [
        "funding        not in US dollars (no exchange rate): CHF 20M (chf-round)"
    ]
