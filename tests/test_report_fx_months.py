"""An exchange rate missing outside the months asked refuses only what reads those months: burn
checks dollars for the months it is asked (a missing July 2023 euro rate does not refuse the
burn of January to June 2024), and the report checks, for each section, the months it reads
(burn: the calendar year of the company's report date; compute gap: that year, or the fiscal year
of a company whose year ends on another day; arrears: the bills due by then; cash: the balance
alone). The runway, whose run rates read every month, is refused with
the records and months lacking a rate. Expected figures by hand from the records below."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import aicapex as ac
from aicapex.render import render_report
from aicapex.report import report

LedgerText = Callable[..., Path]

# euro-ai (the probe's e3_no_fx): EUR rates only from 2024-01-01 (1.08); nothing before.
#   payroll EUR 12M/yr over FY2024 (2023-07..2024-06): EUR 1M a month; 2023 months unrated,
#     2024 months $1.08M each.
#   compute EUR 2M 2023-09 (unrated), EUR 3M 2024-01 ($3.24M), EUR 1M 2024-04 ($1.08M).
#   revenue EUR 600k a month 2024-03..2024-06: $0.648M a month.
#   cash EUR 15.8M on 2024-06-30 -> $17.064M (report date 2024-06-30, calendar year 2024).
#   burn Jan..Jun 2024 (every month has records): payroll 1.08; compute (3.24 + 1.08) / 6
#     = 0.72; gross 1.80; revenue 4 * 0.648 / 6 = 0.432; net 1.368 a month.
#   compute gap FY2024 (its year ends June 30): 2023-07..2024-06 read, the 2023 euros unrated:
#     refused, naming them (it was the calendar 2024's, half of two fiscal years, as "2024").
# gbp-lab: GBP rate only from 2024-01-01 (1.25). Opex GBP 1M 2023-05 (unrated), GBP 2M
#   2024-02 ($2.5M); cash $40M on 2024-03-31 -> burn 2024 (one month, Feb): $2.5M a month.
# usd-co: report date 2023-12-31 (its balance, $30M): compute $2M a month 2023-01..2023-12,
#   revenue $0.5M 2023-06 -> burn 2023: gross 2, revenue 0.5 / 12, net 2 - 0.041667
#   = 1.958333 a month; compute gap 2023: 24 / 0.5 = 48. Its years (2023) and euro-ai's (2024)
#   are one run of years in the report: euro-ai's unrated 2023 months must not refuse it.
#   Bills: $1M (period 2023-11, due 2023-12-15) unpaid -> arrears $1M at 2023-12-31; a
#   CHF 2M bill due 2024-03-15 (no CHF rate at all) is not due by then: not read.
LEDGER = """
sources:
- {id: s, outlet: Test, title: Test, date: 2024-07-01}
entities:
- {id: euro-ai, name: Euro AI, type: company, fiscal_year_end: 06-30}
- {id: gbp-lab, name: GBP Lab, type: company}
- {id: usd-co, name: USD Co, type: company}
- {id: cloud, name: Cloud, type: cloud_provider}
fx_rates:
- {id: eur-2024, sources: [{source: s, quote: x}], currency: EUR, date: 2024-01-01, usd: 1.08}
- {id: gbp-2024, sources: [{source: s, quote: x}], currency: GBP, date: 2024-01-01, usd: 1.25}
expenses:
- {id: euro-payroll, company: euro-ai, category: payroll, rate: €12M/yr, date: FY2024}
- {id: euro-compute-2023-09, company: euro-ai, category: compute, amount: €2M, date: 2023-09}
- {id: euro-compute-2024-01, company: euro-ai, category: compute, amount: €3M, date: 2024-01}
- {id: euro-compute-2024-04, company: euro-ai, category: compute, amount: €1M, date: 2024-04}
- {id: gbp-opex-2023, company: gbp-lab, category: opex, amount: £1M, date: 2023-05}
- {id: gbp-opex-2024, company: gbp-lab, category: opex, amount: £2M, date: 2024-02}
- {id: usd-compute, company: usd-co, category: compute, rate: $2M/month, date: 2023-01,
   until: 2023-12}
revenues:
- {id: euro-subs, company: euro-ai, rate: €600k/month, date: 2024-03, until: 2024-06}
- {id: usd-rev, company: usd-co, amount: $0.5M, date: 2023-06}
cash_balances:
- {id: euro-cash, company: euro-ai, date: 2024-06-30, amount: €15.8M}
- {id: gbp-cash, company: gbp-lab, date: 2024-03-31, amount: $40M}
- {id: usd-cash, company: usd-co, date: 2023-12-31, amount: $30M}
cloud_bills:
- {id: usd-bill-11, payer: usd-co, provider: cloud, period: 2023-11, billed: $1M,
   due: 2023-12-15}
- {id: usd-bill-chf, payer: usd-co, provider: cloud, period: 2024-02, billed: CHF 2M,
   due: 2024-03-15}
