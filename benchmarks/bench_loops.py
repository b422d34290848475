"""Loops benchmark: money that goes round and GPU movements at scale (issue 12's speed targets).

Usage (after ``python benchmarks/gen_loops.py``)::

    python benchmarks/bench_loops.py                 # 5 fresh processes, medians
    python benchmarks/bench_loops.py --runs 3 --data /tmp/small
    python benchmarks/bench_loops.py --profile       # one run under cProfile: top hotspots

Each run is one fresh ``python`` process (``--once``) that reads the generated tables
(``read_table``, not timed against the targets) and times, CPU seconds of the process:

1. ``flows``: ``aicapex.flows(tables)`` of ``loops/`` (10,000 entities, about 1,000,000 flows):
   the baseline of the first target;
2. ``cycles``: ``aicapex.cycles(flows)`` (maximum circulation per year and basis) and
   ``round_trip``: ``aicapex.round_trip(flows)`` (every vendor). Target: the two together at
   most 3x ``flows``;
3. ``gpu flows``: ``aicapex.flows(tables)`` of ``gpus/`` (orders, deliveries and reallocations:
   1,000,000 rows) and ``gpu movements``: ``aicapex.table.gpus.gpu_movements(tables)`` of the
   same tables. Target: movements at most 2x the flows table of as many rows (the flows of the
   same records).

The stages run in one process one after the other, so their ratios share the machine's load
at that moment; medians over fresh processes. CPU time is the steadier figure on a shared
machine; wall time is printed beside it.
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
DEFAULT_DATA = HERE / ".data"
TARGET_LOOPS = 3.0
TARGET_GPUS = 2.0

STAGES = ["flows", "cycles", "round_trip", "gpu flows", "gpu movements"]


def once(data: Path) -> dict[str, object]:
    """One run, in this process; returns stage timings (wall, CPU) and result sizes."""
    import resource

    import aicapex as ac
    from aicapex.table.gpus import gpu_movements

    def tables(folder: Path) -> dict[str, object]:
        return {p.stem: ac.read_table(p, p.stem) for p in sorted(folder.glob("*.parquet"))}

    loops, gpus = tables(data / "loops"), tables(data / "gpus")
    stages: dict[str, tuple[float, float]] = {}

    def timed(name: str, fn: object, *args: object) -> object:
        w, c = time.perf_counter(), time.process_time()
        out = fn(*args)  # type: ignore[operator]
        stages[name] = (time.perf_counter() - w, time.process_time() - c)
        return out

    flows = timed("flows", ac.flows, loops)
    found = timed("cycles", ac.cycles, flows)
    shares = timed("round_trip", ac.round_trip, flows)
    gpu_flows = timed("gpu flows", ac.flows, gpus)
    moves = timed("gpu movements", gpu_movements, gpus)
    return {
        "stages": stages,
        "rows": {
            "flows": len(flows),  # type: ignore[arg-type]
            "cycles": len(found.frame),  # type: ignore[attr-defined]
            "round_trip": len(shares.frame),  # type: ignore[attr-defined]
            "gpu rows": sum(len(t) for t in gpus.values()),  # type: ignore[arg-type]
            "gpu flows": len(gpu_flows),  # type: ignore[arg-type]
            "gpu movements": len(moves),  # type: ignore[arg-type]
        },
        "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def profile(data: Path, top: int) -> None:
    import cProfile
    import pstats

    prof = cProfile.Profile()
    prof.enable()
    once(data)
    prof.disable()
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(top)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--once", action="store_true", help="one run in this process, JSON out")
    ap.add_argument("--profile", action="store_true", help="one run under cProfile")
    ap.add_argument("--top", type=int, default=30)
    args = ap.parse_args()
    if args.once:
        print(json.dumps(once(args.data)))
        return
    if args.profile:
        profile(args.data, args.top)
        return
    if not (args.data / "loops" / "expenses.parquet").exists():
        raise SystemExit(f"no data in {args.data}: run python benchmarks/gen_loops.py first")
    print(f"{code_note()}; machine before: {machine_note()}", flush=True)
    results = []
    for i in range(args.runs):
        r = run([sys.executable, str(Path(__file__).resolve()), "--once", "--data", str(args.data)])
        res = json.loads(r.stdout.strip().splitlines()[-1])
        res["peak_rss_mb"] = r.peak_rss_mb
        results.append(res)
        print(f"run {i + 1}: command {r.wall_s:.1f} s, peak RSS {r.peak_rss_mb:.0f} MB", flush=True)
    med = statistics.median
    print(f"\nrows: {results[0]['rows']}")
    print(f"\n{'stage':<16}{'wall (s)':>10}{'cpu (s)':>10}   median of {len(results)} processes")
    for name in STAGES:
        w = med(r["stages"][name][0] for r in results)
        c = med(r["stages"][name][1] for r in results)
        print(f"{name:<16}{w:>10.3f}{c:>10.3f}")

    def ratio(parts: list[str], base: str) -> float:
        return med(sum(r["stages"][p][1] for p in parts) / r["stages"][base][1] for r in results)

    loops = ratio(["cycles", "round_trip"], "flows")
    moves = ratio(["gpu movements"], "gpu flows")
    print(
        f"\ncycles + round_trip / flows: {loops:.2f}x CPU (target <= {TARGET_LOOPS:.0f}x: "
        f"{'met' if loops <= TARGET_LOOPS else 'MISSED'})"
    )
    print(
        f"gpu movements / gpu flows:   {moves:.2f}x CPU (target <= {TARGET_GPUS:.0f}x: "
        f"{'met' if moves <= TARGET_GPUS else 'MISSED'})"
    )
    print(f"peak RSS: {max(r['peak_rss_mb'] for r in results):.0f} MB (max over runs)")
    print(f"machine after: {machine_note()}")


if __name__ == "__main__":
    main()
