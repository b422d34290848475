"""Shared fixtures: the bundled ledger, inline ledger text, and the outside shared data."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

import aicapex
from aicapex.ledger import Ledger
from aicapex.notledger import SCENARIO_SUFFIXES

#: CI's profile (``AICAPEX_HYPOTHESIS=ci``, set by ``.ci/run``): the same examples on every run,
#: so that a landing never hangs on a new example found by chance (local runs stay random and
#: keep looking); a failure prints the blob that reproduces it.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("AICAPEX_HYPOTHESIS") == "ci":
    settings.load_profile("ci")

LedgerText = Callable[..., Path]


@pytest.fixture(scope="session")
def bundled() -> Ledger:
    """The bundled ledger (``data/``), loaded once per test session (ledgers are immutable)."""
    return aicapex.load(aicapex.bundled_data())


@pytest.fixture(scope="session")
def ledger_files() -> list[Path]:
    """The bundled ledger's files (its ``*.scenarios.yaml`` what-ifs are no ledger files)."""
    files = sorted(
        p for p in aicapex.bundled_data().rglob("*.yaml") if not p.name.endswith(SCENARIO_SUFFIXES)
    )
    assert files, "no ledger files in the bundled data"
    return files


#: Three companies for scenarios and simulations: Acme (a round with a disbursed and a
#: committed tranche, a ranged compute rate, revenue), Bolt (an unpaid bill) and Cole (revenue
#: above its spending); balances on different days.
_COMPANIES = """
sources:
- {id: s1, outlet: Example, title: A report, date: 2024-04}
entities:
- {id: acme, name: Acme AI, type: company}
- {id: bolt, name: Bolt AI, type: company}
- {id: cole, name: Cole AI, type: company}
- {id: fund, name: A fund, type: investor}
funding_rounds:
- id: acme-round
  company: acme
  date: 2023-08
  status: committed
  amount: $5M
  sources: [s1]
  investors: [{investor: fund}]
  tranches:
  - {amount: $2M, status: disbursed, date: 2023-08-15}
  - {amount: $3M, status: committed, date: 2023-12-15}
expenses:
- {id: acme-opex, company: acme, category: opex, rate: $1M/month, date: 2023, sources: [s1]}
- {id: acme-pay, company: acme, category: payroll, rate: $0.5M/month, date: 2023, sources: [s1]}
- id: acme-compute
  company: acme
  category: compute
  rate: about $0.6M/month
  date: 2023
  sources: [s1]
- {id: bolt-compute, company: bolt, category: compute, rate: $2M/month, date: 2023, sources: [s1]}
- {id: cole-opex, company: cole, category: opex, rate: $1M/month, date: 2023, sources: [s1]}
revenues:
- {id: acme-sales, company: acme, category: sales, rate: $0.2M/month, date: 2023, sources: [s1]}
- {id: cole-sales, company: cole, category: sales, rate: $3M/month, date: 2023, sources: [s1]}
cloud_bills:
- id: bolt-bill
  payer: bolt
  provider: fund
  period: 2023-08
  billed: $1.5M
  due: 2023-09-30
  sources: [s1]
cash_balances:
- {id: acme-cash, company: acme, date: 2023-10-10, amount: $6M, sources: [s1]}
- {id: bolt-cash, company: bolt, date: 2023-10-10, amount: $5M, sources: [s1]}
- {id: cole-cash, company: cole, date: 2023-09-20, amount: $1M, sources: [s1]}
"""


@pytest.fixture(scope="session")
def companies(tmp_path_factory: pytest.TempPathFactory) -> Ledger:
    """The three companies of :data:`_COMPANIES`, loaded once (ledgers are immutable)."""
    path = tmp_path_factory.mktemp("companies") / "ledger.yaml"
    path.write_text(_COMPANIES.lstrip("\n"), encoding="utf-8")
    return aicapex.load(path)


@pytest.fixture
def ledger_text(tmp_path: Path) -> LedgerText:
    """Write a few readable lines of ledger text to a file and return its path.

    ``ledger_text('''
        sources:
        - id: s
          ...
    ''')`` dedents the text (leading blank lines dropped) and writes ``ledger.yaml`` in
    ``tmp_path``; ``name=`` picks another file name (``.json`` for JSON text).
    """
    counter = iter(range(1_000_000))

    def write(text: str, name: str | None = None) -> Path:
        path = tmp_path / (name or f"ledger{next(counter) or ''}.yaml")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    return write


@pytest.fixture
def shared_data() -> Path:
    """``../shared/data`` beside the repository (outside data), or skip when it is absent."""
    path = Path(__file__).parents[2] / "shared" / "data"
    if not path.is_dir():
        pytest.skip("../shared/data is absent: outside data not available on this machine")
    return path
