"""Parquet columns of types a CSV cannot hold, read as the ledger reads text:

- a timestamp with a time zone is the day on its own clock (2023-05-01 00:00 in Paris was read
  as 2023-04-30 22:00, the UTC instant: the day before, and not a day);
- a timestamp outside the years 1900..2200, which the loader refuses in text, is refused (year 1
  and 9999, stored in microseconds, overflowed nanoseconds silently to 1754-08-30 and 1816-03-29;
  year 1 in ``reported`` raised a ValueError from inside the library);
- a free-text column of bytes (binary) is refused as an id column of bytes is (one holding a
  byte that is no UTF-8 raised a UnicodeDecodeError from pandas).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import aicapex as ac
from aicapex.errors import LedgerError


def _write(path: Path, **columns: pa.Array) -> Path:
    base = {
        "id": pa.array(["e1", "e2"]),
        "company": pa.array(["acme", "acme"]),
        "category": pa.array(["opex", "compute"]),
        "amount": pa.array(["$1M", "$2M"]),
        "date": pa.array(["2023-05", "2023-06"]),
    }
    pq.write_table(pa.table({**base, **columns}), path)
    return path


@pytest.mark.parametrize("zone", ["Europe/Paris", "America/Los_Angeles", "UTC"])
def test_a_timestamp_with_a_zone_is_the_day_on_its_clock(tmp_path: Path, zone: str) -> None:
    here = ZoneInfo(zone)
    stamps = [dt.datetime(2023, 5, 1, tzinfo=here), dt.datetime(2023, 6, 30, 23, 30, tzinfo=here)]
    path = _write(tmp_path / "e.parquet", date=pa.array(stamps, pa.timestamp("us", tz=zone)))
    # Parquet stores the instants: midnight of May 1 in Paris is 22:00 UTC on April 30
    frame = ac.read_table(path, "expenses")
    assert [str(d) for d in frame["date_start"]] == ["2023-05-01 00:00:00", "2023-06-30 00:00:00"]
    assert list(frame["date_end"]) == list(frame["date_start"])


@pytest.mark.parametrize("field", ["date", "until", "reported"])
def test_a_timestamp_past_the_years_read_is_refused_at_its_row(tmp_path: Path, field: str) -> None:
    stamps = [dt.datetime(2023, 5, 1), dt.datetime(1, 1, 1), dt.datetime(9999, 12, 31)]
    three = {
        "id": pa.array(["e1", "e2", "e3"]),
        "company": pa.array(["acme"] * 3),
        "category": pa.array(["opex"] * 3),
        "amount": pa.array(["$1M"] * 3),
        "date": pa.array(["2023-01"] * 3),
    }
    three[field] = pa.array(stamps, pa.timestamp("us"))
    path = tmp_path / "e.parquet"
    pq.write_table(pa.table(three), path)
    with pytest.raises(LedgerError) as caught:
        ac.read_table(path, "expenses")
    got = [(p.index, p.record_id, p.field, p.code, p.found) for p in caught.value.problems]
    assert got == [
        (1, "e2", field, "bad-date", "'0001-01-01' (year must be in 1900..2200)"),
        (2, "e3", field, "bad-date", "'9999-12-31' (year must be in 1900..2200)"),
    ]
    assert caught.value.problems[0].expected == "a date in the years 1900 to 2200"


def test_a_timestamp_in_the_years_read_is_its_day(tmp_path: Path) -> None:
    stamps = [dt.datetime(1900, 1, 1), dt.datetime(2200, 12, 31, 12)]
    path = _write(tmp_path / "e.parquet", date=pa.array(stamps, pa.timestamp("ms")))
    frame = ac.read_table(path, "expenses")
    assert [str(d) for d in frame["date_start"]] == ["1900-01-01 00:00:00", "2200-12-31 00:00:00"]


@pytest.mark.parametrize("cells", [[b"n", b"m"], [b"n", b"\xff\xfe"]])
def test_a_text_column_of_bytes_is_refused(tmp_path: Path, cells: list[bytes]) -> None:
    path = _write(tmp_path / "e.parquet", note=pa.array(cells, pa.binary()))
    with pytest.raises(LedgerError) as caught:
        ac.read_table(path, "expenses")
    (problem,) = caught.value.problems
    assert (problem.field, problem.code) == ("note", "wrong-column-type")
    assert (problem.expected, problem.found) == (
        "text (a string column)",
        "a column of object (bytes values)",
    )


def test_a_text_column_of_text_is_read(tmp_path: Path) -> None:
    path = _write(tmp_path / "e.parquet", note=pa.array(["n", None]))
    assert list(ac.read_table(path, "expenses")["note"].fillna("-")) == ["n", "-"]


@pytest.mark.parametrize(
    ("cells", "found"),
    [
        (pa.array([1.5, None]), "a column of float64 (floating values)"),
        (pa.array([True, False]), "a column of bool (boolean values)"),
        (pa.array([1, 2]), "a column of int64 (integer values)"),
    ],
)
@pytest.mark.parametrize("field", ["investors", "sources"])
def test_a_list_of_ids_that_is_no_text_is_refused(
    tmp_path: Path, field: str, cells: pa.Array, found: str
) -> None:
    # read as text they were ids: 1.5 cited the source '1.5', True the investor 'True'
    rounds = {
        "id": pa.array(["r1", "r2"]),
        "company": pa.array(["acme", "acme"]),
        "amount": pa.array(["$10M", "$20M"]),
        "date": pa.array(["2023-01", "2024-01"]),
        field: cells,
    }
    path = tmp_path / "rounds.parquet"
    pq.write_table(pa.table(rounds), path)
    with pytest.raises(LedgerError) as caught:
        ac.read_table(path, "funding_rounds")
    (problem,) = caught.value.problems
    assert (problem.field, problem.code) == (field, "wrong-column-type")
    assert (problem.expected, problem.found) == ("ids as text (a string column)", found)


@pytest.mark.parametrize("field", ["investors", "sources"])
def test_a_list_of_ids_as_text_is_read(tmp_path: Path, field: str) -> None:
    rounds = {
        "id": pa.array(["r1", "r2"]),
        "company": pa.array(["acme", "acme"]),
        "amount": pa.array(["$10M", "$20M"]),
        "date": pa.array(["2023-01", "2024-01"]),
        field: pa.array(["a, b", None]),
    }
    path = tmp_path / "rounds.parquet"
    pq.write_table(pa.table(rounds), path)
    assert list(ac.read_table(path, "funding_rounds")[field].fillna("")) == ["a,b", ""]


@pytest.mark.parametrize(
    ("cells", "found"),
    [
        (pa.array([100, 200]), "a column of int64 (integer values)"),
        (pa.array([True, False]), "a column of bool (boolean values)"),
    ],
)
def test_a_text_field_of_numbers_is_refused_as_the_loader_refuses_it(
    tmp_path: Path, cells: pa.Array, found: str
) -> None:
    # read as text, a sku of 100 was '100' and one of True 'True' (the loader: 'sku: 100' is
    # "expected text (a number or date in quotes: '2023'), got 100")
    moves = {
        "id": pa.array(["g1", "g2"]),
        "order": pa.array(["o1", "o1"]),
        "from_entity": pa.array(["acme", "acme"]),
        "to_entity": pa.array(["lab", "lab"]),
        "sku": cells,
        "quantity": pa.array([100, 200]),
        "date": pa.array(["2023-12", "2024-01"]),
    }
    path = tmp_path / "moves.parquet"
    pq.write_table(pa.table(moves), path)
    with pytest.raises(LedgerError) as caught:
        ac.read_table(path, "gpu_reallocations")
    (problem,) = caught.value.problems
    assert (problem.field, problem.code) == ("sku", "wrong-column-type")
    assert (problem.expected, problem.found) == ("text (a string column)", found)
    moves["sku"] = pa.array(["H100", "H100"])
    pq.write_table(pa.table(moves), path)
    assert list(ac.read_table(path, "gpu_reallocations")["sku"]) == ["H100", "H100"]
