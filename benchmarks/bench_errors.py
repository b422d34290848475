"""Error-path benchmark: ``aicapex validate`` on a 200,000-record ledger, valid and with one error.

Usage::

    python benchmarks/bench_errors.py                # 200,000 records, 3 runs of each, medians
    python benchmarks/bench_errors.py -n 50000 --runs 5
    python benchmarks/bench_errors.py --where 0.9    # the error 90 % of the way into the file

Writes (once, deterministic) ``.data/ledger-<N>.yaml`` with ``gen_ledger.py`` and
``.data/ledger-<N>-one-error.yaml``: the same file with one cloud bill's ``billed`` amount
replaced by ``seven`` (a bill ``--where`` of the way into the bills, 0.5 by default).

What is timed, each run a fresh process, the two interleaved: ``aicapex validate FILE -q`` on
the valid file (exit 0) and on the file with one error (exit 1: the error located at its line,
record and field). Wall times are medians of ``--runs``; CPU is user+system of the process;
peak RSS is the largest maximum resident set size. Target: locating the error costs at most 2x
the fast path (before issue 8: 24 s and 1.2 GB against about 8 s, the error path composing the
whole document with PyYAML's pure-Python composer).
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

from _proc import code_note, machine_note, median, run
from bench_load import find_aicapex

HERE = Path(__file__).resolve().parent
DATA = HERE / ".data"
TARGET_RATIO = 2.0


def files(n: int, where: float) -> tuple[Path, Path, int]:
    """The valid ledger of ``n`` records, the one with one error, and the error's line."""
    good = DATA / f"ledger-{n}.yaml"
    if not good.exists():
        subprocess.run(
            [sys.executable, str(HERE / "gen_ledger.py"), "-n", str(n), "--out", str(DATA)],
            check=True,
        )
    bad = DATA / f"ledger-{n}-one-error-{where:g}.yaml"
    lines = good.read_text(encoding="utf-8").splitlines(keepends=True)
    billed = [i for i, line in enumerate(lines) if re.match(r"  billed: ", line)]
    at = billed[min(int(len(billed) * where), len(billed) - 1)]
    lines[at] = "  billed: seven\n"
    text = "".join(lines)
    if not bad.exists() or bad.read_text(encoding="utf-8") != text:
        bad.write_text(text, encoding="utf-8")
    return good, bad, at + 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=200_000, help="ledger size (gen_ledger.py's -n)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--where", type=float, default=0.5, help="where the error is, 0..1")
    args = ap.parse_args()
    good, bad, line = files(args.n, args.where)
    aicapex = find_aicapex()
    print(f"{code_note()}; machine before: {machine_note()}", flush=True)
    results: dict[str, list[tuple[float, float, float]]] = {"good": [], "bad": []}
    for i in range(args.runs):  # interleaved: the machine's load hits both alike
        g = run([*aicapex, "validate", str(good), "-q"], check=False)
        b = run([*aicapex, "validate", str(bad), "-q"], check=False)
        if g.exit_code != 0 or b.exit_code != 1:
            raise SystemExit(f"unexpected exit codes: valid {g.exit_code}, one error {b.exit_code}")
        results["good"].append((g.wall_s, g.cpu_s, g.peak_rss_mb))
        results["bad"].append((b.wall_s, b.cpu_s, b.peak_rss_mb))
        print(f"run {i + 1}: valid {g.wall_s:.2f} s, one error {b.wall_s:.2f} s", flush=True)
    check = subprocess.run(
        [*aicapex, "validate", str(bad)], capture_output=True, text=True, check=False
    )
    located = f"{bad}:{line}: cloud_bills[" in check.stderr
    print(f"\nthe error, as reported: {check.stderr.strip().splitlines()[-1]}")
    print(f"located at line {line}: {'yes' if located else 'NO'}")

    def med(kind: str, i: int) -> float:
        return median([r[i] for r in results[kind]])

    def peak(kind: str) -> float:
        return max(r[2] for r in results[kind])

    print(f"\n{args.n:,} records, median of {args.runs} fresh processes each")
    print(f"{'aicapex validate FILE -q':<34}{'wall (s)':>9}{'cpu (s)':>9}{'peak RSS':>10}")
    for kind, label in (("good", "valid file"), ("bad", "one error")):
        print(f"{label:<34}{med(kind, 0):>9.2f}{med(kind, 1):>9.2f}{peak(kind):>7.0f} MB")
    wall = med("bad", 0) / med("good", 0)
    cpu = med("bad", 1) / med("good", 1)
    rss = peak("bad") / peak("good")
    print(f"\nratio one error / valid: {wall:.2f}x wall, {cpu:.2f}x cpu, {rss:.2f}x peak RSS")
    met = wall <= TARGET_RATIO and cpu <= TARGET_RATIO and located
    print(f"target (at most {TARGET_RATIO:.0f}x, the error located): {'met' if met else 'MISSED'}")
    print(f"machine after: {machine_note()}")


if __name__ == "__main__":
    main()
