"""A compute contract's ramp (``ComputeContract.checks``): steps starting after the contract ends
and steps whose periods overlap are refused, located at the step (a ramp schedules the
contract's money, so either would count money the contract does not pay); the same rules hold
for bulk tables of contracts and their ramps (``read_table(..., "ramps", parents=...)``).
Figures worked by hand from the records here."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tablefiles import write_rows

import aicapex as ac
from aicapex import LedgerError
from aicapex.dates import PartialDate
from aicapex.table.bulk import read_table

LedgerText = Callable[..., Path]

HEAD = """
entities:
- {id: acme, name: Acme AI, type: company}
- {id: cloud, name: CloudCo, type: cloud_provider}
compute_contracts:
- id: k
  buyer: acme
  seller: cloud
  start: 2024-01
"""


def _contract(ledger_text: LedgerText, end: str | None, *steps: str) -> Path:
    """A contract from January 2024 (to ``end``) with ramp steps ``period: amount``."""
    text = textwrap.dedent(HEAD).lstrip("\n")
    if end is not None:
        text += f"  end: {end}\n"
    if steps:
        text += "  ramp:\n"
        for step in steps:
            period, amount = step.split(": ")
            text += f"  - period: {period}\n    amount: {amount}\n"
    return ledger_text(text)


def _problems(path: Path) -> list[tuple[int | None, str | None, str, str]]:
    """(line, field, expected, found) of each problem of loading ``path`` (all the contract's,
    inconsistent)."""
    problems: tuple[ac.Problem, ...] = ()
    try:
        ac.load(path)
    except LedgerError as exc:
        problems = exc.problems
    assert all(p.record_id == "k" and p.code == "inconsistent" for p in problems)
    return [(p.line, p.field, p.expected, p.found) for p in problems]


def _line(path: Path, text: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i + 1 for i, line in enumerate(lines) if line.strip() == text)


def _step_lines(path: Path) -> list[int]:
    """The line of each ramp step, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [i + 1 for i, line in enumerate(lines) if line.strip().startswith("- period:")]


# --- after the end ------------------------------------------------------------------------------


def test_a_step_after_the_end_is_refused_at_its_period(ledger_text: LedgerText) -> None:
    # without the check the flows scheduled $5M in 2027, two years after the contract ended
    path = _contract(ledger_text, "2025-12", "2024: $10M", "2025: $20M", "2027: $5M")
    with pytest.raises(LedgerError) as info:
        ac.load(path)
    (p,) = info.value.problems
    assert (p.file, p.line, p.kind, p.index, p.record_id, p.field, p.code) == (
        str(path),
        _line(path, "- period: 2027"),
        "compute_contracts",
        0,
        "k",
        "ramp.2.period",
        "inconsistent",
    )
    assert (p.expected, p.found) == ("a period starting on or before the end 2025-12", "2027")
    assert str(p) == (
        f"{path}:{p.line}: compute_contracts[0] k: ramp.2.period: expected a period starting on "
        "or before the end 2025-12, got 2027"
    )


@pytest.mark.parametrize(
    ("end", "step", "refused"),
    [
        ("2025-06", "2025", False),  # a year step past a mid-year end: the sources' years
        ("2025-12-31", "2025-12-31", False),  # starts on the last day
        ("2025-12-30", "2025-12-31", True),  # the day after
        ("2025", "2026-01", True),
        ("FY2025", "Q1 2026", True),  # a fiscal year as a calendar year, as records compare
        ("2025", "2025..2026", False),  # a span starting within the contract
    ],
)
def test_the_end_by_days(ledger_text: LedgerText, end: str, step: str, refused: bool) -> None:
    path = _contract(ledger_text, end, f"{step}: $1M")
    assert [f for _, f, _, _ in _problems(path)] == (["ramp.0.period"] if refused else [])


def test_no_end_no_limit(ledger_text: LedgerText) -> None:
    assert _problems(_contract(ledger_text, None, "2024: $1M", "2031: $1M")) == []


# --- overlapping steps ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("steps", "refused"),
    [
        # a half-year inside the year: its money counted twice ($10M + $6M in 2024)
        (("2024: $10M", "2024-H2: $6M"), [("ramp.1.period", "ramp.0.period is 2024", "2024-H2")]),
        # listed first, still the one reported: the steps by their first day
        (("2024-H2: $6M", "2024: $10M"), [("ramp.0.period", "ramp.1.period is 2024", "2024-H2")]),
        (("2025: $1M", "2025: $2M"), [("ramp.1.period", "ramp.0.period is 2025", "2025")]),
        # one day shared: 2024-Q4 ends on 2024-12-31
        (
            ("2024-Q4: $1M", "2024-12-31: $1M", "2025: $1M"),
            [("ramp.1.period", "ramp.0.period is 2024-Q4", "2024-12-31")],
        ),
        # a long step reaching over two: each named against it
        (
            ("2024..2025: $2M", "2025-Q1: $1M", "2025-Q3: $1M"),
            [
                ("ramp.1.period", "ramp.0.period is 2024..2025", "2025-Q1"),
                ("ramp.2.period", "ramp.0.period is 2024..2025", "2025-Q3"),
            ],
        ),
        # back to back: apart
        (("2024-H1: $1M", "2024-H2: $1M", "2025: $1M"), []),
        (("2025: $1M", "2024-Q4: $1M", "2024-01: $1M"), []),
    ],
)
def test_overlapping_steps(
    ledger_text: LedgerText, steps: tuple[str, ...], refused: list[tuple[str, str, str]]
) -> None:
    path = _contract(ledger_text, None, *steps)
    got = _problems(path)
    assert [(f, e, x) for _, f, e, x in got] == [
        (field, f"a period apart from the other steps' ({other})", found)
        for field, other, found in refused
    ]
    for line, field, _, _ in got:
        assert field is not None
        assert line == _step_lines(path)[int(field.split(".")[1])]


