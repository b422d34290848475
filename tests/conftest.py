"""Shared fixtures: the bundled ledger, inline ledger text, and the outside shared data."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

import aicapex
from aicapex.ledger import Ledger
from aicapex.loading import SCENARIO_SUFFIXES

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
