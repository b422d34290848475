"""How ``aicapex query`` shows values of SQL types ledgers do not hold, in its three formats:
lists and structs, time-zone-aware timestamps, infinities and NaN."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from aicapex.cli import app

pytest.importorskip("duckdb")

LEDGER = '{"aicapex": 1, "entities": [{"id": "b", "name": "B", "type": "company"}]}'


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"NO_COLOR": "1", "COLUMNS": "200"})


@pytest.fixture
def ledger(tmp_path: Path) -> Path:
    path = tmp_path / "ledger.json"
    path.write_text(LEDGER, encoding="utf-8")
    return path


def _query(runner: CliRunner, ledger: Path, query: str, fmt: str) -> str:
    result = runner.invoke(app, ["query", str(ledger), query, "--format", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout


def _table(text: str) -> list[list[str]]:
    """The cells of a text table's rows (columns two spaces apart or more), header first,
    the count of rows left out."""
    return [re.split(r"\s{2,}", line.strip()) for line in text.splitlines()[:-1]]


def test_lists_and_structs_are_json_text_in_the_table(runner: CliRunner, ledger: Path) -> None:
    """The table showed Python's reprs: {'a': 1, 'b': [1.5, None]}."""
    query = (
        "select [1, 2] as l, {'a': 1, 'b': [1.5, null]} as s, map {'k': 'v'} as m, "
        "[['=x'], []] as ll, ['é' || chr(10)] as t"
    )
    table = _table(_query(runner, ledger, query, "table"))
    assert table == [
        ["l", "s", "m", "ll", "t"],
        ["[1, 2]", '{"a": 1, "b": [1.5, null]}', '{"k": "v"}', '[["=x"], []]', '["é\\n"]'],
    ]
    (row,) = csv.DictReader(io.StringIO(_query(runner, ledger, query, "csv"), newline=""))
    assert list(row.values()) == table[1]  # as CSV writes them


@pytest.mark.parametrize(
    ("zone", "shown"),
    [
        ("UTC", "2023-01-01T07:00:00+00:00"),
        ("Asia/Kolkata", "2023-01-01T12:30:00+05:30"),
        ("America/St_Johns", "2023-01-01T03:30:00-03:30"),
    ],
)
def test_times_with_a_zone_keep_their_offset(
    runner: CliRunner, ledger: Path, zone: str, shown: str
) -> None:
    """A TIMESTAMPTZ was shown in UTC with no offset (2023-01-01T07:00:00) in every format."""
    query = (
        f"set TimeZone = '{zone}'; select timestamptz '2023-01-01 12:00:00+05' as t, "
        "timestamptz '2023-01-01 12:00:00.25+05' as ms, "
        "timestamp '2023-01-01 12:00:00' as naive, timestamp '2023-01-01' as day"
    )
    expected = {
        "t": shown,
        "ms": shown.replace(":00+", ":00.250+").replace(":00-", ":00.250-"),
        "naive": "2023-01-01T12:00:00",
        "day": "2023-01-01",
    }
    (row,) = json.loads(_query(runner, ledger, query, "json"))["rows"]
    assert row == expected
    (row,) = csv.DictReader(io.StringIO(_query(runner, ledger, query, "csv"), newline=""))
    assert row == expected
    header, cells = _table(_query(runner, ledger, query, "table"))
    assert dict(zip(header, cells, strict=True)) == expected


def test_a_column_in_a_zone_with_two_offsets() -> None:
    from aicapex.export.tables import iso_dates

    times = pd.Series(pd.to_datetime(["2023-01-01", "2023-07-01 12:00", None], format="ISO8601"))
    paris = times.dt.tz_localize("Europe/Paris")
    assert iso_dates(paris).tolist() == [
        "2023-01-01T00:00:00+01:00",
        "2023-07-01T12:00:00+02:00",
        None,
    ]
    assert iso_dates(times).tolist() == ["2023-01-01T00:00:00", "2023-07-01T12:00:00", None]
    amsterdam = pd.Series(pd.to_datetime(["1900-01-01 12:00"])).dt.tz_localize("Europe/Amsterdam")
    assert iso_dates(amsterdam).tolist() == ["1900-01-01T12:00:00+00:19:32"]  # local mean time
    assert iso_dates(pd.Series([None], dtype="datetime64[ns, UTC]")).tolist() == [None]


def test_infinities_and_nan(runner: CliRunner, ledger: Path) -> None:
    """The table showed an infinity as an empty cell (JSON's null) where CSV had inf: now both
    show inf and -inf, and NaN as an empty cell; JSON has null for all (it has no infinity)."""
    query = (
        "select 'inf'::double as i, '-inf'::double as ni, 'nan'::double as n, "
        "null::double as nu, 1.5::double as f"
    )
    (row,) = json.loads(_query(runner, ledger, query, "json"))["rows"]
    assert row == {"i": None, "ni": None, "n": None, "nu": None, "f": 1.5}
    (row,) = csv.DictReader(io.StringIO(_query(runner, ledger, query, "csv"), newline=""))
    assert row == {"i": "inf", "ni": "-inf", "n": "", "nu": "", "f": "1.5"}
    head, row_line = _query(runner, ledger, query, "table").splitlines()[:2]
    ends = [m.end() for m in re.finditer(r"\S+", head)]  # numbers align right: under their end
    cells = [row_line[a:b].strip() for a, b in zip([0, *ends], ends, strict=False)]
    assert cells == ["inf", "-inf", "", "", "1.50"]
