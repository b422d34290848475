"""The report's funding figures for rounds whose amount is not one figure: a round with
tranches but no amount (counted as the flows count it: its tranches not cancelled), and the
CSV's ``funding_usd`` with ceilings ("up to $2B": only the tranches count as raised, as the text
says). Expected figures by hand from the records in each test."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex as ac
from aicapex.render import render_report, render_report_csv
from aicapex.report import report

LedgerText = Callable[..., Path]

HEAD = """
sources:
- {id: s, outlet: Test, title: Test, date: 2024-01}
entities:
- {id: lab, name: Lab, type: company}
- {id: vc, name: VC, type: investor}
- {id: fund, name: Fund, type: investor}
fx_rates:
- {id: eur-2024, sources: [{source: s, quote: EUR 1.10}], currency: EUR, date: 2024-01-01,
   usd: 1.10}
"""

# Hand derivation (lab):
#   seed-ext: no amount, tranches $10M committed 2024-09-30, $5M disbursed 2024-07-15, $3M
#     cancelled -> the flows move 10 + 5 = $15M; the report's amount $15M ("$10M + $5M"),
#     status committed.
#   euro-b: no amount, one tranche EUR 20M disbursed 2024-03-20 at 1.10 -> $22M, closed.
#   series-a: $100M closed (an amount of its own).
#   by status: closed 22 + 100 = $122M; committed $15M.
PARTS = (
    HEAD
    + """
funding_rounds:
- id: seed-ext
  company: lab
  date: 2024-06
  status: committed
  investors: [{investor: vc}]
  tranches:
  - {amount: $10M, status: committed, date: 2024-09-30}
  - {amount: $5M, status: disbursed, date: 2024-07-15}
  - {amount: $3M, status: cancelled, date: 2024-08-01}
- id: euro-b
  company: lab
  date: 2024-03
  status: closed
  investors: [{investor: fund}]
  tranches:
  - {amount: €20M, status: disbursed, date: 2024-03-20}
- id: series-a
  company: lab
  date: 2024-01-10
  status: closed
  amount: $100M
"""
)


def _lab(data: dict[str, object]) -> dict[str, object]:
    (lab,) = [c for c in data["companies"] if c["id"] == "lab"]  # type: ignore[attr-defined]
    return lab  # type: ignore[no-any-return]


def test_a_round_without_an_amount_counts_its_tranches_not_cancelled(
    ledger_text: LedgerText,
) -> None:
    """Rounds known only by their tranches were listed with amount null, out of the totals and
    with no funding line, while the flows (and the committed runway) counted their money."""
    led = ac.load(ledger_text(PARTS))
    lab = _lab(report(led))
    funding = lab["funding"]
    assert funding["by_status"] == {"closed": 122e6, "committed": 15e6}
    rounds = {r["id"]: r for r in funding["rounds"]}
    seed, euro, series = rounds["seed-ext"], rounds["euro-b"], rounds["series-a"]
    assert (seed["amount"], seed["written"], seed["currency"]) == (15e6, "$10M + $5M", "USD")
    assert seed["amount_from"] == "tranches"
    assert seed["tranched"] == 15e6
    assert euro["amount"] == pytest.approx(22e6)
    assert (euro["written"], euro["currency"], euro["amount_from"]) == ("€20M", "EUR", "tranches")
    assert (series["amount"], series["amount_from"], series["tranched"]) == (100e6, "round", None)
    # the same money the flows move into the company for each round
    flows = led.flows()
    mine = flows[(flows["kind"] == "funding_rounds") & (flows["entity"] == "lab")]
    moved = mine.groupby(mine["record"].astype(object))["amount_usd"].sum()
    assert moved["seed-ext"] == pytest.approx(seed["amount"])
    assert moved["euro-b"] == pytest.approx(euro["amount"])
    # the text has a funding line, and says where the amounts come from
    text = render_report(report(led)).splitlines()
    (line,) = [x for x in text if x.startswith("funding")]
    assert line.endswith("closed $122.00M, committed $15.00M")
    said = "seed-ext: no amount reported; its tranches counted: $10M + $5M"
    assert any(x.strip() == said for x in text)
    # the CSV counts them as raised: 122 + 15
    row = next(csv.DictReader(io.StringIO(render_report_csv(report(led)))))
    assert float(row["funding_usd"]) == pytest.approx(137e6)


def test_a_round_whose_tranches_have_no_rate_is_listed_without_dollars(
    ledger_text: LedgerText,
) -> None:
    """A tranche in pounds without a rate: the round is listed as written, out of the totals."""
    text = PARTS.replace("€20M", "£20M")
    lab = _lab(report(ac.load(ledger_text(text))))
    rounds = {r["id"]: r for r in lab["funding"]["rounds"]}
    assert rounds["euro-b"]["amount"] is None
    assert rounds["euro-b"]["written"] == "£20M"
    assert lab["funding"]["by_status"] == {"closed": 100e6, "committed": 15e6}


# Hand derivation (lab), rounds announced, committed or closed count as raised, a ceiling by
# its tranches not cancelled only (the flows move its rest as 'conditional'):
#   a-1 closed $1B                                                           -> 1.00B
#   a-2 committed up to $2B: tranches $500M disbursed, $700M committed, $300M cancelled
#                                                                            -> 1.20B
#   a-3 announced up to EUR 1B (at 1.10: $1.1B), no tranches                 -> 0
#   a-4 rumoured $5B: not raised                                             -> 0
#   a-5 closed up to $100M, one tranche $50M disbursed                       -> 0.05B
#   funding_usd = 2.25B (it was 1.1 + 2 + 1.1 = 4.2B: every ceiling in full).
CEILINGS = (
    HEAD
    + """
