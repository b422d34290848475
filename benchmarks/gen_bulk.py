"""Generate the synthetic bulk dataset: 1,000,000 flows over 2,000 entities and 84 months.

Usage::

    python benchmarks/gen_bulk.py                   # -> benchmarks/.data/bulk/
    python benchmarks/gen_bulk.py --rows 100000 --out /tmp/bulk-100k

Writes three Parquet tables (``read_table`` kinds), deterministic for a given ``--seed``:

``expenses.parquet`` (80 % of the rows)
    id, company, counterparty (30 % a cloud provider, else null), category (compute, payroll,
    opex, tax, other), amount (float64, cents), amount_currency ('USD'), date ('YYYY-MM'
    strings, 2019-01..2025-12), basis (90 % actual, 7 % expected, 3 % estimated), sources (one
    source id).
``revenues.parquet`` (20 % of the rows)
    the same columns but counterparty (a customer, 30 %) and revenue categories.
``cash_balances.parquet``
    one per entity: id, company, date '2019-01', amount, amount_currency, sources.

Each (company, category, month) appears at most once per table, so ``resolve`` (conflicting
reports of one fact) keeps every row and the flows table has exactly ``--rows`` rows: one month
each. Money is all USD (no FX table is needed); amounts are log-normal, revenues smaller than
expenses so most entities burn cash.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / ".data" / "bulk"

N_ENTITIES = 2_000
MONTHS = [f"{y}-{m:02d}" for y in range(2019, 2026) for m in range(1, 13)]  # 84 months
EXPENSE_CATS = ["compute", "payroll", "opex", "tax", "other"]
REVENUE_CATS = ["sales", "subscription", "services", "compute_resale", "licensing", "other"]


def _table(
    rng: np.random.Generator, rows: int, kind: str, cats: list[str], scale: float
) -> pa.Table:
    n_cells = N_ENTITIES * len(MONTHS) * len(cats)
    if rows > n_cells:
        raise SystemExit(
            f"{rows} {kind} rows exceed the {n_cells} distinct (entity, month, category)"
        )
    cell = np.sort(rng.choice(n_cells, size=rows, replace=False))
    entity, rest = np.divmod(cell, len(MONTHS) * len(cats))
    month, cat = np.divmod(rest, len(cats))
    company = np.char.add("co-", np.char.zfill(entity.astype(str), 4))
    amount = np.round(rng.lognormal(mean=np.log(scale), sigma=1.0, size=rows), 2)
    has_cp = rng.random(rows) < 0.3
    if kind == "expenses":
        cp_pool = np.array([f"cloud-{i:02d}" for i in range(20)], dtype=object)
        counterparty = np.where(has_cp, cp_pool[rng.integers(0, len(cp_pool), rows)], None)
    else:
        other = rng.integers(0, N_ENTITIES, rows)
        counterparty = np.where(
            has_cp & (other != entity),
            np.char.add("co-", np.char.zfill(other.astype(str), 4)).astype(object),
            None,
        )
    basis = np.array(["actual", "expected", "estimated"], dtype=object)[
        np.searchsorted([0.90, 0.97], rng.random(rows), side="right")
    ]
    prefix = "e" if kind == "expenses" else "r"
    ids = np.char.add(prefix + "-", np.char.zfill(np.arange(rows).astype(str), 7))
    sources = np.char.add("src-", np.char.zfill(rng.integers(0, 5_000, rows).astype(str), 5))
    return pa.table(
        {
            "id": pa.array(ids.astype(object), pa.string()),
            "company": pa.array(company.astype(object), pa.string()),
            "counterparty": pa.array(counterparty, pa.string()),
            "category": pa.array(np.array(cats, dtype=object)[cat], pa.string()),
            "amount": pa.array(amount, pa.float64()),
            "amount_currency": pa.array(np.full(rows, "USD", dtype=object), pa.string()),
            "date": pa.array(np.array(MONTHS, dtype=object)[month], pa.string()),
            "basis": pa.array(basis, pa.string()),
            "sources": pa.array(sources.astype(object), pa.string()),
        }
    )


def _cash(rng: np.random.Generator) -> pa.Table:
    ids = [f"cash-co-{i:04d}-2019-01" for i in range(N_ENTITIES)]
    return pa.table(
        {
            "id": pa.array(ids, pa.string()),
            "company": pa.array([f"co-{i:04d}" for i in range(N_ENTITIES)], pa.string()),
            "date": pa.array(["2019-01"] * N_ENTITIES, pa.string()),
            "amount": pa.array(
                np.round(rng.lognormal(np.log(50e6), 1.0, N_ENTITIES), 2), pa.float64()
            ),
            "amount_currency": pa.array(["USD"] * N_ENTITIES, pa.string()),
            "sources": pa.array(["src-00000"] * N_ENTITIES, pa.string()),
        }
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000, help="flows in all (default 1,000,000)")
    ap.add_argument("--seed", type=int, default=20240401)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args()
    rng = np.random.default_rng(args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    n_exp = args.rows * 4 // 5
    tables = {
        "expenses": _table(rng, n_exp, "expenses", EXPENSE_CATS, 60_000.0),
        "revenues": _table(rng, args.rows - n_exp, "revenues", REVENUE_CATS, 40_000.0),
        "cash_balances": _cash(rng),
    }
    for kind, table in tables.items():
        path = args.out / f"{kind}.parquet"
        pq.write_table(table, path)
        print(f"wrote {path}: {table.num_rows:,} rows, {path.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
