"""Report benchmark: how ``aicapex report`` grows with the ledger, and what it costs over
``aicapex validate`` (issue 7's targets; later report sections must keep them).

Usage (after ``python benchmarks/gen_ledger.py -n 2000 -n 8000``)::

    python benchmarks/bench_report.py                      # 3 rounds, interleaved, medians
    python benchmarks/bench_report.py --small 2000 --large 8000 --runs 5
    python benchmarks/bench_report.py --big ledger-200000.yaml   # also the large file, once
    python benchmarks/bench_report.py --kinds all   # every kind: gen_ledger.py ... --kinds all

Each measurement is a fresh process (interpreter start and imports included), CPU time
(user + system: steadier than wall time on a shared machine) and peak RSS:

- ``aicapex validate FILE -q`` and ``aicapex report FILE --format json`` for the small and the
  large ledger, and ``aicapex validate FILE`` (the default: it also reconciles cash balances
  with the flows, so it builds the flows table) for the large one, interleaved round by round
  (the machine's load falls on all of them alike);
- targets: report(large) / report(small) at most 5x for 4x the records, and report / validate
  of the same ledger at most 3x, judged against ``validate -q`` (loading and checking only:
  the stricter baseline); the ratio to the default ``validate`` is shown beside it;
- ``--kinds all``: the ledgers of every record kind (``ledger-<N>-all.yaml``), so that every
  section of the report has work (the default ledgers hold the seven kinds of the first
  figures: no GPU orders, contracts, stakes or deals);
- ``--big FILE``: one report of that file (the issue's 100 MB ledger; generated ones of 200,000
  records weigh about 58 MB), its time and memory, to show it finishes.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from pathlib import Path

from _proc import code_note, interleaved, machine_note, run

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
TARGET_GROWTH = 5.0
TARGET_OVER_VALIDATE = 3.0


def _aicapex() -> list[str]:
    here = Path(sys.executable).with_name("aicapex")
    found = str(here) if here.exists() else shutil.which("aicapex")
    if found is None:
        raise SystemExit("no aicapex command: pip install -e . first")
    return [found]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--small", type=int, default=2000)
    ap.add_argument("--large", type=int, default=8000)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--big", type=Path, help="a large ledger file to report once")
    ap.add_argument("--kinds", choices=("seven", "all"), default="seven")
    args = ap.parse_args()
    tail = "-all" if args.kinds == "all" else ""
    files = {n: DATA / f"ledger-{n}{tail}.yaml" for n in (args.small, args.large)}
    for n, path in files.items():
        if not path.exists():
            extra = " --kinds all" if tail else ""
            raise SystemExit(f"{path} is missing: python benchmarks/gen_ledger.py -n {n}{extra}")
    cmd = _aicapex()
    jobs = {
        f"{what} {n}": [*cmd, what, str(path), *(["-q"] if what == "validate" else [])]
        + (["--format", "json"] if what == "report" else [])
        for n, path in files.items()
        for what in ("validate", "report")
    }
    jobs[f"validate(default) {args.large}"] = [*cmd, "validate", str(files[args.large])]
    print(f"{code_note()}; machine before: {machine_note()}", flush=True)
    rounds = interleaved(jobs, args.runs)
    cpu = rounds.cpu
    med = statistics.median
    print("\n" + rounds.table())
    small, large = args.small, args.large
    growth = med(cpu[f"report {large}"]) / med(cpu[f"report {small}"])
    over = med(cpu[f"report {large}"]) / med(cpu[f"validate {large}"])
    over_default = med(cpu[f"report {large}"]) / med(cpu[f"validate(default) {large}"])
    verdict = "met" if growth <= TARGET_GROWTH else "MISSED"
    print(
        f"\nreport {large} / report {small}: {growth:.2f}x CPU for {large / small:.0f}x the "
        f"records (target <= {TARGET_GROWTH:.0f}x: {verdict})"
    )
    print(
        f"report / validate -q ({large} records): {over:.2f}x CPU (target <= "
        f"{TARGET_OVER_VALIDATE:.0f}x: {'met' if over <= TARGET_OVER_VALIDATE else 'MISSED'}); "
        f"report / validate (default): {over_default:.2f}x"
    )
    if args.big is not None:
        big = args.big if args.big.exists() else DATA / args.big
        size = big.stat().st_size / 1e6
        r = run([*cmd, "report", str(big), "--format", "json"])
        v = run([*cmd, "validate", str(big), "-q"])
        d = run([*cmd, "validate", str(big)])
        print(
            f"\n{big.name} ({size:.0f} MB): report {r.wall_s:.1f} s wall, {r.cpu_s:.1f} s CPU, "
            f"{r.peak_rss_mb:.0f} MB; validate -q {v.wall_s:.1f} s wall, {v.cpu_s:.1f} s CPU "
            f"({r.cpu_s / v.cpu_s:.2f}x); validate (default) {d.cpu_s:.1f} s CPU "
            f"({r.cpu_s / d.cpu_s:.2f}x)"
        )
    print(f"machine after: {machine_note()}")


if __name__ == "__main__":
    main()