funding_rounds:
- {id: a-1, company: lab, date: 2024-01-10, status: closed, amount: $1B}
- id: a-2
  company: lab
  date: 2024-02-01
  status: committed
  amount: up to $2B
  investors: [{investor: vc}]
  tranches:
  - {amount: $500M, status: disbursed, date: 2024-02-15}
  - {amount: $700M, status: committed, date: 2024-11-30}
  - {amount: $300M, status: cancelled, date: 2024-05-01}
- {id: a-3, company: lab, date: 2024-03-01, status: announced, amount: up to €1B}
- {id: a-4, company: lab, date: 2024-04-01, status: rumoured, amount: $5B}
- id: a-5
  company: lab
  date: 2024-05-01
  status: closed
  amount: up to $100M
  investors: [{investor: fund}]
  tranches:
  - {amount: $50M, status: disbursed, date: 2024-05-20}
"""
)


def test_csv_funding_counts_a_ceiling_by_its_tranches(ledger_text: LedgerText) -> None:
    led = ac.load(ledger_text(CEILINGS))
    data = report(led)
    row = next(csv.DictReader(io.StringIO(render_report_csv(data))))
    assert float(row["funding_usd"]) == pytest.approx(2.25e9)
    # what the flows move into the company as disbursed or committed, rumours aside
    flows = led.flows()
    mine = flows[(flows["kind"] == "funding_rounds") & (flows["entity"] == "lab")]
    firm = mine[mine["status"].isin(["disbursed", "committed"])]
    assert float(firm["amount_usd"].sum()) == pytest.approx(2.25e9)
    rounds = {r["id"]: r for r in _lab(data)["funding"]["rounds"]}
    assert {k: rounds[k]["tranched"] for k in rounds} == {
        "a-1": None,
        "a-2": 1.2e9,
        "a-3": None,
        "a-4": None,
        "a-5": 50e6,
    }
    # the JSON totals keep each figure's base; the text says what is a ceiling, and how much
    # of it is tranched
    assert _lab(data)["funding"]["by_status"] == pytest.approx(
        {"announced": 1.1e9, "closed": 1.1e9, "committed": 2e9, "rumoured": 5e9}
    )
    (line,) = [x for x in render_report(data).splitlines() if x.startswith("funding")]
    assert line.endswith(
        "announced up to $1.10B, closed $1.10B (up to $100.00M of it, $50.00M of that in "
        "tranches), committed up to $2.00B ($1.20B of it in tranches), rumoured $5.00B"
    )


def test_csv_funding_without_ceilings_is_the_raised_statuses(ledger_text: LedgerText) -> None:
    """No ceiling: the sum of the rounds announced, committed and closed (1B + EUR 400M at
    1.10 = 1.44B; the $9B sought not)."""
    text = (
        HEAD
        + """
funding_rounds:
- {id: b-1, company: lab, date: 2024-01-10, status: closed, amount: $1B}
- {id: b-2, company: lab, date: 2024-02-01, status: committed, amount: €400M}
- {id: b-3, company: lab, date: 2024-03-01, status: sought, amount: $9B}
"""
    )
    data = report(ac.load(ledger_text(text)))
    row = next(csv.DictReader(io.StringIO(render_report_csv(data))))
    assert float(row["funding_usd"]) == pytest.approx(1e9 + 0.44e9)


def test_participations_and_tranches_without_a_round_amount_count_as_the_flows(
    ledger_text: LedgerText,
) -> None:
    """A round without an amount with both: the flows move its tranches not cancelled, and what
    the participations' sum leaves beyond all its tranches (cancelled ones included).
    p-1: vc $5M + fund $5M, one $15M tranche committed -> 15 + max(10 - 15, 0) = $15M.
    p-2: vc $10M + fund $10M, $5M disbursed and $2M cancelled -> 5 + (20 - 7) = $18M (the
    report said $10M and $20M: the participations' sums)."""
    text = (
        HEAD
        + """
funding_rounds:
- id: p-1
  company: lab
  date: 2024-06
  status: committed
  investors: [{investor: vc, amount: $5M}, {investor: fund, amount: $5M}]
  tranches:
  - {amount: $15M, status: committed, date: 2024-09-30}
- id: p-2
  company: lab
  date: 2024-07
  status: committed
  investors: [{investor: vc, amount: $10M}, {investor: fund, amount: $10M}]
  tranches:
  - {amount: $5M, status: disbursed, date: 2024-07-15}
  - {amount: $2M, status: cancelled, date: 2024-08-01}
"""
    )
    led = ac.load(ledger_text(text))
    rounds = {r["id"]: r for r in _lab(report(led))["funding"]["rounds"]}
    assert (rounds["p-1"]["amount"], rounds["p-1"]["amount_from"]) == (15e6, "tranches")
    assert rounds["p-1"]["written"] == "$15M"
    assert (rounds["p-2"]["amount"], rounds["p-2"]["amount_from"]) == (18e6, "participations")
    assert (rounds["p-2"]["written"], rounds["p-2"]["tranched"]) == ("$10M + $10M", 5e6)
    flows = led.flows()
    mine = flows[(flows["kind"] == "funding_rounds") & (flows["entity"] == "lab")]
    moved = mine.groupby(mine["record"].astype(object))["amount_usd"].sum()
    assert moved.to_dict() == pytest.approx({"p-1": 15e6, "p-2": 18e6})
