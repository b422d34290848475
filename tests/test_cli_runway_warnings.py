"""`aicapex runway` refused for want of an exchange rate prints the warnings of the records its
message names (where they are and why), only those of the runway's company: a word of the
message that is also another company's record id ('rate') is no record of this runway."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from aicapex.cli import app

LEDGER = """\
sources:
- {id: no, outlet: X, title: t, date: 2024-03}
entities:
- {id: the, name: The Co, type: company}
- {id: other, name: Other Co, type: company}
cash_balances:
- {id: c1, company: the, date: 2024-03, amount: €12M, sources: [no]}
expenses:
- {id: exchange, company: the, category: compute, date: 2024-01, until: 2024-12,
   rate: €1M/month, sources: [no]}
- {id: rate, company: other, category: compute, date: 2024-01, until: 2024-12,
   rate: €1M/month, sources: [no]}
"""


def test_only_the_company_s_records_are_shown(tmp_path: Path) -> None:
    path = tmp_path / "eur.yaml"
    path.write_text(LEDGER, encoding="utf-8")
    result = CliRunner().invoke(app, ["runway", str(path), "the"])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[-1].startswith("error: runway needs US-dollar cash balances, but c1")
    shown = [line.split(": ")[1] for line in lines[:-1]]
    # c1 (named) and 'exchange' (a word of the message, the company's own expense); not 'rate',
    # another company's expense, though 'rate' is a word of the message too
    assert shown == ["warning", "warning"]
    assert any("c1" in line for line in lines[:-1])
    assert any("exchange" in line for line in lines[:-1])
    assert not any("expenses[1] rate" in line for line in lines)
