"""The report of a ledger where one company's cash balance has no exchange rate: that company's
cash and runway are refused with the reason, the other companies' reports stand (the whole
report failed with "runway needs US-dollar cash balances")."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app
from aicapex.report import report

HEAD = """\
sources:
- id: s1
  outlet: Example News
  title: Cash
  date: 2024-06-01
entities:
- id: acme
  name: Acme
  type: company
- id: beta
  name: Beta
  type: company
expenses:
- id: beta-opex
  sources:
  - source: s1
    quote: Beta spends $1M a month.
  company: beta
  category: opex
  date: 2024
  rate: $1M/month
cash_balances:
- id: beta-cash
  sources:
  - source: s1
    quote: Beta had $20M.
  company: beta
  date: 2024-02
  amount: $20M
"""


def _balance(rid: str, date: str, amount: str) -> str:
    return f"""\
- id: {rid}
  sources:
  - source: s1
    quote: Acme had {amount}.
  company: acme
  date: {date}
  amount: {amount}
"""


def _companies(tmp_path: Path, *balances: str, tail: str = "") -> dict[str, Any]:
    path = tmp_path / "ledger.yaml"
    path.write_text(HEAD + "".join(balances) + tail, encoding="utf-8")
    return {c["id"]: c for c in report(ac.load(path))["companies"]}


def test_one_company_without_a_rate_leaves_the_others_report(tmp_path: Path) -> None:
    """Acme's EUR 20M has no rate: its cash and runway are null, the reason names the record
    and the currency. Beta: $20M at the end of February 2024, $1M a month (recorded through
    December, then at its run rate): $0 at the end of October 2025, 20 months."""
    companies = _companies(tmp_path, _balance("acme-cash", "2024-02", "EUR 20M"))
    acme, beta = companies["acme"], companies["beta"]
    assert acme["cash"] is None
    assert acme["runway"] is None
    for section in ("cash", "runway"):
        assert "acme-cash" in acme["reasons"][section]
        assert "EUR" in acme["reasons"][section]
    assert beta["runway"]["disbursed"]["months"] == 20.0
    assert beta["runway"]["disbursed"]["cash_out"] == "2025-11-01"
    assert beta["cash"]["amount"] == 20e6


def test_an_older_balance_without_a_rate_does_not_matter(tmp_path: Path) -> None:
    """Acme's runway starts from its latest balance ($5M, February 2024), not from the EUR one
    of 2023 that has no rate: its cash is that balance. Its runway is refused for another
    reason, said: no spending is recorded, so its burn is unknown (not nothing)."""
    companies = _companies(
        tmp_path,
        _balance("acme-cash-2023", "2023-06", "EUR 20M"),
        _balance("acme-cash-2024", "2024-02", "$5M"),
    )
    acme = companies["acme"]
    assert acme["cash"]["record"] == "acme-cash-2024"
    assert acme["cash"]["amount"] == 5e6
    assert acme["runway"] is None
    assert acme["reasons"]["runway"] == (
        "no expense, GPU order paid or investment recorded: its burn is unknown"
    )


def test_a_balance_with_a_rate_is_converted(tmp_path: Path) -> None:
    """With EUR at $1.10 in January 2024, Acme's EUR 20M is $22M."""
    rate = """\
fx_rates:
- id: eur-2024-01
  sources:
  - source: s1
    quote: The euro was worth $1.10.
  currency: EUR
  date: 2024-01
  usd: 1.10
"""
    companies = _companies(tmp_path, _balance("acme-cash", "2024-02", "EUR 20M"), tail=rate)
    assert companies["acme"]["cash"]["amount"] == 22e6
    assert companies["acme"]["cash"]["currency"] == "EUR"


def test_the_command_reports_and_exits_zero(tmp_path: Path) -> None:
    path = tmp_path / "ledger.yaml"
    path.write_text(HEAD + _balance("acme-cash", "2024-02", "EUR 20M"), encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    beta = next(c for c in data["companies"] if c["id"] == "beta")
    assert beta["runway"]["disbursed"]["months"] == 20.0
