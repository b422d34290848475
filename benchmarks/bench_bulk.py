"""Bulk benchmark: 1,000,000 flows -> read_table, flows, burn and runway for 2,000 entities.

Usage (after ``python benchmarks/gen_bulk.py``)::

    python benchmarks/bench_bulk.py                 # 5 fresh processes, medians
    python benchmarks/bench_bulk.py --runs 3 --data /tmp/bulk-100k
    python benchmarks/bench_bulk.py --profile       # one run under cProfile: top hotspots

Each run is one fresh ``python`` process (``--once``) that imports aicapex (and with it pandas)
and then, timing each stage:

1. ``read_table`` (validation) of ``expenses.parquet``, ``revenues.parquet`` and
   ``cash_balances.parquet``;
2. ``aicapex.flows({"expenses": ..., "revenues": ...})``: the flows table (1,000,000 rows);
3. ``aicapex.burn(flows)``: monthly burn of every entity (2,000 x 84 months);
4. ``aicapex.runway(flows, cash=<cash_balances frame>, as_of="2025-12")``: runway of every
   entity.

Reported per stage: wall time and CPU time (user+sys of the process; the machine is shared and
noisy, CPU time is the steadier figure). ``command`` is the wall time of the whole process seen
from outside (interpreter start included); ``peak RSS`` is the process's maximum resident set size
(``os.wait4`` rusage, the figure ``/usr/bin/time -v`` prints). Target: the whole command under 3 s
and 1.5 GB.
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
DEFAULT_DATA = HERE / ".data" / "bulk"
TARGET_S = 3.0
TARGET_RSS_GB = 1.5

STAGES = [
    "import aicapex",
    "read_table expenses",
    "read_table revenues",
    "read_table cash_balances",
    "flows",
    "burn",
    "runway",
]


def once(data: Path) -> dict[str, object]:
    """One run, in this process; returns stage timings and result sizes."""
    import resource

    stages: dict[str, tuple[float, float]] = {}

    def clock() -> tuple[float, float]:
        return time.perf_counter(), time.process_time()

    t = clock()

    def mark(name: str) -> None:
        nonlocal t
        now = clock()
        stages[name] = (now[0] - t[0], now[1] - t[1])
        t = now

    import pandas  # noqa: F401  (aicapex's analyses need it; counted in the import stage)

    import aicapex as ac

    ac.read_table  # noqa: B018  resolve the lazy names now
    mark("import aicapex")
    expenses = ac.read_table(data / "expenses.parquet", "expenses")
    mark("read_table expenses")
    revenues = ac.read_table(data / "revenues.parquet", "revenues")
    mark("read_table revenues")
    cash = ac.read_table(data / "cash_balances.parquet", "cash_balances")
    mark("read_table cash_balances")
    flows = ac.flows({"expenses": expenses, "revenues": revenues})
    mark("flows")
    burn = ac.burn(flows)
    mark("burn")
    run = ac.runway(flows, cash=cash, as_of="2025-12")
    mark("runway")
    maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "stages": stages,
        "rows": {
            "expenses": len(expenses),
            "revenues": len(revenues),
            "cash_balances": len(cash),
            "flows": len(flows),
            "burn": len(burn),
            "burn_entities": int(burn["entity"].nunique()),
            "runway_entities": len(run.table),
            "runway_path": len(run.path),
        },
        "maxrss_mb": maxrss_kb / 1024,
    }


def _measure(data: Path) -> dict[str, object]:
    """One fresh process; adds the whole command's wall time, CPU time and peak RSS."""
    r = run([sys.executable, str(Path(__file__).resolve()), "--once", "--data", str(data)])
    result: dict[str, object] = json.loads(r.stdout.strip().splitlines()[-1])
    result["command_s"] = r.wall_s
    result["command_cpu_s"] = r.cpu_s
    result["peak_rss_mb"] = r.peak_rss_mb
    return result


def profile(data: Path, top: int) -> None:
    import cProfile
    import pstats

    out = HERE / ".data" / "bench_bulk.prof"
    prof = cProfile.Profile()
    prof.enable()
    once(data)
    prof.disable()
    prof.dump_stats(out)
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print(f"profile written to {out} (python -m pstats {out})")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--once", action="store_true", help="one run in this process, JSON out")
    ap.add_argument("--profile", action="store_true", help="one run under cProfile")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    if args.once:
        print(json.dumps(once(args.data)))
        return
    if args.profile:
        profile(args.data, args.top)
        return
    if not (args.data / "expenses.parquet").exists():
        raise SystemExit(f"no data in {args.data}: run python benchmarks/gen_bulk.py first")
    results = []
    print(f"{code_note()}; machine before: {machine_note()}", flush=True)
    for i in range(args.runs):
        res = _measure(args.data)
        results.append(res)
        total = sum(w for w, _ in res["stages"].values())  # type: ignore[union-attr]
        print(
            f"run {i + 1}: command {res['command_s']:.2f} s, in-process {total:.2f} s, "
            f"peak RSS {res['peak_rss_mb']:.0f} MB",
            flush=True,
        )
    med = statistics.median
    print(f"\nrows: {results[0]['rows']}")
    print(
        f"\n{'stage':<26}{'wall (s)':>10}{'cpu (s)':>10}   median of {len(results)} fresh processes"
    )
    for name in STAGES:
        w = med(r["stages"][name][0] for r in results)  # type: ignore[index]
        c = med(r["stages"][name][1] for r in results)  # type: ignore[index]
        print(f"{name:<26}{w:>10.3f}{c:>10.3f}")
    in_proc = med(sum(v[0] for v in r["stages"].values()) for r in results)  # type: ignore[union-attr]
    in_cpu = med(sum(v[1] for v in r["stages"].values()) for r in results)  # type: ignore[union-attr]
    work = med(sum(v[0] for k, v in r["stages"].items() if k != "import aicapex") for r in results)  # type: ignore[union-attr]
    command = med(r["command_s"] for r in results)  # type: ignore[misc]
    command_cpu = med(r["command_cpu_s"] for r in results)  # type: ignore[misc]
    rss = max(r["peak_rss_mb"] for r in results)  # type: ignore[type-var]
    print(f"{'in-process total':<26}{in_proc:>10.3f}{in_cpu:>10.3f}")
    print(f"{'  of which after import':<26}{work:>10.3f}")
    print(
        f"{'whole command':<26}{command:>10.3f}{command_cpu:>10.3f}   (interpreter start included)"
    )
    print(f"peak RSS: {rss:.0f} MB (max over runs)")
    ok_t = command < TARGET_S
    ok_m = rss / 1024 < TARGET_RSS_GB
    print(
        f"target < {TARGET_S:.0f} s: {'met' if ok_t else 'MISSED'} ({command:.2f} s); "
        f"< {TARGET_RSS_GB} GB: {'met' if ok_m else 'MISSED'} ({rss / 1024:.2f} GB)"
    )
    print(f"machine after: {machine_note()}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
