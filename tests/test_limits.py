"""Bounded reading: files above ``max_bytes`` are refused before they are read; devices and
pipes are read up to the limit only; the limits of scalars."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

import aicapex
from aicapex import LedgerError
from aicapex.files import read_limited
from aicapex.limits import MAX_BYTES, SCALAR_LIMITS, check_text, read_decimal, read_int

needs_dev_zero = pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")


def _too_large(call: object, *args: object, **kwargs: object) -> str:
    with pytest.raises(LedgerError) as info:
        call(*args, **kwargs)  # type: ignore[operator]
    [problem] = info.value.problems
    assert problem.code == "too-large"
    return problem.found


def test_a_file_above_the_limit_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("entities: []\n" + "# padding\n" * 100, encoding="utf-8")
    assert _too_large(aicapex.load, path, max_bytes=100) == f"{path.stat().st_size:,} bytes"
    assert len(aicapex.load(path, max_bytes=10_000)) == 0
    table = tmp_path / "big.csv"
    table.write_text("id,company,category,amount,date\n" + "a,b,opex,$1M,2023\n" * 20)
    assert _too_large(aicapex.read_table, table, "expenses", max_bytes=100).endswith(" bytes")


@needs_dev_zero
def test_a_device_is_read_up_to_the_limit_only(tmp_path: Path) -> None:
    link = tmp_path / "zero.yaml"
    link.symlink_to("/dev/zero")
    found = _too_large(aicapex.load, link, max_bytes=4096)
    assert found == "more than 4,096 bytes (a device or a pipe)"
    table = tmp_path / "zero.csv"
    table.symlink_to("/dev/zero")
    _too_large(aicapex.read_table, table, "expenses", max_bytes=4096)


def test_a_pipe_is_read_up_to_the_limit_only(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)

    def write() -> None:
        try:
            with open(fifo, "wb") as out:
                for _ in range(100):
                    out.write(b"# " + b"x" * 1000 + b"\n")
        except BrokenPipeError:  # the reader stops at the limit
            pass

    writer = threading.Thread(target=write)
    writer.start()
    try:
        with pytest.raises(LedgerError) as info:
            aicapex.load(fifo, max_bytes=10_000)
    finally:
        writer.join(timeout=10)
    assert info.value.problems[0].code == "too-large"


def test_read_limited_small_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_bytes(b"x" * 10)
    assert read_limited(path, 10) == b"x" * 10


def test_the_default_limit_is_one_gigabyte() -> None:
    assert MAX_BYTES == 1_000_000_000


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("9" * 41, "too-long"),
        ("1e400", "out-of-range"),
        ("1e-400", "out-of-range"),
        ("NaN", "out-of-range"),
    ],
)
def test_numbers_past_their_limits_are_refused(text: str, code: str) -> None:
    value = read_decimal(text)
    assert getattr(value, "code", None) == code
    if text.isdigit():
        assert getattr(read_int(text), "code", None) == code


def test_numbers_within_their_limits() -> None:
    assert read_int("9" * 40) == int("9" * 40)
    assert str(read_decimal("1.0956")) == "1.0956"
    assert str(read_decimal("0")) == "0"
    assert str(read_decimal("1e300")) == "1E+300"


def test_text_limits() -> None:
    for kind, (limit, _) in SCALAR_LIMITS.items():
        assert check_text("x" * limit, kind) is None
        checked = check_text("x" * (limit + 1), kind)
        assert checked is not None
        assert checked[2] == "too-long"
        assert f"{limit + 1:,} characters" in checked[1]


def test_rates_adding_up_past_the_largest_amount_are_refused(tmp_path: Path) -> None:
    """$500T a month from 1900 to 2023 added up to more cents than int64 holds: compiling the
    flows raised an OverflowError (aicapex validate, report and flows showed a traceback)."""
    path = tmp_path / "big.yaml"
    path.write_text(
        """