"""


def _load(ledger_text: LedgerText) -> Any:
    with warnings.catch_warnings():  # the loader warns of the amounts without a rate
        warnings.simplefilter("ignore")
        return ac.load(ledger_text(LEDGER))


def test_burn_checks_dollars_only_in_the_months_asked(ledger_text: LedgerText) -> None:
    led = _load(ledger_text)
    b = ac.burn(led, "euro-ai", "2024-01", "2024-06").frame
    assert b["payroll"].tolist() == pytest.approx([1.08e6] * 6)
    assert b["compute"].tolist() == pytest.approx([3.24e6, 0, 0, 1.08e6, 0, 0])
    assert float(b["net_burn"].mean()) == pytest.approx(1.368e6)
    # the months without a rate are still refused when asked, naming the records
    with pytest.raises(ValueError, match="euro-compute-2023-09, euro-payroll"):
        ac.burn(led, "euro-ai", "2023-07", "2024-06")
    with pytest.raises(ValueError, match="gbp-opex-2023"):
        ac.burn(led, "gbp-lab")  # every month with flows: 2023-05 too


def test_the_report_checks_each_sections_months(ledger_text: LedgerText) -> None:
    data = report(_load(ledger_text))
    by_id = {c["id"]: c for c in data["companies"]}
    euro, gbp, usd = by_id["euro-ai"], by_id["gbp-lab"], by_id["usd-co"]
    # euro-ai: cash and burn of 2024 answered
    assert euro["as_of"] == "2024-06-30"
    assert euro["cash"]["amount"] == pytest.approx(17.064e6)
    assert euro["cash"]["record"] == "euro-cash"
    assert (euro["burn"]["from"], euro["burn"]["to"], euro["burn"]["months"]) == (
        "2024-01",
        "2024-06",
        6,
    )
    assert euro["burn"]["monthly_gross"] == pytest.approx(1.80e6)
    assert euro["burn"]["monthly_revenue"] == pytest.approx(0.432e6)
    assert euro["burn"]["monthly_net"] == pytest.approx(1.368e6)
    # its compute gap of FY2024 (2023-07..2024-06) reads the unrated 2023 euros: refused
    assert euro["compute_gap"] is None
    assert "euro-compute-2023-09 in 2023-09" in euro["reasons"]["compute_gap"]
    # its runway reads 2023's months (the run rates' window): refused, saying which
    assert euro["runway"] is None
    why = euro["reasons"]["runway"]
    assert "euro-compute-2023-09 in 2023-09" in why
    assert "euro-payroll in 2023-07 to 2023-12" in why
    assert "7 flows in EUR" in why  # 6 payroll months and one compute
    assert set(euro["reasons"]) == {"runway", "compute_gap"}
    # gbp-lab: burn of 2024 (February alone)
    assert gbp["burn"]["monthly_gross"] == pytest.approx(2.5e6)
    assert gbp["burn"]["months"] == 1
    assert gbp["cash"]["amount"] == 40e6
    assert "gbp-opex-2023 in 2023-05" in gbp["reasons"]["runway"]
    # usd-co: its own year, 2023, in the same run of years as euro-ai's 2024
    assert usd["as_of"] == "2023-12-31"
    assert usd["burn"]["monthly_net"] == pytest.approx(2e6 - 0.5e6 / 12, abs=0.01)
    assert usd["compute_gap"]["ratio"] == pytest.approx(48.0)
    assert usd["arrears"]["total"] == pytest.approx(1e6)  # the CHF bill not due by then
    assert usd["cash"]["amount"] == 30e6
    assert "usd-bill-chf in 2024-03" in usd["reasons"]["runway"]  # policy arrears pays it
    # the text shows the answers and the runway's reason
    text = render_report(data)
    assert "cash           $17.06M on 2024-06-30 (reported as €15.8M)" in text
    assert "burn           $1.37M/month net" in text


def test_a_missing_rate_in_the_report_year_still_refuses(ledger_text: LedgerText) -> None:
    """The check is narrowed, not dropped: with the 2024 euro rate gone too, euro-ai's burn and
    compute gap (2024) and its cash (EUR) are refused with the records; the others stand."""
    text = LEDGER.replace(
        "- {id: eur-2024, sources: [{source: s, quote: x}], currency: EUR, date: 2024-01-01, "
        "usd: 1.08}\n",
        "",
    )
    assert text != LEDGER
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = report(ac.load(ledger_text(text)))
    by_id = {c["id"]: c for c in data["companies"]}
    euro = by_id["euro-ai"]
    for section in ("cash", "burn", "compute_gap", "runway"):
        assert euro[section] is None, section
    assert "euro-compute-2024-01 in 2024-01" in euro["reasons"]["burn"]
    assert "2023" not in euro["reasons"]["burn"]  # only the months it reads
    assert "euro-cash" in euro["reasons"]["cash"]
    assert by_id["usd-co"]["burn"]["monthly_net"] == pytest.approx(2e6 - 0.5e6 / 12, abs=0.01)
