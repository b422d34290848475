"""FOCUS benchmark: ``read_focus`` of 1,000,000 FOCUS rows against ``pandas.read_csv`` + a groupby.

Usage::

    python benchmarks/bench_focus.py                     # writes the file once, then 3 pairs
    python benchmarks/bench_focus.py --runs 5
    python benchmarks/bench_focus.py --rows 100000       # another file: .data/focus-100000.csv
    python benchmarks/bench_focus.py --generate          # only write the file

The file (``benchmarks/.data/focus-<rows>.csv``, deterministic for a given ``--seed``) holds
synthetic FOCUS 1.0 rows with the 44 columns of the FinOps Foundation's sample and two ``x_``
columns: 24 billing accounts of AWS (three invoicing entities, one of them billing in EUR), Azure,
Google Cloud and Oracle over the 12 months of 2024; costs as decimal text with 10 places (2 %
credits, 0.5 % adjustments); ``NULL`` for missing values; ``Tags`` JSON (30 % NULL, 2,000
distinct); timestamps without a zone (AWS) or with ``Z`` (the others); hourly charge periods.
About 0.8 GB.

Each measurement is a fresh process (``--once-aicapex`` or ``--once-pandas``), timed from
outside with ``os.wait4`` (wall, CPU = user + system, peak RSS); the two run interleaved
(A B A B ...), and the figures are medians. ``aicapex``: ``import aicapex`` then
``aicapex.read_focus(path, payer=...)`` (bills, exact totals and reconciliation).
``pandas``: ``import pandas`` then ``pandas.read_csv(path)`` and a groupby of ``BilledCost`` and
``EffectiveCost`` by provider, billing account, billing period and currency. Target (issue 15):
aicapex at most 2x pandas, and under 2 GB.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from _proc import code_note, machine_note, run

HERE = Path(__file__).resolve().parent
TARGET_RATIO = 2.0
TARGET_RSS_GB = 2.0

COLUMNS = [
    "AvailabilityZone",
    "BilledCost",
    "BillingAccountId",
    "BillingAccountName",
    "BillingCurrency",
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargeCategory",
    "ChargeClass",
    "ChargeDescription",
    "ChargeFrequency",
    "ChargePeriodEnd",
    "ChargePeriodStart",
    "CommitmentDiscountCategory",
    "CommitmentDiscountId",
    "CommitmentDiscountName",
    "CommitmentDiscountStatus",
    "CommitmentDiscountType",
    "ConsumedQuantity",
    "ConsumedUnit",
    "ContractedCost",
    "ContractedUnitPrice",
    "EffectiveCost",
    "InvoiceIssuerName",
    "ListCost",
    "ListUnitPrice",
    "PricingCategory",
    "PricingQuantity",
    "PricingUnit",
    "ProviderName",
    "PublisherName",
    "RegionId",
    "RegionName",
    "ResourceId",
    "ResourceName",
    "ResourceType",
    "ServiceCategory",
    "Id",
    "ServiceName",
    "SkuId",
    "SkuPriceId",
    "SubAccountId",
    "SubAccountName",
    "Tags",
    "x_ServiceCode",
    "x_UsageType",
]

# (provider name, invoice issuer, currency, account id prefix) of each of the 24 accounts
ACCOUNTS = (
    [("AWS", "Amazon Web Services, Inc.", "USD", "1234567890")] * 10
    + [("AWS", "Amazon Web Services Canada, Inc.", "USD", "2234567890")]
    + [("AWS", "Amazon Web Services EMEA SARL", "EUR", "3234567890")]
    + [("Microsoft", "Microsoft", "USD", "/providers/Microsoft.Billing/billingAccounts/")] * 6
    + [("Google Cloud", "Google Cloud", "USD", "01A2B3-C4D5E6-")] * 4
    + [("Oracle", "Oracle", "USD", "2020988")] * 2
)
SERVICES = (
    ["Compute"] * 40
    + ["Storage"] * 20
    + ["Networking"] * 15
    + ["AI and Machine Learning"] * 5
    + ["Databases"] * 10
    + ["Other"] * 10
)


def generate(path: Path, rows: int, seed: int) -> None:
    """Write ``rows`` synthetic FOCUS rows to ``path`` (see the module docs)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.csv as pcsv

    rng = np.random.default_rng(seed)
    n = rows

    def pool(values: list[str] | np.ndarray, idx: np.ndarray) -> pa.Array:
        return pa.array(np.asarray(values, dtype=object)[idx], type=pa.string())

    def money(units: np.ndarray, places: int = 10) -> np.ndarray:
        """Decimal text of integer ``units`` of 10**-places."""
        whole, frac = np.divmod(np.abs(units), 10**places)
        text = np.char.add(
            np.char.add(whole.astype(str), "."), np.char.zfill(frac.astype(str), places)
        )
        return np.where(units < 0, np.char.add("-", text), text).astype(object)

    acct = rng.integers(0, len(ACCOUNTS), n)
    info = np.array(ACCOUNTS, dtype=object)[acct]
    aws = info[:, 0] == "AWS"
    account_id = np.char.add(info[:, 3].astype(str), (acct % 10).astype(str)).astype(object)
    month = rng.integers(1, 13, n)
    period_start = np.array([f"2024-{m:02d}-01" for m in range(1, 13)] + ["2025-01-01"])
    hours = rng.integers(0, 28 * 24, n).astype("timedelta64[h]")
    charge = period_start[month - 1].astype("datetime64[h]") + hours

    def stamp(days_or_hours: np.ndarray) -> np.ndarray:
        text = np.datetime_as_string(days_or_hours.astype("datetime64[s]"), unit="s")
        return np.where(aws, np.char.replace(text, "T", " "), np.char.add(text, "Z")).astype(object)

    kind = rng.random(n)
    category = np.where(kind < 0.02, "Credit", np.where(kind < 0.025, "Adjustment", "Usage"))
    category = np.where((kind > 0.99) & (kind < 0.995), "Purchase", category)
    category = np.where(kind >= 0.995, "Tax", category)
    units = np.round(rng.lognormal(np.log(2e8), 2.5, n)).astype(np.int64)  # ~0.02 a row
    units = np.where(category == "Credit", -units, units)
    effective = np.where(rng.random(n) < 0.3, units // 2, units)
    tags_pool = [
        json.dumps({"team": f"team-{i % 50}", "env": ["prod", "dev", "staging"][i % 3], "n": i})
        for i in range(2000)
    ]
    tags = np.where(
        rng.random(n) < 0.3, None, np.asarray(tags_pool, dtype=object)[rng.integers(0, 2000, n)]
    )
    service = rng.integers(0, len(SERVICES), n)
    resource = np.char.add(
        "arn:aws:ec2:us-east-1:123:instance/i-", rng.integers(0, 200_000, n).astype(str)
    )
    null = pa.nulls(n, pa.string())
    small = {
        "AvailabilityZone": ["us-east-1a", "us-east-1b", "eu-west-1a"],
        "ChargeDescription": [f"$0.{i:03d} per unit-hour of service {i}" for i in range(300)],
        "ChargeFrequency": ["Usage-Based", "One-Time", "Recurring"],
        "ConsumedUnit": ["Hours", "GB", "Requests", "GB-Mo"],
        "PricingCategory": ["Standard", "Committed", "Dynamic"],
        "PricingUnit": ["Hours", "GB", "Requests"],
        "RegionId": ["us-east-1", "us-west-2", "eu-west-1", "eastus"],
        "RegionName": ["US East (N. Virginia)", "US West (Oregon)", "EU (Ireland)", "East US"],
        "ResourceType": ["instance", "volume", "bucket", "Storage account"],
        "ServiceName": [f"Service {i}" for i in range(60)],
        "SkuId": [f"SKU{i:05d}" for i in range(3000)],
        "SubAccountId": [f"{i:012d}" for i in range(80)],
        "SubAccountName": [f"Project {i}" for i in range(80)],
        "x_ServiceCode": [f"Code{i}" for i in range(60)],
        "x_UsageType": [f"USE1-Box{i}" for i in range(100)],
    }
    quantity = money(rng.integers(0, 10**12, n), 6)
    data: dict[str, pa.Array] = {
        "BilledCost": pa.array(money(units)),
        "BillingAccountId": pa.array(account_id, pa.string()),
        "BillingAccountName": pa.array(
            np.where(info[:, 0] == "Oracle", None, "SunBird"), pa.string()
        ),
        "BillingCurrency": pa.array(info[:, 2], pa.string()),
        "BillingPeriodEnd": pa.array(
            stamp(period_start[month].astype("datetime64[h]")), pa.string()
        ),
        "BillingPeriodStart": pa.array(
            stamp(period_start[month - 1].astype("datetime64[h]")), pa.string()
        ),
        "ChargeCategory": pa.array(category.astype(object), pa.string()),
        "ChargePeriodEnd": pa.array(stamp(charge + np.timedelta64(1, "h")), pa.string()),
        "ChargePeriodStart": pa.array(stamp(charge), pa.string()),
        "ConsumedQuantity": pa.array(quantity, pa.string()),
        "ContractedCost": pa.array(money(units), pa.string()),
        "EffectiveCost": pa.array(money(effective), pa.string()),
        "InvoiceIssuerName": pa.array(info[:, 1], pa.string()),
        "ListCost": pa.array(money(units), pa.string()),
        "ListUnitPrice": pa.array(money(rng.integers(0, 10**8, n), 8), pa.string()),
        "PricingQuantity": pa.array(quantity, pa.string()),
        "ProviderName": pa.array(info[:, 0], pa.string()),
        "PublisherName": pa.array(info[:, 1], pa.string()),
        "ResourceId": pa.array(resource.astype(object), pa.string()),
        "ServiceCategory": pool(SERVICES, service),
        "Id": pa.array(np.arange(n).astype(str).astype(object), pa.string()),
        "Tags": pa.array(tags, pa.string()),
    }
    for name, values in small.items():
        data[name] = pool(values, rng.integers(0, len(values), n))
    columns = [data.get(c, null) for c in COLUMNS]
    table = pa.table(dict(zip(COLUMNS, columns, strict=True)))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    pcsv.write_csv(table, tmp, pcsv.WriteOptions(null_string="NULL", quoting_style="needed"))
    tmp.replace(path)


def once_aicapex(path: Path) -> dict[str, object]:
    """One run of read_focus, in this process."""
    t = time.perf_counter()
    import aicapex as ac

    imp = ac.read_focus(path, payer="bench")
    recon = imp.reconciliation()
    return {
        "seconds": time.perf_counter() - t,
        "rows": imp.rows,
        "bills": len(imp.bills),
        "reconciled": bool(recon["match"].all()),
        "totals": {str(k): str(v) for k, v in imp.billed_total.items()},
    }


def once_pandas(path: Path) -> dict[str, object]:
    """One run of pandas.read_csv and a groupby, in this process."""
    t = time.perf_counter()
    import pandas as pd

    df = pd.read_csv(path)
    keys = ["ProviderName", "BillingAccountId", "BillingPeriodStart", "BillingCurrency"]
    bills = df.groupby(keys)[["BilledCost", "EffectiveCost"]].sum()
    return {"seconds": time.perf_counter() - t, "rows": len(df), "bills": len(bills)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=15)
    ap.add_argument("--runs", type=int, default=3, help="pairs of fresh processes (default 3)")
    ap.add_argument("--generate", action="store_true", help="only write the file")
    ap.add_argument("--once-aicapex", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--once-pandas", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.once_aicapex:
        print(json.dumps(once_aicapex(args.once_aicapex)))
        return
    if args.once_pandas:
        print(json.dumps(once_pandas(args.once_pandas)))
        return
    path = HERE / ".data" / f"focus-{args.rows}.csv"
    if args.generate or not path.exists():
        t = time.perf_counter()
        generate(path, args.rows, args.seed)
        size = path.stat().st_size / 1e9
        print(f"wrote {path} ({size:.2f} GB) in {time.perf_counter() - t:.1f} s", flush=True)
        if args.generate:
            return
    me = str(Path(__file__).resolve())
    print(f"{code_note()}; machine before: {machine_note()}", flush=True)
    results: dict[str, list[dict[str, float]]] = {"aicapex": [], "pandas": []}
    for i in range(args.runs):
        for who in ("aicapex", "pandas"):
            r = run([sys.executable, me, f"--once-{who}", str(path)])
            out = json.loads(r.stdout.strip().splitlines()[-1])
            results[who].append({"wall": r.wall_s, "cpu": r.cpu_s, "rss": r.peak_rss_mb})
            print(
                f"run {i + 1} {who:<8} wall {r.wall_s:6.2f} s  cpu {r.cpu_s:6.2f} s  "
                f"peak RSS {r.peak_rss_mb:6.0f} MB  {out}",
                flush=True,
            )
    med = {
        who: {k: statistics.median(x[k] for x in runs) for k in ("wall", "cpu")}
        for who, runs in results.items()
    }
    rss = {who: max(x["rss"] for x in runs) for who, runs in results.items()}
    print(f"\n{'':<10}{'wall (s)':>10}{'cpu (s)':>10}{'peak RSS (MB)':>15}   median of {args.runs}")
    for who in results:
        print(f"{who:<10}{med[who]['wall']:>10.2f}{med[who]['cpu']:>10.2f}{rss[who]:>15.0f}")
    ratio = med["aicapex"]["wall"] / med["pandas"]["wall"]
    cpu_ratio = med["aicapex"]["cpu"] / med["pandas"]["cpu"]
    ok_t = ratio <= TARGET_RATIO
    ok_m = rss["aicapex"] / 1024 < TARGET_RSS_GB
    print(
        f"aicapex / pandas: {ratio:.2f}x wall, {cpu_ratio:.2f}x CPU; "
        f"target <= {TARGET_RATIO:.0f}x: {'met' if ok_t else 'MISSED'}; "
        f"< {TARGET_RSS_GB:.0f} GB: {'met' if ok_m else 'MISSED'} ({rss['aicapex'] / 1024:.2f} GB)"
    )
    print(f"machine after: {machine_note()}")


if __name__ == "__main__":
    main()
