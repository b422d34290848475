"""Startup benchmark: what the first call costs over ``import pandas`` (issue 7's targets), and
the kit's P1 against its pandas floor when the kit is at hand.

Usage::

    python benchmarks/bench_startup.py                 # 5 rounds, interleaved, medians
    python benchmarks/bench_startup.py --runs 9
    python benchmarks/bench_startup.py --kit ../shared/bench \
        --kit-data /tmp/aicapex-bench/data/aicapex_1000000

Each measurement is a fresh process (interpreter start and imports included), CPU time (user +
system: steadier than wall time on a shared machine) and peak RSS; the commands run in turn,
round by round, so the machine's load falls on all of them alike:

- ``python -c "import pandas"``: the baseline;
- ``python -c "import aicapex as ac; ac.burn"``: the library's import up to an analysis
  (target: at most 1.2x the baseline);
- ``aicapex report --format json``: the main job on the bundled data (target: at most 1.6x);
- ``python -c "import pandas, typer, aicapex.cli"``: what the report imports before it reads a
  file (pandas, the command line and the record models), shown for reference, no target;
- ``report imports``: every module the report of the bundled data imports (listed by running
  it once, unmeasured), imported in the same order without reading a file or computing
  anything, and an exit as the program's (``os._exit``): the floor under the report's ratio,
  no target;
- with ``--kit DIR --kit-data DATA`` (the kit of ``../shared/bench`` and its converted tables,
  ``to_aicapex.py``): ``aicapex_p1.py DATA`` against ``floor.py DATA --engine pandas``
  (target: at most 1.3x).

Bytecode: this repository's shell may set ``PYTHONDONTWRITEBYTECODE``; every command then
compiles its imports each time. Set ``PYTHONPYCACHEPREFIX`` to a scratch folder (and unset
``PYTHONDONTWRITEBYTECODE``) to measure what a user with an installed package sees.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

from _proc import code_note, interleaved, machine_note, run

HERE = Path(__file__).resolve().parent
TARGET_BURN = 1.2
TARGET_REPORT = 1.6
TARGET_P1 = 1.3


def _command(name: str) -> str:
    here = Path(sys.executable).with_name(name)
    if not here.exists():
        raise SystemExit(f"no {name} command beside {sys.executable}: pip install -e . first")
    return str(here)


#: Runs the report of the bundled data in this process and prints the modules it imported.
_LIST_MODULES = """
import contextlib, io, json, sys
from aicapex.cli import app
with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
    app(["report", "--format", "json"], standalone_mode=False)
print(json.dumps(list(sys.modules)))
"""

#: Imports the modules of a JSON list (a file), in order (those that cannot be imported on
#: their own, extension modules registered under another name, were imported by their
#: parent), then exits as the program does (``os._exit``: no teardown of the modules, which
#: costs ``python -c "import pandas"`` about 0.09 s of its 0.4).
_IMPORT_MODULES = """
import importlib, json, os, sys
for name in json.load(open(sys.argv[1])):
    try:
        importlib.import_module(name)
    except ImportError:
        pass
sys.stdout.flush()
os._exit(0)
"""


def _report_modules(py: str) -> str:
    """A file listing the modules the report of the bundled data imports (a JSON list)."""
    names = json.loads(run([py, "-c", _LIST_MODULES]).stdout)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as out:
        json.dump(names, out)
    return out.name


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--kit", type=Path, help="the kit's folder (aicapex_p1.py, floor.py)")
    ap.add_argument("--kit-data", type=Path, help="the kit's converted tables (to_aicapex.py)")
    args = ap.parse_args()
    py = sys.executable
    jobs: dict[str, list[str]] = {
        "import pandas": [py, "-c", "import pandas"],
        "ac.burn": [py, "-c", "import aicapex as ac; ac.burn"],
        "aicapex report": [_command("aicapex"), "report", "--format", "json"],
        "import floor": [py, "-c", "import pandas, typer, aicapex.cli"],
        "report imports": [py, "-c", _IMPORT_MODULES, _report_modules(py)],
    }
    if (args.kit is None) != (args.kit_data is None):
        raise SystemExit("--kit and --kit-data go together")
    if args.kit is not None:
        for need in (args.kit / "aicapex_p1.py", args.kit / "floor.py", args.kit_data):
            if not need.exists():
                raise SystemExit(f"{need} is missing (the kit: ../shared/bench, README there)")
        data = str(args.kit_data)
        jobs["p1 floor.py"] = [py, str(args.kit / "floor.py"), data, "--engine", "pandas"]
        jobs["p1 aicapex"] = [py, str(args.kit / "aicapex_p1.py"), data]
    print(f"{code_note()}; machine before: {machine_note()}", flush=True)
    for argv in jobs.values():  # once, unmeasured: compiled bytecode and warm file caches
        run(argv)
    rounds = interleaved(jobs, args.runs)
    cpu = rounds.cpu
    med = statistics.median
    print("\n" + rounds.table(18))

    def ratio(name: str, base: str, target: float | None) -> None:
        pairs = [a / b for a, b in zip(cpu[name], cpu[base], strict=True)]
        value = med(pairs)  # the median of the per-round ratios (each pair ran side by side)
        verdict = "" if target is None else f" (target <= {target}x: "
        if target is not None:
            verdict += "met)" if value <= target else "MISSED)"
        print(f"{name} / {base}: {value:.2f}x CPU{verdict}")

    print()
    ratio("ac.burn", "import pandas", TARGET_BURN)
    ratio("aicapex report", "import pandas", TARGET_REPORT)
    ratio("import floor", "import pandas", None)
    ratio("report imports", "import pandas", None)
    if args.kit is not None:
        ratio("p1 aicapex", "p1 floor.py", TARGET_P1)
    print(f"machine after: {machine_note()}")


if __name__ == "__main__":
    main()