def test_rate_steps_overlap_too(ledger_text: LedgerText) -> None:
    text = textwrap.dedent(HEAD).lstrip("\n") + (
        "  ramp:\n  - {period: 2024, rate: $1M/month}\n  - {period: 2024-06, amount: $2M}\n"
    )
    (p,) = [f for _, f, _, _ in _problems(ledger_text(text))]
    assert p == "ramp.1.period"


def test_a_valid_ramp_schedules_its_steps(ledger_text: LedgerText) -> None:
    # $10M over 2024 and $2M a month over 2025: $10M + $24M = $34M, the contract to 2025-12
    text = textwrap.dedent(HEAD).lstrip("\n") + (
        "  end: 2025-12\n  ramp:\n"
        "  - {period: 2024, amount: $10M}\n"
        "  - {period: 2025, rate: $2M/month}\n"
    )
    flows = ac.load(ledger_text(text)).flows()
    mine = flows[flows["record"] == "k"]
    by_year = mine.groupby(mine["date"].dt.year)["amount_usd"].sum().to_dict()
    assert by_year == {2024: pytest.approx(10e6), 2025: pytest.approx(24e6)}


# --- the same rules on bulk tables ------------------------------------------------------------


def _tables(tmp_path: Path, contracts: list[dict[str, Any]], steps: list[dict[str, Any]], fmt: str):
    return (
        write_rows(tmp_path, contracts, fmt, "contracts"),
        write_rows(tmp_path, steps, fmt, "ramps"),
    )


def _table_problems(paths: tuple[Path, Path]) -> list[tuple[Any, ...]]:
    try:
        read_table(paths[1], "ramps", parents=paths[0])
    except LedgerError as exc:
        return sorted((p.record_id, p.field, p.code, p.expected, p.found) for p in exc.problems)
    return []


def _load_problems(
    tmp_path: Path, contracts: list[dict[str, Any]], steps: list[dict[str, Any]]
) -> list[tuple[Any, ...]]:
    records = [{k: v for k, v in c.items() if v is not None} for c in contracts]
    for record in records:
        record["ramp"] = [
            {"period": s["period"], "amount": s["amount"]}
            for s in steps
            if s["contract"] == record["id"]
        ]
    data = {
        "entities": [
            {"id": "acme", "name": "Acme", "type": "company"},
            {"id": "cloud", "name": "Cloud", "type": "company"},
        ],
        "compute_contracts": records,
    }
    path = tmp_path / "ledger.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    try:
        ac.load(path)
    except LedgerError as exc:
        return sorted(
            (p.record_id, p.field, p.code, p.expected, p.found)
            for p in exc.problems
            if p.field is not None and p.field.startswith("ramp.")
        )
    return []


def _c(cid: str, start: str, end: str | None) -> dict[str, Any]:
    return {"id": cid, "buyer": "acme", "seller": "cloud", "start": start, "end": end}


def _s(cid: str, period: str, amount: str = "$1M") -> dict[str, Any]:
    return {"contract": cid, "buyer": "acme", "period": period, "amount": amount}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tables_refuse_what_the_loader_refuses(tmp_path: Path, fmt: str) -> None:
    contracts = [_c("k1", "2024-01", "2025-12"), _c("k2", "2024", None), _c("k3", "2024", "2026")]
    steps = [
        _s("k1", "2024"),
        _s("k2", "2024-H2"),
        _s("k1", "2027"),  # after k1's end
        _s("k2", "2024"),  # overlaps k2's 2024-H2
        _s("k3", "2025"),
        _s("k1", "2025"),
        _s("k3", "2026-06"),
    ]
    got = _table_problems(_tables(tmp_path, contracts, steps, fmt))
    assert got == _load_problems(tmp_path, contracts, steps)
    assert got == [
        (
            "k1",
            "ramp.1.period",
            "inconsistent",
            "a period starting on or before the end 2025-12",
            "2027",
        ),
        (
            "k2",
            "ramp.0.period",
            "inconsistent",
            "a period apart from the other steps' (ramp.1.period is 2024)",
            "2024-H2",
        ),
    ]


def _day(text: str, side: int) -> Any:
    return PartialDate.parse(text).sort_key()[side]


