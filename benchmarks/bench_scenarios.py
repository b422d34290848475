"""Scenario benchmarks (issue 13): Monte Carlo paths, a sweep of every entity, a Dask cluster.

Usage::

    python benchmarks/bench_scenarios.py                 # all three parts (about 3 minutes)
    python benchmarks/bench_scenarios.py --runs 7 --only paths
    python benchmarks/bench_scenarios.py --only sweep --entities 2000 --values 1000
    python benchmarks/bench_scenarios.py --only dask --cluster-paths 10000000
    python benchmarks/bench_scenarios.py --profile       # cProfile: a simulation, a first one

1. **paths**: ``aicapex.simulate`` of 100,000 paths x 60 months for Stability AI (the issue's
   drivers: revenue growth normal(5%, 3%), compute lognormal(0, 0.2), a disbursement delay of
   0, 1 or 3 months; ranges sampled) against two baselines of the same shape and dtype
   (float64): a bare ``numpy.cumsum`` over a 100,000 x 60 array that exists already, and a
   minimal Monte Carlo (``standard_normal((100000, 60)).cumsum(axis=1)``). Each is a fresh
   process (interleaved: S B M S B M ...); inside it, one warm-up call, then ``--reps`` timed
   calls (median); then ``--reps`` first calls, each on a ledger loaded afresh (the load not
   timed) that keeps nothing yet: with its flows table compiled first (``led.flows()``, not
   timed), and without (compiled in the call). The ratio is taken per round (the three
   processes of one round run under the same load) and the median of the rounds reported.
   Target: at most 3x the bare cumulative
   sum, and under 1 GB peak RSS; a run of 1,000,000 paths shows the peak RSS does not grow
   with the paths (a block of 10,000 paths at a time).
2. **sweep**: ``aicapex.sweep`` of ``scale(category="compute")`` over 1,000 values for each of
   2,000 companies (a generated ledger: one cash balance, compute, opex and revenue rates each)
   over 60 months, in blocks of entities; baseline: ``aicapex.runway`` of every company once,
   in the same process.
3. **dask**: 10,000,000 paths on a ``dask.distributed.LocalCluster`` of 2 worker processes
   (1 thread each) through ``client.get_executor()``, against the same simulation run locally
   in the same process: time, the results compared bit for bit, and each worker's peak RSS
   (bounded by the block size: 10,000 paths). Skipped when ``distributed`` is not installed
   (``pip install 'aicapex[dask]'``).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

from _proc import code_note, machine_note, median, run

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
ENTITY = "stability-ai"
AS_OF = "2023-10"
TARGET_RATIO = 3.0
TARGET_RSS_MB = 1024.0
#: The workers' MALLOC_TRIM_THRESHOLD_ of the second cluster run (dask's default, 65,536,
#: returns freed memory to the system so eagerly that a block's temporaries are page-faulted
#: again and again: 1.6x the CPU of the same simulation).
TRIM = 64 * 2**20


# -- children: each runs in a fresh process and prints one JSON line ----------------------------


def _drivers() -> dict[str, object]:
    import aicapex as ac

    return {
        "revenue_growth": ac.dist.normal(0.05, 0.03),
        "compute": ac.dist.lognormal(0, 0.2),
        "disbursement_delay": ac.dist.choice([0, 1, 3], p=[0.5, 0.3, 0.2]),
    }


def _timed(call: object, reps: int) -> dict[str, list[float]]:
    """``reps`` timed calls of ``call`` after one warm-up: wall and CPU seconds each."""
    call()  # type: ignore[operator]
    wall, cpu = [], []
    for _ in range(reps):
        w, c = time.perf_counter(), time.process_time()
        call()  # type: ignore[operator]
        wall.append(time.perf_counter() - w)
        cpu.append(time.process_time() - c)
    return {"wall": wall, "cpu": cpu}


def child_simulate(paths: int, horizon: int, reps: int) -> dict[str, object]:
    import aicapex as ac

    led = ac.load(ac.bundled_data())
    drivers = _drivers()
    out: dict[str, object] = {}

    def call() -> None:
        mc = ac.simulate(led, ENTITY, n=paths, horizon=horizon, seed=1, as_of=AS_OF, **drivers)  # type: ignore[arg-type]
        out["p50"] = mc.months()["p50"]
        out["cash_out_by_2024_06"] = mc.cash_out_probability(by="2024-06")

    fixed = _timed(
        lambda: ac.simulate(led, ENTITY, n=1, horizon=horizon, seed=1, as_of=AS_OF, **drivers),  # type: ignore[arg-type]
        reps,
    )
    warm = _timed(call, reps)
    # cold: each call the first on a ledger loaded afresh (not timed), nothing kept with it
    # yet but its flows table (compiled by led.flows(), not timed: once per ledger, for every
    # analysis): the cash frame, its conflicts, the runway's inputs all paid in the call.
    # fresh: the same without the flows table compiled first (compiled in the call)
    cold: dict[str, list[float]] = {"wall": [], "cpu": []}
    fresh: dict[str, list[float]] = {"wall": [], "cpu": []}
    for _ in range(reps):
        for times, compiled in ((cold, True), (fresh, False)):
            led = ac.load(ac.bundled_data())
            if compiled:
                led.flows()
            w, c = time.perf_counter(), time.process_time()
            call()
            times["wall"].append(time.perf_counter() - w)
            times["cpu"].append(time.process_time() - c)
    return {
        **warm,
        "cold_wall": cold["wall"],
        "cold_cpu": cold["cpu"],
        "fresh_wall": fresh["wall"],
        "fresh_cpu": fresh["cpu"],
        "fixed_wall": fixed["wall"],
        "fixed_cpu": fixed["cpu"],
        **out,
    }


def child_cumsum(paths: int, horizon: int, reps: int) -> dict[str, object]:
    import numpy as np

    a = np.random.default_rng(1).standard_normal((paths, horizon))
    return _timed(lambda: np.cumsum(a, axis=1), reps)


def child_minimal(paths: int, horizon: int, reps: int) -> dict[str, object]:
    import numpy as np

    rng = np.random.default_rng(1)
    return _timed(lambda: rng.standard_normal((paths, horizon)).cumsum(axis=1), reps)


def child_sweep(ledger: str, values: int, horizon: int) -> dict[str, object]:
    import numpy as np

    import aicapex as ac

    t = time.perf_counter()
    led = ac.load(ledger)
    load_s = time.perf_counter() - t
    t = time.perf_counter()
    r = ac.runway(led, None, as_of="2024-06", horizon=horizon)
    runway_s = time.perf_counter() - t
    by = np.linspace(0.5, 1.5, values)
    by[np.argmin(np.abs(by - 1.0))] = 1.0  # one value exactly 1: the runway itself
    t, c = time.perf_counter(), time.process_time()
    swept = ac.sweep(
        led,
        None,
        ac.scale(category="compute", start="2024-07"),
        by=by,
        as_of="2024-06",
        horizon=horizon,
    )
    sweep_s, sweep_cpu = time.perf_counter() - t, time.process_time() - c
    t = time.perf_counter()
    again = ac.runway(led, None, as_of="2024-06", horizon=horizon)
    runway2_s = time.perf_counter() - t
    frame = swept.frame
    one = frame[frame["by"] == 1.0]
    agree = bool(
        len(one) == len(r.frame)
        and np.allclose(
            one.sort_values("entity")["months"].to_numpy(),
            r.frame.sort_values("entity")["months"].to_numpy(),
            rtol=1e-12,
        )
    )
    return {
        "load_s": load_s,
        "runway_s": min(runway_s, runway2_s),
        "sweep_s": sweep_s,
        "sweep_cpu": sweep_cpu,
        "rows": len(frame),
        "values": int(frame["by"].nunique()),
        "entities": int(frame["entity"].nunique()),
        "runway_entities": len(again.frame),
        "by_1_equals_runway": agree,
    }


def child_dask(paths: int, horizon: int, trim: int) -> dict[str, object]:
    import contextlib
    import resource

    import numpy as np

    import aicapex as ac

    try:
        import distributed
    except ImportError:
        return {"skipped": "dask.distributed is not installed (pip install 'aicapex[dask]')"}
    led = ac.load(ac.bundled_data())
    drivers = _drivers()
    args = {"n": paths, "horizon": horizon, "seed": 1, "as_of": AS_OF, **drivers}
    setting = contextlib.nullcontext()
    if trim:  # dask starts its workers with MALLOC_TRIM_THRESHOLD_=65536 by default
        import dask

        key = "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_"
        setting = dask.config.set({key: trim})  # type: ignore[assignment]
    with (
        setting,
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        client.run(lambda: __import__("aicapex.scenarios.montecarlo"))  # imports, not timed
        start = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF))
        t = time.perf_counter()
        remote = ac.simulate(led, ENTITY, executor=client.get_executor(), **args)  # type: ignore[arg-type]
        cluster_s = time.perf_counter() - t
        workers_kb = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
        usage = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF))
        workers_cpu = [
            u.ru_utime + u.ru_stime - (start[k].ru_utime + start[k].ru_stime)
            for k, u in usage.items()
        ]
    c = time.process_time()
    t = time.perf_counter()
    local = ac.simulate(led, ENTITY, **args)  # type: ignore[arg-type]
    local_s, local_cpu = time.perf_counter() - t, time.process_time() - c
    same = all(
        np.array_equal(getattr(local.summary, k), getattr(remote.summary, k))
        for k in ("months_hist", "days_hist", "cash_hist")
    ) and (local.summary.never, local.summary.paths) == (remote.summary.never, remote.summary.paths)
    return {
        "cluster_s": cluster_s,
        "local_s": local_s,
        "same": same,
        "paths": remote.summary.paths,
        "worker_peak_mb": [kb / 1024 for kb in workers_kb.values()],
        "workers_cpu_s": workers_cpu,
        "local_cpu_s": local_cpu,
        "client_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "p50": remote.months()["p50"],
    }


# -- the parent ------------------------------------------------------------------------------


def _child(*args: str) -> tuple[dict[str, object], float, float]:
    """Run this script as a child; its JSON, wall seconds and peak RSS (MB)."""
    r = run([sys.executable, str(Path(__file__).resolve()), "--child", *args])
    return json.loads(r.stdout.strip().splitlines()[-1]), r.wall_s, r.peak_rss_mb


def bench_paths(runs: int, paths: int, horizon: int, reps: int) -> None:
    kinds = ("simulate", "cumsum", "minimal")
    per: dict[str, list[dict[str, object]]] = {k: [] for k in kinds}
    rss: dict[str, list[float]] = {k: [] for k in kinds}
    shape = [str(paths), str(horizon), str(reps)]
    for _ in range(runs):
        for kind in kinds:
            data, _wall, peak = _child(kind, *shape)
            per[kind].append(data)
            rss[kind].append(peak)

    def med(kind: str, key: str, i: int) -> float:
        return median(per[kind][i][key])  # type: ignore[arg-type]

    print(f"\n1. {paths:,} paths x {horizon} months, {runs} rounds of fresh processes, "
          f"{reps} timed calls each (median)")  # fmt: skip
    rows = (
        ("simulate", "", "aicapex.simulate (issue's drivers, ranges sampled)"),
        ("simulate", "cold_", "  first call on a fresh ledger (its flows compiled)"),
        ("simulate", "fresh_", "  first call on a fresh ledger, flows compiled in it"),
        ("simulate", "fixed_", "  simulate of 1 path (the fixed cost)"),
        ("cumsum", "", "bare numpy.cumsum of an existing array"),
        ("minimal", "", "minimal Monte Carlo: standard_normal + cumsum"),
    )
    for kind, prefix, label in rows:
        walls = [med(kind, prefix + "wall", i) for i in range(runs)]
        cpus = [med(kind, prefix + "cpu", i) for i in range(runs)]
        print(f"   {label:52s} wall {median(walls) * 1000:8.1f} ms  CPU "
              f"{median(cpus) * 1000:8.1f} ms")  # fmt: skip
    for kind in kinds:
        print(f"   peak RSS of the {kind} processes: {max(rss[kind]):.0f} MB")
    paths_part = [med("simulate", "cpu", i) - med("simulate", "fixed_cpu", i) for i in range(runs)]
    ratios = [p / med("cumsum", "cpu", i) for i, p in enumerate(paths_part)]
    print(f"   the paths alone (the call less the fixed cost), CPU: {median(ratios):.1f}x the bare "
          f"cumsum (rounds: {', '.join(f'{r:.1f}' for r in ratios)})")  # fmt: skip
    for prefix, what in (
        ("", "simulate"),
        ("cold_", "first simulate"),
        ("fresh_", "first simulate with the flows"),
    ):
        for base, label in (("cumsum", "bare cumsum"), ("minimal", "minimal Monte Carlo")):
            for key in ("wall", "cpu"):
                ratios = [med("simulate", prefix + key, i) / med(base, key, i) for i in range(runs)]
                verdict = ""
                if base == "cumsum":
                    met = median(ratios) <= TARGET_RATIO
                    verdict = " (target at most 3x: " + ("met)" if met else "NOT met)")
                print(f"   ratio {what} / {label}, {key}: {median(ratios):.1f}x "
                      f"(rounds: {', '.join(f'{r:.1f}' for r in ratios)}){verdict}")  # fmt: skip
    peak = max(rss["simulate"])
    verdict = "met" if peak < TARGET_RSS_MB else "NOT met"
    print(f"   simulate's peak RSS {peak:.0f} MB (target under 1 GB: {verdict}); the process "
          "with aicapex, pandas and the ledger loaded is most of it")  # fmt: skip
    data, _, big = _child("simulate", str(paths * 10), str(horizon), "1")
    print(
        f"   {paths * 10:,} paths: peak RSS {big:.0f} MB (memory bounded by a block), "
        f"{median(data['wall']):.2f} s; median runway {data['p50']:.2f} months, "  # type: ignore[arg-type]
        f"cash-out by 2024-06: {data['cash_out_by_2024_06']:.3f}"
    )


def _write_companies(path: Path, entities: int) -> None:
    """``entities`` companies with a cash balance, compute, opex and revenue rates each
    (deterministic)."""
    import random

    rnd = random.Random(13)
    lines = [
        "aicapex: 1",
        "sources:",
        "- {id: s1, outlet: Example, title: Generated, date: 2024-07}",
        "entities:",
    ]
    ids = [f"co-{i:05d}" for i in range(entities)]
    lines += [f"- {{id: {e}, name: Company {e}, type: company}}" for e in ids]
    lines.append("expenses:")
    for e in ids:
        compute = rnd.uniform(0.2, 5.0)
        opex = rnd.uniform(0.1, 2.0)
        lines.append(f"- {{id: {e}-compute, company: {e}, category: compute, "
                     f"rate: ${compute:.2f}M/month, date: 2023..2024, sources: [s1]}}")  # fmt: skip
        lines.append(f"- {{id: {e}-opex, company: {e}, category: opex, "
                     f"rate: ${opex:.2f}M/month, date: 2023..2024, sources: [s1]}}")  # fmt: skip
    lines.append("revenues:")
    for e in ids:
        sales = rnd.uniform(0.05, 4.0)
        lines.append(f"- {{id: {e}-sales, company: {e}, rate: ${sales:.2f}M/month, "
                     "date: 2023..2024, sources: [s1]}")  # fmt: skip
    lines.append("cash_balances:")
    for e in ids:
        low = rnd.uniform(5, 200)
        amount = f"${low:.1f}M" if rnd.random() < 0.7 else f"${low:.0f}M to ${low * 1.2:.0f}M"
        lines.append(f"- {{id: {e}-cash, company: {e}, date: 2024-06, amount: {amount}, "
                     "sources: [s1]}")  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def bench_sweep(entities: int, values: int, horizon: int) -> None:
    DATA.mkdir(exist_ok=True)
    ledger = DATA / f"scenarios-{entities}.yaml"
    if not ledger.exists():
        _write_companies(ledger, entities)
    data, wall, peak = _child("sweep", str(ledger), str(values), str(horizon))
    n = int(data["rows"])  # type: ignore[call-overload]
    sweep_s, runway_s = float(data["sweep_s"]), float(data["runway_s"])  # type: ignore[arg-type]
    print(f"\n2. sweep of {data['values']:,} values x {data['entities']:,} companies x "
          f"{horizon} months ({n:,} rows), one fresh process")  # fmt: skip
    print(f"   load {data['load_s']:.2f} s; runway of every company once {runway_s:.3f} s")
    print(f"   sweep {sweep_s:.2f} s wall, {data['sweep_cpu']:.2f} s CPU: "
          f"{sweep_s / n * 1e6:.2f} us a (company, value); {sweep_s / runway_s:.0f}x one "
          f"runway of every company for {values:,} values "
          f"({sweep_s / runway_s / values:.3f}x a value)")  # fmt: skip
    print(f"   process: {wall:.1f} s wall, peak RSS {peak:.0f} MB; sweep at by=1 equals the "
          f"runway: {data['by_1_equals_runway']}")  # fmt: skip


def bench_dask(paths: int, horizon: int, trim: int = 0) -> None:
    data, wall, peak = _child("dask", str(paths), str(horizon), str(trim))
    if "skipped" in data:
        print(f"\n3. dask: skipped: {data['skipped']}")
        return
    how = f"MALLOC_TRIM_THRESHOLD_={trim:,}" if trim else "dask's MALLOC_TRIM_THRESHOLD_=65,536"
    print(f"\n3. {paths:,} paths x {horizon} months on a 2-worker LocalCluster (processes, "
          f"1 thread each, workers started with {how}), one fresh process")  # fmt: skip
    cluster_s, local_s = float(data["cluster_s"]), float(data["local_s"])  # type: ignore[arg-type]
    print(f"   cluster {cluster_s:.1f} s, local {local_s:.1f} s ({local_s / cluster_s:.2f}x "
          f"speed-up); the same results: {data['same']}; "
          f"median runway {data['p50']:.2f} months")  # fmt: skip
    cpu = data["workers_cpu_s"]
    print(f"   CPU: workers {' + '.join(f'{c:.1f}' for c in cpu)} s (from the start of the "  # type: ignore[attr-defined]
          "simulation: the blocks and dask's own work), "
          f"local {data['local_cpu_s']:.1f} s")  # fmt: skip
    workers = ", ".join(f"{m:.0f} MB" for m in data["worker_peak_mb"])  # type: ignore[attr-defined]
    print(f"   peak RSS: workers {workers}; client {data['client_peak_mb']:.0f} MB "
          f"(process {peak:.0f} MB, {wall:.1f} s with the cluster's start)")  # fmt: skip


def profile(paths: int, horizon: int) -> None:
    import cProfile
    import pstats

    import aicapex as ac

    led = ac.load(ac.bundled_data())
    drivers = _drivers()
    ac.simulate(led, ENTITY, n=1_000, horizon=horizon, seed=1, as_of=AS_OF, **drivers)  # type: ignore[arg-type]
    DATA.mkdir(exist_ok=True)
    out = DATA / "bench_scenarios.prof"
    cProfile.runctx(
        "ac.simulate(led, ENTITY, n=paths, horizon=horizon, seed=1, as_of=AS_OF, **drivers)",
        globals(),
        {"ac": ac, "led": led, "paths": paths, "horizon": horizon, "drivers": drivers},
        str(out),
    )
    pstats.Stats(str(out)).sort_stats("tottime").print_stats(15)
    # a first call: a ledger loaded afresh, its flows compiled (neither profiled)
    led = ac.load(ac.bundled_data())
    led.flows()
    first = DATA / "bench_scenarios_first.prof"
    cProfile.runctx(
        "ac.simulate(led, ENTITY, n=paths, horizon=horizon, seed=1, as_of=AS_OF, **drivers)",
        globals(),
        {"ac": ac, "led": led, "paths": paths, "horizon": horizon, "drivers": drivers},
        str(first),
    )
    print("the first call on a fresh ledger (its flows compiled):")
    pstats.Stats(str(first)).sort_stats("cumulative").print_stats(25)


def _plain(value: object) -> object:
    """NumPy scalars as JSON numbers (infinite: null)."""
    number = float(value)  # type: ignore[arg-type]
    return None if math.isinf(number) else number


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--only", choices=["paths", "sweep", "dask"], action="append")
    parser.add_argument("--runs", type=int, default=5, help="rounds of processes (default 5)")
    parser.add_argument("--reps", type=int, default=5, help="timed calls a process (default 5)")
    parser.add_argument("--paths", type=int, default=100_000)
    parser.add_argument("--horizon", type=int, default=60)
    parser.add_argument("--entities", type=int, default=2_000)
    parser.add_argument("--values", type=int, default=1_000)
    parser.add_argument("--cluster-paths", type=int, default=10_000_000)
    parser.add_argument(
        "--profile",
        action="store_true",
        help="cProfile of one simulation, and of a first one on a fresh ledger",
    )
    args = parser.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "sweep":
            out = child_sweep(rest[0], int(rest[1]), int(rest[2]))
        elif kind == "dask":
            out = child_dask(int(rest[0]), int(rest[1]), int(rest[2]))
        else:
            fn = {"simulate": child_simulate, "cumsum": child_cumsum, "minimal": child_minimal}
            out = fn[kind](*map(int, rest))
        print(
            json.dumps(out, default=lambda x: None if isinstance(x, float) and math.isinf(x) else x)
        )
        return
    if args.profile:
        profile(args.paths, args.horizon)
        return
    print(f"bench_scenarios: {code_note()}; {machine_note()}")
    parts = args.only or ["paths", "sweep", "dask"]
    if "paths" in parts:
        bench_paths(args.runs, args.paths, args.horizon, args.reps)
    if "sweep" in parts:
        bench_sweep(args.entities, args.values, args.horizon)
    if "dask" in parts:
        bench_dask(args.cluster_paths, args.horizon)
        bench_dask(args.cluster_paths, args.horizon, trim=TRIM)
    print(f"\nafter: {machine_note()}")


if __name__ == "__main__":
    main()
