"""Load benchmark: aicapex validate / load on 10,000 records against bean-check on the same facts.

Usage (after ``python benchmarks/gen_ledger.py``)::

    python benchmarks/bench_load.py                 # 5 runs of each, medians
    python benchmarks/bench_load.py -n 10000 --runs 5
    python benchmarks/bench_load.py --profile       # cProfile of load() and of the CLI imports

What is timed, each run a fresh process:

``aicapex validate FILE -q``
    the whole command, interpreter start and imports included (the console script of the
    Python running this file, else ``aicapex`` on PATH).
``aicapex.load(FILE)``
    in a fresh ``python``: the time of the ``load`` call alone (imports excluded), and the
    time to import ``aicapex.cli`` (what the command pays before it reads anything).
``bean-check --no-cache FILE.beancount``
    beancount v3's checker on the same records as transactions (see gen_ledger.py), from PATH
    or /tmp/beanvenv/bin. ``--no-cache``: bean-check otherwise reuses a pickle of its last
    load when the file is unchanged, which aicapex has no equivalent of.

Wall times are medians of ``--runs``; CPU is user+system of the process (steadier on a shared
machine); peak RSS is the process's maximum resident set size. Target: aicapex (the whole
validate command) at least 2x faster than bean-check.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from _proc import code_note, machine_note, median, run

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
TARGET_RATIO = 2.0
STACK_FACTS_BEAN_CHECK_S = 1.13  # ../shared/STACK-FACTS.md, 10,000 transactions

LOAD_CHILD = """
import json, sys, time
t0 = time.perf_counter()
import aicapex.cli
t1 = time.perf_counter()
import aicapex
t2 = time.perf_counter()
led = aicapex.load(sys.argv[1])
t3 = time.perf_counter()
assert len(led) == int(sys.argv[2]), len(led)
print(json.dumps({"import_cli": t1 - t0, "load": t3 - t2, "records": len(led)}))
"""


def find_aicapex() -> list[str]:
    beside = Path(sys.executable).with_name("aicapex")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("aicapex")
    if found:
        return [found]
    return [sys.executable, "-m", "aicapex.cli"]


def find_bean_check() -> str | None:
    found = shutil.which("bean-check")
    if found:
        return found
    venv = Path("/tmp/beanvenv/bin/bean-check")
    return str(venv) if venv.exists() else None


def profile(yaml_path: Path, top: int) -> None:
    import cProfile
    import pstats
    import time

    import aicapex

    out = DATA / "bench_load.prof"
    prof = cProfile.Profile()
    prof.enable()
    aicapex.load(yaml_path)
    prof.disable()
    prof.dump_stats(out)
    stats = pstats.Stats(prof)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    print(f"profile written to {out}")
    t = time.perf_counter()
    import aicapex.cli

    print(
        f"import aicapex.cli after aicapex: {time.perf_counter() - t:.3f} s "
        f"(python -X importtime -c 'import aicapex.cli' for the tree)"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10_000, help="ledger size (as given to gen_ledger.py)")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--profile", action="store_true")
    ap.add_argument("--top", type=int, default=30)
    ap.add_argument("--json", type=Path, help="also write the raw results here")
    args = ap.parse_args()
    yaml_path = DATA / f"ledger-{args.n}.yaml"
    bean_path = DATA / f"ledger-{args.n}.beancount"
    if not yaml_path.exists():
        raise SystemExit(f"no {yaml_path}: run python benchmarks/gen_ledger.py -n {args.n} first")
    if args.profile:
        profile(yaml_path, args.top)
        return

    validate_cmd = [*find_aicapex(), "validate", str(yaml_path), "-q"]
    load_cmd = [sys.executable, "-c", LOAD_CHILD, str(yaml_path), str(args.n)]
    bean = find_bean_check()
    bean_cmd = [bean, "--no-cache", str(bean_path)] if bean else None

    print(f"{code_note()}; machine before: {machine_note()}", flush=True)
    results: dict[str, list[dict[str, float]]] = {"validate": [], "load": [], "bean": []}
    for i in range(args.runs):  # interleaved, so that load on the machine hits all alike
        v = run(validate_cmd)
        results["validate"].append({"wall": v.wall_s, "cpu": v.cpu_s, "rss": v.peak_rss_mb})
        ld = run(load_cmd)
        inner = json.loads(ld.stdout.strip().splitlines()[-1])
        results["load"].append(
            {
                "wall": inner["load"],
                "import_cli": inner["import_cli"],
                "cmd_wall": ld.wall_s,
                "cpu": ld.cpu_s,
                "rss": ld.peak_rss_mb,
            }
        )
        if bean_cmd:
            b = run(bean_cmd)
            results["bean"].append({"wall": b.wall_s, "cpu": b.cpu_s, "rss": b.peak_rss_mb})
        print(
            f"run {i + 1}: validate {v.wall_s:.2f} s, load() {inner['load']:.2f} s"
            + (f", bean-check {b.wall_s:.2f} s" if bean_cmd else ""),
            flush=True,
        )

    def med(kind: str, key: str) -> float:
        return median([r[key] for r in results[kind]])

    def peak(kind: str) -> float:
        return max(r["rss"] for r in results[kind])

    print(f"\n{args.n:,} records, median of {args.runs} fresh processes each")
    print(f"{'what':<44}{'wall (s)':>9}{'cpu (s)':>9}{'peak RSS':>10}")
    print(
        f"{'aicapex validate FILE -q (whole command)':<44}{med('validate', 'wall'):>9.3f}"
        f"{med('validate', 'cpu'):>9.3f}{peak('validate'):>7.0f} MB"
    )
    print(
        f"{'aicapex.load(FILE) (the call alone)':<44}{med('load', 'wall'):>9.3f}{'':>9}"
        f"{peak('load'):>7.0f} MB"
    )
    print(f"{'  import aicapex.cli (before the call)':<44}{med('load', 'import_cli'):>9.3f}")
    if bean_cmd:
        print(
            f"{'bean-check --no-cache FILE.beancount':<44}{med('bean', 'wall'):>9.3f}"
            f"{med('bean', 'cpu'):>9.3f}{peak('bean'):>7.0f} MB"
        )
        bean_wall, bean_cpu = med("bean", "wall"), med("bean", "cpu")
        source = f"measured ({bean})"
    else:
        bean_wall = bean_cpu = STACK_FACTS_BEAN_CHECK_S
        source = "not installed: the 1.13 s of ../shared/STACK-FACTS.md"
    ratio_wall = bean_wall / med("validate", "wall")
    ratio_cpu = bean_cpu / med("validate", "cpu")
    ratio_load = bean_wall / med("load", "wall")
    print(f"\nbean-check: {source}")
    print(f"ratio bean-check / aicapex validate: {ratio_wall:.2f}x wall, {ratio_cpu:.2f}x cpu")
    print(f"ratio bean-check / aicapex.load() alone: {ratio_load:.2f}x wall")
    met = ratio_wall >= TARGET_RATIO and ratio_cpu >= TARGET_RATIO
    print(
        f"target (validate >= {TARGET_RATIO:.0f}x faster than bean-check): "
        f"{'met' if met else 'MISSED'}"
    )
    print(f"machine after: {machine_note()}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
