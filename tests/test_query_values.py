"""What leaves ``ac.sql`` and ``aicapex query``: exact integer sums past 2**53 (amounts near
the limit of a record, $10^15), and values of SQL types ledgers do not hold (lists, structs,
maps, blobs, times with fractions of a second) in every output format, never a traceback."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app

pytest.importorskip("duckdb")

LedgerText = Callable[..., Path]

#: Three expenses of $10^15 (the largest amount a record takes) and one of a cent, two
#: companies with ids a journal or SQL might trip on.
HUGE = """
entities:
- {id: big+co, name: "大公司 \\"B\\"", type: company}
- {id: acme.ai:x, name: Acme, type: company}
expenses:
- {id: e.1, company: big+co, amount: "$1,000,000,000,000,000", date: 2023-01-05, category: opex}
- {id: e.2, company: big+co, amount: "$1,000,000,000,000,000", date: 2023-02-05, category: opex}
- {id: e.3, company: acme.ai:x, amount: "$1,000,000,000,000,000", date: 2023-03-05,
   category: opex}
- {id: e.4, company: acme.ai:x, amount: $0.01, date: 2023-03-06, category: opex}
"""

#: 3 * 10^15 dollars and a cent, in cents: 300000000000000001 (a float holds ...000000).
TOTAL_CENTS = 3 * 10**17 + 1


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"})


def test_sums_of_cents_past_2_53_are_exact(ledger_text: LedgerText) -> None:
    """They came back as floats (300000000000000000.0 for ...001): DuckDB's 128-bit sums reach
    pandas as floats, and only those below 2**53 were made integers again."""
    led = ac.load(ledger_text(HUGE))
    assert float(TOTAL_CENTS) != TOTAL_CENTS
    out = ac.sql(led, "select sum(cents) as c, sum(direction * cents) as net from flows")
    assert out["c"].tolist() == [TOTAL_CENTS]
    assert out["net"].tolist() == [-TOTAL_CENTS]
    assert str(out["c"].dtype) == "Int64"
    by = ac.sql(led, "select entity, sum(cents) as c from flows group by 1 order by 1")
    assert by.to_dict("list") == {"entity": ["acme.ai:x", "big+co"], "c": [10**17 + 1, 2 * 10**17]}
    past = ac.sql(led, "select sum(cents) * 1000 as c from flows")
    assert past["c"].tolist() == [TOTAL_CENTS * 1000]  # past 64 bits: a Python int
    assert isinstance(past["c"].iloc[0], int)
    empty = ac.sql(led, "select sum(cents) as c from flows where false")
    assert empty["c"].isna().all()


def test_the_command_prints_exact_sums(runner: CliRunner, ledger_text: LedgerText) -> None:
    path = ledger_text(HUGE)
    query = "select sum(cents) as c, sum(cents) * 1000 as k from flows"
    result = runner.invoke(app, ["query", str(path), query, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"] == [{"c": TOTAL_CENTS, "k": TOTAL_CENTS * 1000}]
    result = runner.invoke(app, ["query", str(path), query, "--format", "csv"])
    assert result.stdout == f"c,k\n{TOTAL_CENTS},{TOTAL_CENTS * 1000}\n"
    result = runner.invoke(app, ["query", str(path), query])
    assert str(TOTAL_CENTS) in result.stdout


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(-(2**62), 2**62), min_size=1, max_size=20))
def test_integer_sums_equal_pythons(cents: list[int]) -> None:
    """Any cents (within int64 each), summed by SQL, equal their sum in Python to the unit."""
    frame = pd.DataFrame({"cents": pd.array(cents, dtype="int64")})
    out = ac.sql({"flows": frame}, "select sum(cents) as s, count(*) as n from flows")
    assert int(out["s"].iloc[0]) == sum(cents)
    assert out["n"].tolist() == [len(cents)]


VALUES = (
    "select [1, 2] as l, {'a': 1, 'b': [1.5, null]} as s, map {'k': 1} as m, "
    "'x\\x00'::blob as b, [['=x'], []] as ll, null::int[] as nl, "
    "timestamp '2023-01-01 12:34:56.789' as ts, time '12:30:00' as t, "
    "-5::hugeint as neg"
)


def test_values_of_other_sql_types(runner: CliRunner, ledger_text: LedgerText) -> None:
    """A list, struct, map or blob was a traceback in every format ('The truth value of an
    array ... is ambiguous', 'unhashable type'), a struct Python's repr in JSON ("{'a': 1}"),
    and a timestamp lost its milliseconds."""
    path = ledger_text(HUGE)
    result = runner.invoke(app, ["query", str(path), VALUES, "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["rows"] == [
        {
            "l": [1, 2],
            "s": {"a": 1, "b": [1.5, None]},
            "m": {"k": 1},
            "b": "x\\x00",
            "ll": [["=x"], []],
            "nl": None,
            "ts": "2023-01-01T12:34:56.789",
            "t": "12:30:00",
            "neg": -5,
        }
    ]
    result = runner.invoke(app, ["query", str(path), VALUES, "--format", "csv"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert rows == [
        {
            "l": "[1, 2]",
            "s": '{"a": 1, "b": [1.5, null]}',
            "m": '{"k": 1}',
            "b": "x\\x00",
            "ll": '[["=x"], []]',
            "nl": "",
            "ts": "2023-01-01T12:34:56.789",
            "t": "12:30:00",
            "neg": "-5",
        }
    ]
    result = runner.invoke(app, ["query", str(path), VALUES])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert "2023-01-01T12:34:56.789" in result.stdout


def test_fractions_of_seconds_are_kept_at_their_precision() -> None:
    from aicapex.export.tables import iso_dates

    column = pd.Series(
        pd.to_datetime(["2023-01-01 00:00:00", "2023-01-01 12:00:00.5", None], format="ISO8601"),
        dtype="M8[us]",
    )
    assert iso_dates(column).tolist() == [
        "2023-01-01T00:00:00.000",
        "2023-01-01T12:00:00.500",
        None,
    ]
    micro = pd.Series(pd.to_datetime(["2023-01-01 00:00:00.000001"]), dtype="M8[us]")
    assert iso_dates(micro).tolist() == ["2023-01-01T00:00:00.000001"]
    whole = pd.Series(
        pd.to_datetime(["2023-01-01 01:02:03", "2023-01-02 00:00:00"]), dtype="M8[us]"
    )
    assert iso_dates(whole).tolist() == ["2023-01-01T01:02:03", "2023-01-02T00:00:00"]
    days = pd.Series(pd.to_datetime(["2023-01-01", None]), dtype="M8[us]")
    assert iso_dates(days).tolist() == ["2023-01-01", None]