entities:
- {id: acme, name: Acme, type: company}
- {id: cloud, name: Cloud, type: cloud_provider}
expenses:
- {id: e1, company: acme, category: opex, rate: $500T/month, date: 1900-01, until: 2023-12}
- {id: e2, company: acme, category: opex, rate: $50T/month, date: 2023-01, until: 2023-12}
compute_contracts:
- {id: k1, buyer: acme, seller: cloud, start: 1900-01, end: 2200-12, rate: $1T/day}
- id: k2
  buyer: acme
  seller: cloud
  start: 2023-01
  ramp: [{period: 1900..2200, rate: $100T/month}]
""",
        encoding="utf-8",
    )
    with pytest.raises(LedgerError) as info:
        aicapex.load(path)
    found = {(p.record_id, p.field, p.code) for p in info.value.problems}
    assert found == {
        ("e1", "rate", "out-of-range"),
        ("k1", "rate", "out-of-range"),
        ("k2", "ramp.0.rate", "out-of-range"),
    }
    (e1,) = [p for p in info.value.problems if p.record_id == "e1"]
    assert e1.found == "$500T/month over 1,488 months, $744,000T"
    assert "at most $1,000T" in e1.expected


def test_bulk_tables_refuse_amounts_and_rates_past_the_largest_amount(tmp_path: Path) -> None:
    """A table's amount of $999,999T, 1e300 or a rate adding up past it were cents overflowing
    int64 in the flows: silently negative burn."""
    table = tmp_path / "expenses.csv"
    table.write_text(
        "id,company,category,amount,rate,date,until\n"
        "e1,acme,opex,$999999T,,2023-01,\n"
        "e2,acme,opex,,$500T/month,1900-01,2023-12\n"
        "e3,acme,opex,$1M,,2023-01,\n"
        "e4,acme,opex,,$1M/month,1900-01,2023-12\n",
        encoding="utf-8",
    )
    with pytest.raises(LedgerError) as info:
        aicapex.read_table(table, "expenses")
    found = [(p.line, p.field, p.code) for p in info.value.problems]
    assert found == [(2, "amount", "out-of-range"), (3, "rate", "out-of-range")]
    contracts = tmp_path / "contracts.csv"
    contracts.write_text(
        "id,buyer,seller,start,end,rate\nk1,acme,aws,1900-01,2200-12,$500T/month\n",
        encoding="utf-8",
    )
    with pytest.raises(LedgerError) as info:
        aicapex.read_table(contracts, "compute_contracts")
    assert [(p.line, p.field) for p in info.value.problems] == [(2, "rate")]


def test_gpu_orders_worth_more_than_the_largest_amount_are_refused(tmp_path: Path) -> None:
    """A billion GPUs at $1,000T each was held at int64's largest number of cents in the flows
    (silently $92,233,720B)."""
    path = tmp_path / "orders.yaml"
    path.write_text(
        """
entities:
- {id: acme, name: Acme, type: company}
- {id: nv, name: NV, type: chip_vendor}
gpu_orders:
- {id: o1, buyer: acme, vendor: nv, sku: H100, quantity: 1000000000, unit_price: $1000T,
   order_date: 2023-01}
- {id: o2, buyer: acme, vendor: nv, sku: H100, quantity: 1000, unit_price: $30K,
   order_date: 2023-01}
""",
        encoding="utf-8",
    )
    with pytest.raises(LedgerError) as info:
        aicapex.load(path)
    assert [(p.record_id, p.field, p.code) for p in info.value.problems] == [
        ("o1", "unit_price", "out-of-range")
    ]
    table = tmp_path / "orders.csv"
    table.write_text(
        "id,buyer,vendor,sku,quantity,unit_price,order_date\n"
        "o1,acme,nv,H100,1000000000,$1000T,2023-01\no2,acme,nv,H100,1000,$30K,2023-01\n",
        encoding="utf-8",
    )
    with pytest.raises(LedgerError) as info:
        aicapex.read_table(table, "gpu_orders")
    assert [(p.line, p.field, p.code) for p in info.value.problems] == [
        (2, "unit_price", "out-of-range")
    ]
