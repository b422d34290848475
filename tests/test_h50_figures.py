"""Figures likely written wrong are warned of, impossible ones refused (helper-50's bad-input
review): a range whose ends are a million-fold apart ('$3 to 5 million' reads $3 to $5M), an
exchange rate written the other way round (150 dollars a yen), one no currency has (1e200
dollars a euro: a balance of EUR 5M was $5e206), a range of two currencies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import aicapex as ac

HEAD = """aicapex: 1
sources:
- {id: s1, outlet: Test, title: Test, date: 2024-01}
entities:
- {id: co, name: Co, type: company}
- {id: aws, name: AWS, type: cloud_provider}
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "l.yaml"
    path.write_text(HEAD + text)
    return path


def warnings_of(tmp_path: Path, text: str) -> list[ac.Problem]:
    return list(ac.load(write(tmp_path, text)).warnings)


def problems_of(tmp_path: Path, text: str) -> list[ac.Problem]:
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(write(tmp_path, text))
    return list(caught.value.problems)


@pytest.mark.parametrize(
    ("written", "ratio"),
    [
        # each end of a 'to' or 'between' range has its own scale: $3 and $5,000,000;
        # 5,000,000 / 3 = 1,666,667 (rounded)
        ("$3 to 5 million", "1,666,667"),
        ("between $3 and $5 million", "1,666,667"),
        # 2,000,000,000 / 2 = 1,000,000,000
        ("$2 to $2B", "1,000,000,000"),
    ],
)
def test_a_range_of_ends_a_million_fold_apart_is_warned_of(
    tmp_path: Path, written: str, ratio: str
) -> None:
    found = warnings_of(
        tmp_path,
        f"""cloud_bills:
- id: b1
  payer: co
  provider: aws
  period: 2023-08
  billed: {written}
  sources: [s1]
""",
    )
    assert [(p.code, p.severity, p.record_id, p.field, p.line) for p in found] == [
        ("implausible-figure", "warning", "b1", "billed", 12)
    ]
    assert found[0].found.endswith(f", a high end {ratio} times its low end")
    assert "'$3M to $5M' or '$3-5M'" in found[0].expected


def test_ranges_inside_items_and_rates_in_other_currencies_are_warned_of(
    tmp_path: Path,
) -> None:
    # a tranche of 'between €1 and €2 million' (2,000,000 / 1) and a rate of
    # '£10 to £20K a month' (20,000 / 10 = 2,000)
    found = warnings_of(
        tmp_path,
        """fx_rates:
- {id: eur, currency: EUR, date: 2023-01-01, usd: 1.1, sources: [s1]}
- {id: gbp, currency: GBP, date: 2023-01-01, usd: 1.25, sources: [s1]}
funding_rounds:
- id: r1
  company: co
  date: 2023-05
  amount: €5M
  tranches:
  - {amount: between €1 and €2 million, status: disbursed, date: 2023-06}
  sources: [s1]
expenses:
- {id: e1, company: co, category: opex, rate: £10 to £20K a month, date: 2023, sources: [s1]}
""",
    )
    said = sorted((p.record_id or "", p.field or "", p.found) for p in found)
    assert said == [
        ("e1", "rate", "£10 to £20K, a high end 2,000 times its low end"),
        ("r1", "tranches.0.amount", "€1 to €2M, a high end 2,000,000 times its low end"),
    ]
    assert {p.code for p in found} == {"implausible-figure"}


@pytest.mark.parametrize("written", ["$3-5 million", "$3M to $5M", "$500 to $5K", "$0 to $5M"])
def test_ranges_of_ends_near_each_other_are_not_warned_of(tmp_path: Path, written: str) -> None:
    # $3M-$5M; $500-$5,000 is 10 times; a range from nothing has no ratio
    text = f"""cash_balances:
- {{id: c1, company: co, date: 2023-09, amount: {written}, sources: [s1]}}
"""
    assert warnings_of(tmp_path, text) == []


def test_an_exchange_rate_written_the_other_way_round_is_warned_of(tmp_path: Path) -> None:
    # 150 yen a dollar written as 150 dollars a yen: a balance of JPY 1B read as $150B
    found = warnings_of(
        tmp_path,
        """fx_rates:
- {id: jpy, currency: JPY, date: 2023-01-01, usd: 150, sources: [s1]}
- {id: gold, currency: XAU, date: 2023-01-01, usd: 1950, sources: [s1]}
- {id: gbp, currency: GBP, date: 2023-01-01, usd: 1.25, sources: [s1]}
cash_balances:
- {id: c1, company: co, date: 2023-09, amount: JPY 1B, sources: [s1]}
""",
    )
    assert [(p.code, p.record_id, p.field, p.line) for p in found] == [
        ("implausible-figure", "jpy", "usd", 8)
    ]
    # 1 / 150 = 0.00666667 (6 significant digits)
    assert found[0].found == (
        "150: written the other way round, JPY per US dollar? (one JPY would then be "
        "0.00666667 US dollars)"
    )


def test_an_exchange_rate_no_currency_has_is_refused(tmp_path: Path) -> None:
    found = problems_of(
        tmp_path,
        """fx_rates:
- {id: eur, currency: EUR, date: 2023-01-01, usd: 1e200, sources: [s1]}
- {id: chf, currency: CHF, date: 2023-01-01, usd: 2000000, sources: [s1]}
cash_balances:
- {id: c1, company: co, date: 2023-09, amount: €5M, sources: [s1]}
""",
    )
    said = [(p.code, p.record_id, p.field, p.found) for p in found if not p.is_warning]
    assert said == [
        ("out-of-range", "eur", "usd", "1E+200"),
        ("out-of-range", "chf", "usd", "2,000,000"),
    ]
    assert found[0].expected == "US dollars per one EUR, at most 1,000,000"


def test_a_range_of_two_currencies_says_so(tmp_path: Path) -> None:
    (p,) = problems_of(
        tmp_path,
        """cash_balances:
- {id: c1, company: co, date: 2023-09, amount: $5M to €7M, sources: [s1]}
""",
    )
    assert (p.code, p.field, p.found) == ("bad-money", "amount", "'$5M to €7M'")
    assert p.expected == "money like '$3M to $4M', one currency"


def test_validate_strict_refuses_the_warning_and_plain_validate_shows_it(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        """cash_balances:
- {id: c1, company: co, date: 2023-09, amount: $3 to 5 million, sources: [s1]}
""",
    )
    command = [sys.executable, "-m", "aicapex", "validate", str(path)]
    plain = subprocess.run(command, capture_output=True, text=True, check=False)
    strict = subprocess.run([*command, "--strict"], capture_output=True, text=True, check=False)
    assert plain.returncode == 0
    assert f"{path}:8: warning: cash_balances[0] c1: amount: expected a range" in plain.stderr
    assert strict.returncode == 1
    assert "Traceback" not in plain.stderr + strict.stderr
