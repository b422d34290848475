"""Text renderers of scenarios: the report's ``scenarios`` section (:mod:`aicapex.reportscenarios`;
:mod:`aicapex.render` registers it) and the ``aicapex scenarios`` command's table and CSV (the
data of :meth:`aicapex.scenarios.Comparison.to_dict`). They compute nothing."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from typing import Any

from aicapex.money import format_usd
from aicapex.rendertext import csv_value, terminal_data

__all__ = [
    "SCENARIO_CSV_COLUMNS",
    "SCENARIO_RENDERERS",
    "render_comparison",
    "render_comparison_csv",
]

_LABEL = 15

#: The columns of ``aicapex scenarios --format csv``, a row per scenario.
SCENARIO_CSV_COLUMNS = (
    "scenario",
    "months",
    "months_low",
    "months_high",
    "runs_out",
    "cash_out",
    "min_cash",
    "cash_at_horizon",
    "months_vs_first",
)


def _money(value: object) -> str:
    return format_usd(None if value is None else float(value))  # type: ignore[arg-type]


def _months(row: dict[str, Any]) -> str:
    """``2.03 months (1.90 to 2.18)``, or past the horizon."""
    if row["months"] is None:
        return "beyond the horizon"
    low, high = row.get("months_low"), row.get("months_high")
    span = ""
    if not low == high == row["months"]:
        shown_high = "beyond" if high is None else f"{high:.2f}"
        span = f" ({'n/a' if low is None else f'{low:.2f}'} to {shown_high})"
    return f"{row['months']:.2f} months{span}"


def _versus(row: dict[str, Any], first: str | None) -> str:
    """``, -0.41 vs base``: the months gained against ``first``, the first scenario of the
    row's file (its reference; ``None``: the row is it)."""
    gained = row.get("months_vs_first")
    if first is None or gained is None:
        return ""
    return f", {gained:+.2f} vs {first}"


def _section(rows: list[dict[str, Any]]) -> list[str]:
    """The report's lines: one per scenario, then what comes too late. Each file's scenarios
    are compared with the first of that file (``months_vs_first``), which the line names."""
    out = []
    firsts: dict[Any, int] = {}
    for i, row in enumerate(rows):
        cash_out = f", cash out {row['cash_out']}" if row["cash_out"] else ""
        label = "scenarios" if i == 0 else ""
        first = firsts.setdefault(row.get("file"), i)
        versus = _versus(row, None if first == i else str(rows[first]["scenario"]))
        out.append(f"{label:<{_LABEL}}{row['scenario']}: {_months(row)}{versus}{cash_out}")
    for row in rows:
        for sentence in row.get("explanation", []):
            if "after the cash runs out" in sentence:  # money or cuts that come too late
                out.append(f"{'':<{_LABEL}}  {row['scenario']}: {sentence}")
    return out


#: The report's section renderers of this module.
SCENARIO_RENDERERS: dict[str, Callable[[Any], list[str]]] = {"scenarios": _section}


def render_comparison(data: dict[str, Any]) -> str:
    """The text of a comparison: a table (a row per scenario), each scenario's explanation,
    and the runway's assumptions; texts escaped (:func:`aicapex.rendertext.terminal_text`)."""
    data = terminal_data(data)
    rows = data["rows"]
    head = ("scenario", "months", "vs first", "cash out", "lowest cash", "cash at horizon")
    table = [
        (
            row["scenario"],
            "beyond" if row["months"] is None else f"{row['months']:.2f}",
            "" if i == 0 or row["months_vs_first"] is None else f"{row['months_vs_first']:+.2f}",
            row["cash_out"] or "never",
            _money(row["min_cash"]),
            _money(row["cash_at_horizon"]),
        )
        for i, row in enumerate(rows)
    ]
    widths = [max(len(str(r[k])) for r in [head, *table]) for k in range(len(head))]
    lines = [
        f"{data.get('entity')}: scenarios from {data.get('as_of')} (policy {data.get('policy')})"
    ]
    for r in [head, *table]:
        cells = [
            str(c).ljust(w) if k == 0 else str(c).rjust(w)
            for k, (c, w) in enumerate(zip(r, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    for row in rows:
        lines.append(f"{row['scenario']}: {_months(row)}")
        lines.extend(f"  - {s}" for s in data["explanations"].get(row["scenario"], []))
    lines.append("assumptions:")
    lines.extend(f"  - {a}" for a in data["assumptions"])
    return "\n".join(lines) + "\n"


def render_comparison_csv(data: dict[str, Any]) -> str:
    """A comparison as CSV: :data:`SCENARIO_CSV_COLUMNS`, a row per scenario."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(SCENARIO_CSV_COLUMNS)
    for row in data["rows"]:
        writer.writerow([csv_value(row[c]) for c in SCENARIO_CSV_COLUMNS])
    return out.getvalue()