DATES = ["2023-12-31", "2024-01-01", "2023-12", "2024-01", "2024-Q1", "2023-H2", "2024",
         "2023", "FY2024", "late 2023", "mid-2024", "2023..2024", "2025", "2024-12"]  # fmt: skip


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    contracts=st.lists(
        st.tuples(st.sampled_from(DATES), st.none() | st.sampled_from(DATES)),
        min_size=1,
        max_size=3,
    ),
    steps=st.lists(st.tuples(st.integers(0, 2), st.sampled_from(DATES)), min_size=1, max_size=8),
    fmt=st.sampled_from(["csv", "parquet"]),
)
def test_random_ramps_with_ends(
    tmp_path_factory: pytest.TempPathFactory,
    contracts: list[tuple[str, str | None]],
    steps: list[tuple[int, str]],
    fmt: str,
) -> None:
    tmp_path = tmp_path_factory.mktemp("ramps")
    parents = []
    for i, (start, end) in enumerate(contracts):
        if end is not None and _day(end, 1) < _day(start, 0):
            start, end = end, start  # a contract ending before it starts: a problem of its own
        parents.append(_c(f"k{i}", start, end))
    rows = [_s(f"k{c % len(contracts)}", period) for c, period in steps]
    got = _table_problems(_tables(tmp_path, parents, rows, fmt))
    assert [g for g in got if g[1].startswith("ramp.")] == _load_problems(tmp_path, parents, rows)


# --- fiscal years -------------------------------------------------------------------------------

FISCAL = """
entities:
- {id: acme, name: Acme AI, type: company, fiscal_year_end: 06-30}
- {id: cloud, name: CloudCo, type: cloud_provider}
compute_contracts:
- id: k
  buyer: acme
  seller: cloud
  fiscal_year_of: acme
"""


def _fiscal(ledger_text: LedgerText, start: str, end: str, *steps: str) -> Path:
    text = textwrap.dedent(FISCAL).lstrip("\n") + f"  start: {start}\n  end: {end}\n  ramp:\n"
    for step in steps:
        period, amount = step.split(": ")
        text += f"  - period: {period}\n    amount: {amount}\n"
    return ledger_text(text)


def test_a_fiscal_year_step_is_its_owners_year(ledger_text: LedgerText) -> None:
    """Acme's year ends June 30: FY2025 runs 2024-07 to 2025-06, so a step in FY2025 of a
    contract of 2024-07 to 2024-12 starts before the contract ends (it was refused, the check
    reading FY2025 as the calendar year 2025); the flows spread its $6M over FY2025's 12
    months, $0.5M each."""
    led = ac.load(_fiscal(ledger_text, "2024-07", "2024-12", "FY2025: $6M"))
    flows = led.flows()
    mine = flows[flows["record"] == "k"]
    assert len(mine) == 12
    assert str(mine["month"].min())[:7] == "2024-07"
    assert str(mine["month"].max())[:7] == "2025-06"
    assert mine["amount_usd"].sum() == pytest.approx(6e6)


def test_fiscal_and_calendar_steps_are_not_compared(ledger_text: LedgerText) -> None:
    """FY2025 (2024-07 to 2025-06 for acme) and 2025-H2 are apart: the ledger loads (it was
    refused as overlapping). Where a fiscal year falls is its owner's; a record alone does not
    know it, so fiscal-year steps are compared for overlaps among themselves only."""
    led = ac.load(_fiscal(ledger_text, "2024-07", "2025-12", "FY2025: $6M", "2025-H2: $3M"))
    assert len(led.records("compute_contracts")[0].ramp) == 2
    # two fiscal years that are one: still an overlap
    path = _fiscal(ledger_text, "2024-07", "2026-06", "FY2025: $6M", "FY2025: $1M")
    with pytest.raises(LedgerError) as info:
        ac.load(path)
    assert [(p.field, p.found) for p in info.value.problems] == [("ramp.1.period", "FY2025")]


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_tables_take_fiscal_steps_as_the_loader_does(tmp_path: Path, fmt: str) -> None:
    contracts = [_c("k1", "2024-07", "2024-12"), _c("k2", "2024-07", "2025-12")]
    steps = [_s("k1", "FY2025"), _s("k2", "FY2025"), _s("k2", "2025-H2"), _s("k2", "2026")]
    got = _table_problems(_tables(tmp_path, contracts, steps, fmt))
    assert got == _load_problems(tmp_path, contracts, steps)
    # acme's year ends December 31 here (no fiscal_year_end): FY2025 is 2025, after k1's end
    # (aicapex.checks.contracts, in the owner's years); k2's FY2025 and 2025-H2 overlap, but
    # its own check refuses 2026 first (a ledger checks across records once they are valid)
    assert got == [
        (
            "k1",
            "ramp.0.period",
            "inconsistent",
            "a period starting on or before the end 2024-12",
            "FY2025",
        ),
        (
            "k2",
            "ramp.2.period",
            "inconsistent",
            "a period starting on or before the end 2025-12",
            "2026",
        ),
    ]
