"""Run a command as a fresh process and measure it: wall time, CPU time and peak RSS.

The figures are those of the child alone (``os.wait4``), the same ``/usr/bin/time -v`` reports
("Maximum resident set size", user + system time).
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from dataclasses import dataclass


@dataclass
class Run:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    stdout: str
    exit_code: int


def run(cmd: list[str], *, check: bool = True) -> Run:
    """Fork and exec ``cmd`` (stdout captured, stderr to /dev/null unless it fails)."""
    out_r, out_w = os.pipe()
    err_r, err_w = os.pipe()
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - child
        try:
            os.close(out_r)
            os.close(err_r)
            os.dup2(out_w, 1)
            os.dup2(err_w, 2)
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    os.close(out_w)
    os.close(err_w)
    errors: list[str] = []
    with os.fdopen(out_r) as out, os.fdopen(err_r) as err:
        # standard error read beside standard output: a child that fills one pipe while the
        # other is read would wait forever (warnings of a large ledger pass 64 KiB)
        reader = threading.Thread(target=lambda: errors.append(err.read()))
        reader.start()
        stdout = out.read()
        reader.join()
    stderr = errors[0] if errors else ""
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    code = os.waitstatus_to_exitcode(status)
    if check and code != 0:
        raise SystemExit(f"{' '.join(cmd)} failed with exit code {code}:\n{stderr[-3000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, stdout, code)


@dataclass
class Rounds:
    """Per command: CPU and wall seconds of every round, and the largest peak RSS (MB)."""

    cpu: dict[str, list[float]]
    wall: dict[str, list[float]]
    rss: dict[str, float]

    def table(self, width: int = 22) -> str:
        """The medians as a table: command, cpu (s), wall (s), peak RSS."""
        med = statistics.median
        lines = [f"{'command':<{width}}{'cpu (s)':>10}{'wall (s)':>10}{'peak RSS':>10}"]
        for name in self.cpu:
            lines.append(
                f"{name:<{width}}{med(self.cpu[name]):>10.2f}{med(self.wall[name]):>10.2f}"
                f"{self.rss[name]:>8.0f} MB"
            )
        return "\n".join(lines)


def interleaved(jobs: dict[str, list[str]], runs: int) -> Rounds:
    """Run every command of ``jobs`` once per round, in turn, for ``runs`` rounds (the
    machine's load falls on all of them alike), printing a line as each round ends."""
    out = Rounds({k: [] for k in jobs}, {k: [] for k in jobs}, dict.fromkeys(jobs, 0.0))
    for i in range(runs):
        for name, argv in jobs.items():
            r = run(argv)
            out.cpu[name].append(r.cpu_s)
            out.wall[name].append(r.wall_s)
            out.rss[name] = max(out.rss[name], r.peak_rss_mb)
        print(f"round {i + 1} done", flush=True)
    return out


def median(values: list[float]) -> float:
    return statistics.median(values)


def code_note() -> str:
    """The commit measured, and whether aicapex/ had uncommitted changes (read-only git)."""
    import subprocess
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "aicapex"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "commit unknown"
    n = len(dirty.splitlines())
    return f"commit {head}" + (f" + uncommitted changes to {n} file(s) of aicapex/" if n else "")


def machine_note() -> str:
    """CPU count and load average: the figures are only as steady as the machine."""
    try:
        load = os.getloadavg()
    except OSError:  # pragma: no cover
        return f"{os.cpu_count()} cores"
    return f"{os.cpu_count()} cores, load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
