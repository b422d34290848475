"""Generate the synthetic datasets of ``bench_loops.py``: money between 10,000 entities (about
1,000,000 flows) and 1,000,000 rows of GPU orders, deliveries and reallocations.

Usage::

    python benchmarks/gen_loops.py                     # -> benchmarks/.data/loops/, .data/gpus/
    python benchmarks/gen_loops.py --flows 100000 --gpu-rows 100000 --out /tmp/small

Deterministic for a given ``--seed``. Parquet tables of ``read_table`` kinds; money all USD.

``loops/`` (10,000 entities: 100 vendors ``e-00000``.., 900 investors ``e-00100``.., 9,000
companies ``e-01000``..; 2019-01..2025-12):

``funding_rounds`` + ``investments``
    a round per company and year it raises (one year in three at 1,000,000 flows), closed,
    with 1-3 investors each paying a share (a vendor among them one time in five: strategic
    money that can come back as purchases).
``gpu_orders`` + ``deliveries``
    orders of companies from vendors, committed, with one or two delivered batches.
``compute_contracts``
    signed contracts of companies with vendors, a monthly rate over 12-36 months.
``expenses``
    one-month expenses of companies, half with a vendor as counterparty, a quarter with another
    company: as many as make the flows table ``--flows`` rows.
``revenues``
    one-month revenues of companies, 40 % from a named customer (a company or a vendor).

``gpus/`` (the same entities; ``--gpu-rows`` rows in all):

``gpu_orders`` (40 %), ``deliveries`` (50 %: scheduled and delivered batches of the orders)
and ``gpu_reallocations`` (10 %: units of an order sent to another buyer, half of them in
exchange for a later reallocation back).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / ".data"

N_VENDORS = 100
N_INVESTORS = 900
N_ENTITIES = 10_000
YEARS = list(range(2019, 2026))
MONTHS = [f"{y}-{m:02d}" for y in YEARS for m in range(1, 13)]  # 84 months
EXPENSE_CATS = ["compute", "payroll", "opex", "tax", "other"]
REVENUE_CATS = ["sales", "subscription", "services", "licensing"]
SKUS = ["H100", "H200", "B200", "A100", "MI300X"]


def _ids(prefix: str, values: np.ndarray, width: int) -> np.ndarray:
    return np.char.add(prefix, np.char.zfill(values.astype(str), width)).astype(object)


def _entity(i: np.ndarray) -> np.ndarray:
    return _ids("e-", i, 5)


def _companies(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.integers(N_VENDORS + N_INVESTORS, N_ENTITIES, n)


def _sources(rng: np.random.Generator, n: int) -> pa.Array:
    return pa.array(_ids("src-", rng.integers(0, 5_000, n), 5), pa.string())


def _usd(n: int) -> pa.Array:
    return pa.array(np.full(n, "USD", dtype=object), pa.string())


def _money(rng: np.random.Generator, n: int, scale: float) -> np.ndarray:
    return np.round(rng.lognormal(np.log(scale), 1.0, n), 2)


def _rounds(rng: np.random.Generator, flows: int) -> dict[str, pa.Table]:
    n_co = N_ENTITIES - N_VENDORS - N_INVESTORS
    raises = rng.random((n_co, len(YEARS))) < min(flows / 3_000_000, 1.0)
    co, year = np.nonzero(raises)
    n = len(co)
    company = _entity(co + N_VENDORS + N_INVESTORS)
    ids = _ids("f-", np.arange(n), 7)
    month = rng.integers(1, 13, n)
    date = np.char.add(
        np.char.add(np.array(YEARS)[year].astype(str), "-"), np.char.zfill(month.astype(str), 2)
    )
    amount = _money(rng, n, 5e6)
    k = rng.integers(1, 4, n)
    parent = np.repeat(np.arange(n), k)
    strategic = rng.random(len(parent)) < 0.2
    investor = np.where(
        strategic,
        rng.integers(0, N_VENDORS, len(parent)),
        rng.integers(N_VENDORS, N_VENDORS + N_INVESTORS, len(parent)),
    )
    # one investor twice in a round pays once: drop repeats
    key = parent.astype(np.int64) * N_ENTITIES + investor
    _, first = np.unique(key, return_index=True)
    first.sort()
    parent, investor = parent[first], investor[first]
    shares = np.bincount(parent, minlength=n)
    part = np.round(amount[parent] / shares[parent], 2)
    part_sum = np.bincount(parent, weights=part, minlength=n)
    amount = np.round(part_sum, 2)  # the round is the sum of its parts
    names = _entity(investor)
    by_round = np.split(names, np.cumsum(shares)[:-1])
    rounds = pa.table(
        {
            "id": pa.array(ids, pa.string()),
            "company": pa.array(company, pa.string()),
            "date": pa.array(date.astype(object), pa.string()),
            "status": pa.array(np.full(n, "closed", dtype=object), pa.string()),
            "instrument": pa.array(np.full(n, "equity", dtype=object), pa.string()),
            "amount": pa.array(amount, pa.float64()),
            "amount_currency": _usd(n),
            "investors": pa.array([",".join(x) for x in by_round], pa.string()),
            "sources": _sources(rng, n),
        }
    )
    investments = pa.table(
        {
            "round": pa.array(ids[parent], pa.string()),
            "company": pa.array(company[parent], pa.string()),
            "investor": pa.array(names, pa.string()),
            "amount": pa.array(part, pa.float64()),
            "amount_currency": _usd(len(parent)),
        }
    )
    return {"funding_rounds": rounds, "investments": investments}


def _orders(rng: np.random.Generator, n: int, buyers: np.ndarray, prefix: str) -> pa.Table:
    year = rng.integers(0, len(YEARS), n)
    month = rng.integers(1, 13, n)
    date = np.char.add(
        np.char.add(np.array(YEARS)[year].astype(str), "-"), np.char.zfill(month.astype(str), 2)
    )
    quantity = rng.integers(1, 50, n) * 100
    unit = np.round(rng.uniform(15_000, 40_000, n), 2)
    return pa.table(
        {
            "id": pa.array(_ids(prefix, np.arange(n), 7), pa.string()),
            "buyer": pa.array(_entity(buyers), pa.string()),
            "vendor": pa.array(_entity(rng.integers(0, N_VENDORS, n)), pa.string()),
            "sku": pa.array(
                np.array(SKUS, dtype=object)[rng.integers(0, len(SKUS), n)], pa.string()
            ),
            "quantity": pa.array(quantity, pa.int64()),
            "total": pa.array(np.round(unit * quantity, 2), pa.float64()),
            "total_currency": _usd(n),
            "order_date": pa.array(date.astype(object), pa.string()),
            "status": pa.array(np.full(n, "committed", dtype=object), pa.string()),
            "sources": _sources(rng, n),
        }
    )


def _deliveries(rng: np.random.Generator, orders: pa.Table, n: int) -> pa.Table:
    """``n`` batches of the orders, each within the order's quantity, dated after it."""
    n_orders = orders.num_rows
    parent = np.sort(rng.integers(0, n_orders, n))
    per = np.bincount(parent, minlength=n_orders)
    qty = orders["quantity"].to_numpy()
    batch = np.maximum(qty[parent] // np.maximum(per[parent], 1) // 100 * 100, 100)
    # never more than ordered: the batches of an order take at most its quantity
    within = np.arange(n) - np.r_[0, np.cumsum(per)[:-1]][parent]
    batch = np.where((within + 1) * batch <= qty[parent], batch, 0)
    keep = batch > 0
    parent, batch, within = parent[keep], batch[keep], within[keep]
    order_month = np.array(
        [int(d[:4]) * 12 + int(d[5:]) - 1 for d in orders["order_date"].to_pylist()]
    )
    month = np.minimum(
        order_month[parent] + 1 + within * 2 + rng.integers(0, 3, len(parent)), 2025 * 12 + 11
    )
    date = np.char.add(
        np.char.add((month // 12).astype(str), "-"), np.char.zfill((month % 12 + 1).astype(str), 2)
    )
    status = np.where(month <= 2024 * 12 + 5, "delivered", "scheduled").astype(object)
    return pa.table(
        {
            "order": pa.array(
                np.asarray(orders["id"].to_pylist(), dtype=object)[parent], pa.string()
            ),
            "buyer": pa.array(
                np.asarray(orders["buyer"].to_pylist(), dtype=object)[parent], pa.string()
            ),
            "status": pa.array(status, pa.string()),
            "date": pa.array(date.astype(object), pa.string()),
            "quantity": pa.array(batch, pa.int64()),
        }
    )


def _contracts(rng: np.random.Generator, n: int) -> pa.Table:
    start = rng.integers(0, len(MONTHS) - 12, n)
    length = rng.integers(12, 37, n)
    end = np.minimum(start + length - 1, len(MONTHS) - 1)
    months = np.array(MONTHS, dtype=object)
    return pa.table(
        {
            "id": pa.array(_ids("c-", np.arange(n), 7), pa.string()),
            "buyer": pa.array(_entity(_companies(rng, n)), pa.string()),
            "seller": pa.array(_entity(rng.integers(0, N_VENDORS, n)), pa.string()),
            "start": pa.array(months[start], pa.string()),
            "end": pa.array(months[end], pa.string()),
            "rate": pa.array(_money(rng, n, 2e5), pa.float64()),
            "rate_currency": _usd(n),
            "rate_per": pa.array(np.full(n, "month", dtype=object), pa.string()),
            "status": pa.array(np.full(n, "signed", dtype=object), pa.string()),
            "sources": _sources(rng, n),
        }
    )


def _operating(rng: np.random.Generator, rows: int, kind: str) -> pa.Table:
    cats = EXPENSE_CATS if kind == "expenses" else REVENUE_CATS
    n_co = N_ENTITIES - N_VENDORS - N_INVESTORS
    n_cells = n_co * len(MONTHS) * len(cats)
    cell = np.sort(rng.choice(n_cells, size=rows, replace=False))
    co, rest = np.divmod(cell, len(MONTHS) * len(cats))
    month, cat = np.divmod(rest, len(cats))
    company = co + N_VENDORS + N_INVESTORS
    draw = rng.random(rows)
    if kind == "expenses":  # half to a vendor, a quarter to another company
        other = np.where(draw < 0.5, rng.integers(0, N_VENDORS, rows), _companies(rng, rows))
        named = (draw < 0.75) & (other != company)
        scale = 60_000.0
    else:  # 40 % from a named customer: a company, or a vendor one time in four
        other = np.where(draw < 0.1, rng.integers(0, N_VENDORS, rows), _companies(rng, rows))
        named = (draw < 0.4) & (other != company)
        scale = 40_000.0
    counterparty = np.where(named, _entity(other), None)
    prefix = "x-" if kind == "expenses" else "r-"
    return pa.table(
        {
            "id": pa.array(_ids(prefix, np.arange(rows), 7), pa.string()),
            "company": pa.array(_entity(company), pa.string()),
            "counterparty": pa.array(counterparty, pa.string()),
            "category": pa.array(np.array(cats, dtype=object)[cat], pa.string()),
            "amount": pa.array(_money(rng, rows, scale), pa.float64()),
            "amount_currency": _usd(rows),
            "date": pa.array(np.array(MONTHS, dtype=object)[month], pa.string()),
            "basis": pa.array(np.full(rows, "actual", dtype=object), pa.string()),
            "sources": _sources(rng, rows),
        }
    )


def _flows_of(tables: dict[str, pa.Table]) -> int:
    """Rows of the flows table the tables make (through aicapex, as the benchmark does)."""
    import tempfile

    import aicapex as ac

    with tempfile.TemporaryDirectory() as tmp:
        frames = {}
        for kind, table in tables.items():
            path = Path(tmp) / f"{kind}.parquet"
            pq.write_table(table, path)
            frames[kind] = ac.read_table(path, kind)
        return len(ac.flows(frames))


def loops_tables(rng: np.random.Generator, flows: int) -> dict[str, pa.Table]:
    tables = _rounds(rng, flows)
    n_orders = max(flows // 50, 10)
    orders = _orders(rng, n_orders, _companies(rng, n_orders), "o-")
    tables["gpu_orders"] = orders
    tables["deliveries"] = _deliveries(rng, orders, int(n_orders * 1.5))
    tables["compute_contracts"] = _contracts(rng, max(flows // 400, 10))
    tables["revenues"] = _operating(rng, flows // 5, "revenues")
    made = _flows_of(tables)
    if made >= flows:
        raise SystemExit(f"the tables besides expenses already make {made:,} flows")
    tables["expenses"] = _operating(rng, flows - made, "expenses")
    return tables


def gpu_tables(rng: np.random.Generator, rows: int) -> dict[str, pa.Table]:
    n_orders = rows * 2 // 5
    n_moves = rows // 10
    orders = _orders(rng, n_orders, rng.integers(0, N_ENTITIES, n_orders), "g-")
    deliveries = _deliveries(rng, orders, rows - n_orders - n_moves)
    n_moves = rows - n_orders - deliveries.num_rows  # batches past an order's quantity dropped
    of = rng.integers(0, n_orders, n_moves)
    buyer = np.asarray(orders["buyer"].to_pylist(), dtype=object)
    to = _entity(rng.integers(0, N_ENTITIES, n_moves))
    to = np.where(to == buyer[of], _entity(rng.integers(1, N_ENTITIES, n_moves)), to)
    to = np.where(to == buyer[of], "e-00000", to)
    order_date = np.asarray(orders["order_date"].to_pylist(), dtype=object)[of]
    ids = _ids("m-", np.arange(n_moves), 7)
    order_ids = np.asarray(orders["id"].to_pylist(), dtype=object)[of]
    giver = buyer[of]
    quantity = np.maximum(np.asarray(orders["quantity"].to_pylist())[of] // 4 // 100 * 100, 100)
    # half the moves are swaps: move 2k+1 gives move 2k's units back, later, in exchange for it
    # (from no order of its own: a reallocation may name none)
    back = np.flatnonzero(np.arange(n_moves) % 2 == 1)
    giver, to = giver.copy(), to.copy()
    giver[back], to[back] = to[back - 1], giver[back - 1]
    quantity[back] = quantity[back - 1]
    order_ids = order_ids.copy()
    order_ids[back] = None
    exchanged = np.full(n_moves, None, dtype=object)
    exchanged[back] = ids[back - 1]
    year = np.array([int(d[:4]) for d in order_date])
    order_date = order_date.copy()
    order_date[back] = np.minimum(year[back - 1] + 1, 2025).astype(str)
    return {
        "gpu_orders": orders,
        "deliveries": deliveries,
        "gpu_reallocations": pa.table(
            {
                "id": pa.array(ids, pa.string()),
                "order": pa.array(order_ids, pa.string()),
                "from_entity": pa.array(giver, pa.string()),
                "to_entity": pa.array(to, pa.string()),
                "quantity": pa.array(quantity, pa.int64()),
                "date": pa.array(order_date, pa.string()),
                "exchanged_for": pa.array(exchanged, pa.string()),
                "sources": _sources(rng, n_moves),
            }
        ),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--flows", type=int, default=1_000_000, help="rows of the loops flows table")
    ap.add_argument("--gpu-rows", type=int, default=1_000_000, help="GPU table rows in all")
    ap.add_argument("--seed", type=int, default=20240412)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    for name, tables in (
        ("loops", loops_tables(rng, args.flows)),
        ("gpus", gpu_tables(rng, args.gpu_rows)),
    ):
        folder = args.out / name
        folder.mkdir(parents=True, exist_ok=True)
        for kind, table in tables.items():
            pq.write_table(table, folder / f"{kind}.parquet")
            print(f"{folder / kind}.parquet: {table.num_rows:,} rows")


if __name__ == "__main__":
    main()
