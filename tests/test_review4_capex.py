"""Hand-checked capex (review 4): guidance revisions against the actual, growth over the previous
period of the same length, a project's actuals apart from the company's, a plan's progress."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import aicapex as ac

LEDGER = """\
aicapex: 1
sources:
- {id: s-2024, outlet: X, title: FY23, date: 2024-01-31}
- {id: s-jan25, outlet: X, title: Q4 24, date: 2025-01-29}
- {id: s-apr25, outlet: X, title: Q1 25, date: 2025-04-30}
- {id: s-oct25, outlet: X, title: Q3 25, date: 2025-10-29}
- {id: s-jan26, outlet: X, title: Q4 25, date: 2026-01-28}
entities:
- {id: delta, name: Delta, type: company}
- {id: epsilon, name: Epsilon SE, type: company}
fx_rates:
- {id: eur-24, currency: EUR, date: 2024-01, usd: 1.1, sources: [s-2024]}
- {id: eur-25, currency: EUR, date: 2025-01, usd: 1.05, sources: [s-jan25]}
capex:
- {id: d-act-2023, company: delta, basis: actual, period: 2023, amount: $28B, sources: [s-2024]}
- {id: d-act-2024, company: delta, basis: actual, period: 2024, amount: $39.2B,
   sources: [s-jan25]}
- {id: d-g25-1, company: delta, basis: guidance, period: 2025, amount: $60B to $65B,
   sources: [s-jan25]}
- {id: d-g25-2, company: delta, basis: guidance, period: 2025, amount: about $70B,
   sources: [s-oct25]}
- {id: d-act-2025, company: delta, basis: actual, period: 2025, amount: $72.2B,
   sources: [s-jan26]}
- {id: d-act-2025q3, company: delta, basis: actual, period: 2025-Q3, amount: $18B,
   sources: [s-oct25]}
- {id: d-act-2025q4, company: delta, basis: actual, period: 2025-Q4, amount: $22B,
   sources: [s-jan26]}
- id: d-hyperion
  company: delta
  basis: plan
  project: Hyperion
  amount: $50B
  sources: [s-apr25]
  milestones:
  - {by: 2025-12-31, amount: $5B}
  - {by: 2026-12-31, amount: $20B}
- {id: d-hyp-2024, company: delta, basis: actual, period: 2024, project: Hyperion,
   amount: $1B, sources: [s-jan25]}
- {id: d-hyp-2025, company: delta, basis: actual, period: 2025, project: Hyperion,
   amount: $3B, sources: [s-jan26]}
- {id: e-act-2024, company: epsilon, basis: actual, period: 2024, amount: €10B,
   sources: [s-jan25]}
- {id: e-g25, company: epsilon, basis: guidance, period: 2025, amount: up to €12B,
   sources: [s-apr25]}
"""


@pytest.fixture(scope="module")
def frame(tmp_path_factory: pytest.TempPathFactory) -> pd.DataFrame:
    path: Path = tmp_path_factory.mktemp("rv4") / "delta.yaml"
    path.write_text(LEDGER)
    return ac.capex(ac.load(path)).frame.set_index("record")


def test_guidance_against_the_actual(frame: pd.DataFrame) -> None:
    first, second = frame.loc["d-g25-1"], frame.loc["d-g25-2"]
    assert (first["revision"], second["revision"]) == (1, 2)
    assert first["midpoint_usd"] == pytest.approx(62.5e9)
    assert (second["low_usd"], second["high_usd"]) == pytest.approx((63e9, 77e9))  # about: 10%
    assert second["change_usd"] == pytest.approx(70e9 - 62.5e9)
    assert first["vs_actual_usd"] == pytest.approx(72.2e9 - 62.5e9)
    assert first["growth"] == pytest.approx(62.5 / 39.2 - 1)
    assert frame.loc["d-act-2025", "growth"] == pytest.approx(72.2 / 39.2 - 1)
    # a quarter over the quarter before, not over a year
    assert frame.loc["d-act-2025q4", "growth"] == pytest.approx(22 / 18 - 1)
    # euros at the rate of the period's start; 'up to' at its ceiling
    assert frame.loc["e-act-2024", "midpoint_usd"] == pytest.approx(11e9)
    assert frame.loc["e-g25", "midpoint_usd"] == pytest.approx(12.6e9)
    assert frame.loc["e-g25", "low_usd"] == 0


def test_a_projects_actuals_are_its_own(frame: pd.DataFrame) -> None:
    """Hyperion's $3B of 2025 was compared with Delta's $72.2B actual and grown over Delta's
    2024 ($39.2B): growth -92%. It is the project's actual, grown over the project's 2024."""
    row = frame.loc["d-hyp-2025"]
    assert row["actual_usd"] == pytest.approx(3e9)
    assert row["vs_actual_usd"] == 0
    assert row["previous_actual_usd"] == pytest.approx(1e9)
    assert row["growth"] == pytest.approx(2.0)
    # and the company's 2025 is the company's alone
    assert frame.loc["d-act-2025", "actual_usd"] == pytest.approx(72.2e9)
    assert frame.loc["d-act-2025", "previous_actual_usd"] == pytest.approx(39.2e9)


def test_a_plans_progress(tmp_path: Path) -> None:
    path = tmp_path / "delta.yaml"
    path.write_text(LEDGER)
    led = ac.load(path)
    plan = ac.capex(led, "delta", as_of="2026-01-31").frame.set_index("record").loc["d-hyperion"]
    assert plan["progress"] == pytest.approx((1 + 3) / 50)
    assert plan["scheduled"] == pytest.approx(5 / 50)  # the milestone by 2025-12-31
    # before Hyperion's 2025 actual is reported: $1B of it; no milestone due yet
    early = ac.capex(led, "delta", as_of="2025-06-30").frame.set_index("record").loc["d-hyperion"]
    assert early["progress"] == pytest.approx(1 / 50)
    assert early["scheduled"] == 0
    # without as_of: every actual, and the last milestone's share
    whole = ac.capex(led, "delta").frame.set_index("record").loc["d-hyperion"]
    assert whole["scheduled"] == pytest.approx(20 / 50)


def test_the_report_text_says_up_to(tmp_path: Path) -> None:
    """'up to €12B' of guidance read '$0.00M to $12.60B (mid $12.60B)': a midpoint that is no
    midpoint. It reads 'up to $12.60B'; a bound's base is called its base."""
    from aicapex.render import render_report
    from aicapex.report import report

    path = tmp_path / "delta.yaml"
    path.write_text(LEDGER)
    text = render_report(report(ac.load(path), as_of="2025-12"))
    assert "guidance #1, 2025: up to $12.60B, reported 2025-04-30" in text
    assert "guidance #2, 2025: $63.00B to $77.00B (base $70.00B)" in text
    assert "(mid " not in text
