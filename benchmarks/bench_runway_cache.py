"""runway(ledger) against runway(flows table): the ledger's flows are compiled once and kept.

Target (issue 6): on the bundled ledger, ``runway(ledger)`` costs at most 2x ``runway(flows,
cash=frame)``. Both are timed in one process, interleaved (A B A B ...), after one warm-up call
each; the figure is the median of the per-pair ratios. The first call on a fresh ledger (which
builds the frames and the flows) is printed on its own line.

    python benchmarks/bench_runway_cache.py [-n 40]
"""

from __future__ import annotations

import argparse
import statistics
import time

import aicapex as ac


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=40, help="pairs of calls (default 40)")
    args = parser.parse_args()
    led = ac.load(ac.bundled_data())
    t = time.perf_counter()
    ac.runway(led, "stability-ai", as_of="2023-10")
    first = time.perf_counter() - t
    flows, cash = led.flows(), led.frame("cash_balances")

    def ledger_call() -> None:
        ac.runway(led, "stability-ai", as_of="2023-10")

    def flows_call() -> None:
        ac.runway(flows, "stability-ai", as_of="2023-10", cash=cash)

    ledger_call(), flows_call()
    a, b = [], []
    for _ in range(args.n):
        for call, out in ((ledger_call, a), (flows_call, b)):
            t = time.perf_counter()
            call()
            out.append(time.perf_counter() - t)
    ratio = statistics.median(x / y for x, y in zip(a, b, strict=True))
    print(f"first runway(ledger) on a fresh ledger: {first * 1000:.0f} ms (builds frames, flows)")
    print(f"runway(ledger) median {statistics.median(a) * 1000:.1f} ms")
    print(f"runway(flows)  median {statistics.median(b) * 1000:.1f} ms")
    verdict = "met" if ratio <= 2 else "NOT met"
    print(f"ratio ledger/flows: {ratio:.2f} (target at most 2: {verdict})")


if __name__ == "__main__":
    main()
