"""Plots (aicapex.plot): each renders to PNG with Agg, and draws what the records say.

Expected figures come from the records written here (a balance, rates, a revenue); the cash-out
day is the runway's, whose own tests derive it from records.
"""

from __future__ import annotations

import io
import re
import struct
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import aicapex as ac
from aicapex.ledger import Ledger

matplotlib = pytest.importorskip("matplotlib", reason="matplotlib is in the test extra")

from matplotlib.container import BarContainer  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.text import Text  # noqa: E402

from aicapex import plot  # noqa: E402
from aicapex.plot.base import escape, short_usd, to_svg  # noqa: E402
from aicapex.plot.pictures import company_pictures, file_name, write_pictures  # noqa: E402

LedgerText = Callable[..., Path]

TWO = """
sources:
- id: news
  outlet: News $ Daily
  title: Costs of $5M and $7M
  date: 2024-05
  url: https://example.com/a
- id: blog
  outlet: Blog
  title: Blog
  date: 2024-06
entities:
- id: alpha
  name: Alpha $$ Labs $5M
  type: company
- id: beta
  name: Beta
  type: company
expenses:
- id: alpha-compute
  company: alpha
  category: compute
  rate: $3M/month
  date: 2024
  sources: [news]
- id: alpha-opex
  company: alpha
  category: opex
  rate: $1M to $2M/month
  date: 2024
  sources: [news]
- id: beta-payroll
  company: beta
  category: payroll
  rate: $2M/month
  date: 2024
revenues:
- id: alpha-sales
  company: alpha
  amount: $12M
  date: 2024
cash_balances:
- id: alpha-cash
  company: alpha
  date: 2024-03
  amount: $10M
  sources: [news]
- id: alpha-cash-upper
  company: alpha
  date: 2024-03
  amount: less than $9M
  sources: [blog]
- id: beta-cash
  company: beta
  date: 2024-01
  amount: $50M
"""


@pytest.fixture
def two(ledger_text: LedgerText) -> Ledger:
    return ac.load(ledger_text(TWO))


def _png_size(fig: Figure) -> tuple[int, int]:
    data = plot.to_png(fig)
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_text()]


def _no_math(fig: Figure) -> None:
    """No text of the figure is read as mathematics (every ``$`` escaped)."""
    for t in _texts(fig):
        _, math = t._preprocess_math(t.get_text())
        assert not math, t.get_text()


def _monthly(led: Ledger, record: str) -> float:
    return float(led[record].rate.money.amount)  # type: ignore[attr-defined]


def _line(fig: Figure, label: str) -> Any:
    lines = [ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith(label)]
    assert len(lines) == 1, [ln.get_label() for ln in fig.axes[0].get_lines()]
    return lines[0]


# -- cash ------------------------------------------------------------------------------------


def test_cash_draws_the_path_from_the_records(two: Ledger) -> None:
    fig = plot.cash(two, "alpha", as_of="2024-03")
    assert _png_size(fig) == (800, 450)
    line = _line(fig, "cash (")
    x = np.asarray(line.get_xdata()).astype("datetime64[D]")
    y = np.asarray(line.get_ydata(), dtype=float)
    # the latest report of the March balance is the blog's bound: less than $9M
    start = float(two["alpha-cash-upper"].amount.amount)  # type: ignore[attr-defined]
    net = (
        _monthly(two, "alpha-compute")
        + _monthly(two, "alpha-opex")
        - float(two["alpha-sales"].amount.amount) / 12  # type: ignore[attr-defined]
    )
    assert x[0] == np.datetime64("2024-04-01")
    assert y[0] == pytest.approx(start)
    assert np.diff(y) == pytest.approx([-net] * (len(y) - 1))
    assert y[-2] >= 0 > y[-1]  # drawn until it falls through zero


def test_cash_marks_the_cash_out_day_and_its_range(two: Ledger) -> None:
    fig = plot.cash(two, "alpha", as_of="2024-03")
    r = ac.runway(two, "alpha", as_of="2024-03").frame.iloc[0]
    ax = fig.axes[0]
    day = pd.Timestamp(r["cash_out"])
    marked = [t for t in ax.texts if t.get_text().startswith("cash out")]
    assert [t.get_text() for t in marked] == [f"cash out {day:%Y-%m-%d}"]
    verticals = {
        _day(ln.get_xdata()[0])
        for ln in ax.get_lines()
        if len(ln.get_xdata()) == 2 and ln.get_xdata()[0] == ln.get_xdata()[1]
    }
    assert np.datetime64(day.date(), "D") in verticals
    # the range of the day, from the ranges reported, is a shaded band
    bands = [p for p in ax.patches if p.get_label().startswith("cash-out range")]
    assert len(bands) == 1
    left, right = _band_x(bands[0])
    assert (_day(left), _day(right)) == (
        np.datetime64(pd.Timestamp(r["cash_out_earliest"]).date(), "D"),
        np.datetime64(pd.Timestamp(r["cash_out_latest"]).date(), "D"),
    )
    # both reports of the balance are drawn, the bound with its range as an error bar
    legend = fig.legends[0]
    assert "cash balances reported (ranges, bounds)" in [t.get_text() for t in legend.texts]


def _day(value: Any) -> np.datetime64:
    """A day as matplotlib holds it (a NumPy date, or days since its epoch)."""
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[D]")
    return np.datetime64(matplotlib.dates.num2date(float(value)).date(), "D")


def _band_x(patch: Any) -> tuple[float, float]:
    box = patch.get_bbox()
    return float(box.x0), float(box.x1)


def test_cash_without_a_range_has_no_band_and_a_long_runway_is_cut(two: Ledger) -> None:
    fig = plot.cash(two, "beta", shown_months=12)
    ax = fig.axes[0]
    assert not [p for p in ax.patches if p.get_label().startswith("cash-out range")]
    line = _line(fig, "cash (")
    x = np.asarray(line.get_xdata()).astype("datetime64[M]")
    assert x[0] == np.datetime64("2024-02")
    assert x[-1] == np.datetime64("2025-02")
    assert not [t for t in ax.texts if t.get_text().startswith("cash out")]  # not in the window
    y = np.asarray(line.get_ydata(), dtype=float)
    payroll = _monthly(two, "beta-payroll")
    assert y[0] == pytest.approx(50e6)
    assert np.diff(y) == pytest.approx([-payroll] * (len(y) - 1))


def test_cash_scenarios_add_a_line_each(two: Ledger) -> None:
    scenarios = {
        "a $6M bridge in April": [ac.AddFlow("alpha", "2024-04", 6e6, "bridge")],
        "no revenue": [ac.Exclude(["alpha-sales"])],
    }
    fig = plot.cash(two, "alpha", as_of="2024-03", scenarios=scenarios)
    for name, adjustments in scenarios.items():
        r = ac.runway(two, "alpha", as_of="2024-03", adjust=adjustments)
        label = escape(f"{name}: cash out {r.cash_out:%Y-%m-%d}")
        line = _line(fig, label)
        assert line.get_linestyle() == "--"
    bridge = _line(fig, escape("a $6M bridge"))
    base = _line(fig, "cash (")
    # the bridge arrives in April: every month from then on holds $6M more
    assert np.asarray(bridge.get_ydata())[1] - np.asarray(base.get_ydata())[1] == pytest.approx(6e6)
    _no_math(fig)


def test_dollars_in_names_are_not_mathematics(two: Ledger) -> None:
    for fig in (plot.cash(two, "alpha"), plot.burn(two, "alpha"), plot.compute_gap(two, "alpha")):
        _no_math(fig)
        title = fig.axes[0].get_title(loc="left")
        assert title.startswith(escape("Alpha $$ Labs $5M"))


def test_unknown_entity_is_a_value_error(two: Ledger) -> None:
    with pytest.raises((ValueError, KeyError)):
        plot.cash(two, "nobody")


# -- burn and compute gap ----------------------------------------------------------------------


def test_burn_stacks_the_categories_and_draws_revenue(two: Ledger) -> None:
    fig = plot.burn(two, "alpha", "2024-01", "2024-06")
    ax = fig.axes[0]
    bars = {c.get_label(): c for c in ax.containers if isinstance(c, BarContainer)}
    assert set(bars) == {"compute", "opex"}  # categories never spent are left out
    compute = [p.get_height() for p in bars["compute"].patches]
    opex = list(bars["opex"].patches)
    assert compute == pytest.approx([_monthly(two, "alpha-compute")] * 6)
    assert [p.get_height() for p in opex] == pytest.approx([_monthly(two, "alpha-opex")] * 6)
    assert [p.get_y() for p in opex] == pytest.approx(compute)  # stacked on compute
    revenue = _line(fig, "revenue")
    expected = float(two["alpha-sales"].amount.amount) / 12  # type: ignore[attr-defined]
    assert np.asarray(revenue.get_ydata()) == pytest.approx([expected] * 6)
    # the opex range ($1M to $2M a month) shows as error bars on the spending
    assert "range of the spending reported" in [t.get_text() for t in fig.legends[0].texts]
    assert _png_size(fig)[0] == 800


def test_burn_of_nothing_is_a_value_error(two: Ledger) -> None:
    with pytest.raises(ValueError, match="no expenses or revenues"):
        plot.burn(two, "beta", "2020-01", "2020-03")


def test_compute_gap_bars_and_ratio(two: Ledger) -> None:
    fig = plot.compute_gap(two, "alpha", period="2024", freq="Q")
    ax = fig.axes[0]
    bars = {c.get_label(): c for c in ax.containers if isinstance(c, BarContainer)}
    compute = 3 * _monthly(two, "alpha-compute")
    revenue = float(two["alpha-sales"].amount.amount) / 4  # type: ignore[attr-defined]
    assert [p.get_height() for p in bars["compute"].patches] == pytest.approx([compute] * 4)
    assert [p.get_height() for p in bars["revenue"].patches] == pytest.approx([revenue] * 4)
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels == ["2024Q1", "2024Q2", "2024Q3", "2024Q4"]
    ratios = [t.get_text() for t in ax.texts]
    assert ratios == [f"compute {compute / revenue:.1f}x revenue"] * 4
    assert _png_size(fig)[1] == 450


def test_compute_gap_without_revenue_says_so(ledger_text: LedgerText) -> None:
    led = ac.load(
        ledger_text(TWO.replace("company: alpha\n  amount: $12M", "company: beta\n  amount: $12M"))
    )
    fig = plot.compute_gap(led, "alpha", freq="Y")
    assert [t.get_text() for t in fig.axes[0].texts] == ["no revenue"]
    _no_math(fig)


def test_compute_gap_of_payroll_alone_is_a_value_error(two: Ledger) -> None:
    with pytest.raises(ValueError, match="no revenue or compute spending"):
        plot.compute_gap(two, "beta", freq=None)


# -- no global state, light imports -----------------------------------------------------------


def test_plots_change_no_global_state(two: Ledger) -> None:
    before = dict(matplotlib.rcParams)
    backend = matplotlib.get_backend()
    for fig in (plot.cash(two, "alpha"), plot.burn(two, "alpha"), plot.compute_gap(two, "alpha")):
        plot.to_png(fig)
        to_svg(fig)
    assert dict(matplotlib.rcParams) == before
    assert matplotlib.get_backend() == backend


def test_plots_use_no_pyplot_and_import_aicapex_stays_light() -> None:
    code = (
        "import sys, aicapex, aicapex.plot; light = 'matplotlib' not in sys.modules\n"
        "fig = aicapex.plot.cash(aicapex.load(aicapex.bundled_data()), 'stability-ai',"
        " as_of='2023-10')\n"
        "aicapex.plot.to_png(fig)\n"
        "print(light, 'matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "False"]


# -- helpers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [(0, "$0"), (25e6, "$25M"), (2.5e6, "$2.5M"), (-5e6, "-$5M"), (1.2e9, "$1.2B"), (5e4, "$50K")],
)
def test_short_usd(value: float, text: str) -> None:
    assert short_usd(value) == escape(text)


def test_svg_ids_are_prefixed_and_references_follow(two: Ledger) -> None:
    svg = to_svg(plot.burn(two, "alpha"), prefix="p7-")
    assert svg.startswith("<svg")
    ids = set(re.findall(r'\bid="([^"]+)"', svg))
    assert ids
    assert all(i.startswith("p7-") for i in ids)
    refs = re.findall(r'(?:href="|url\()#([^")]+)', svg)
    assert refs
    assert set(refs) <= ids


def test_pictures_of_a_report(two: Ledger, tmp_path: Path) -> None:
    from aicapex.report import report

    data = report(two)
    pictures = list(company_pictures(two, data))
    names = {(p.company, p.name) for p in pictures if p.figure is not None}
    assert {("alpha", "cash"), ("alpha", "burn"), ("alpha", "compute_gap")} <= names
    assert ("beta", "cash") in names
    written, skipped = write_pictures(two, data, tmp_path / "plots")
    assert sorted(p.name for p in written) == sorted(file_name(c, n) for c, n in names)
    for path in written:
        assert path.read_bytes()[:4] == b"\x89PNG"
    assert all(p.reason for p in skipped)


def test_figures_are_independent(two: Ledger) -> None:
    a = plot.cash(two, "alpha")
    b = plot.cash(two, "beta")
    assert a is not b
    assert a.axes[0] is not b.axes[0]
    buffer = io.BytesIO()
    a.savefig(buffer, format="png")  # the Agg canvas, chosen by format, no backend switch
    assert buffer.getvalue()[:4] == b"\x89PNG"


# -- the money graph and GPUs ------------------------------------------------------------------

LOOP = """
sources:
- id: s
  outlet: Wire
  title: Deals
  date: 2025-10
entities:
- id: chips
  name: Chips $$ Inc
  type: chip_vendor
- id: lab
  name: Lab
  type: company
- id: cloud
  name: Cloud
  type: cloud_provider
- id: fund
  name: Fund
  type: investor
funding_rounds:
- id: chips-in-lab
  company: lab
  date: 2025-03
  status: committed
  amount: $10B
  investors:
  - investor: chips
    amount: $10B
- id: fund-in-lab
  company: lab
  date: 2025-04
  status: announced
  amount: $2B
  investors:
  - investor: fund
    amount: $2B
compute_contracts:
- id: lab-rents-cloud
  buyer: lab
  seller: cloud
  start: 2025-01
  end: 2025-12
  rate: $1B/month
  arrangement: cloud
  status: signed
- id: cloud-buys-chips
  buyer: cloud
  seller: chips
  start: 2025-06
  total_value: $4B
  arrangement: purchase
  status: signed
gpu_orders:
- id: lab-gpus
  buyer: lab
  vendor: chips
  sku: B200
  quantity: 1,000
  order_date: 2025-02
  scheduled:
  - date: 2025-09
    quantity: 600
- id: cloud-gpus
  buyer: cloud
  vendor: chips
  sku: H100
  quantity: 500
  order_date: 2025-01
gpu_reallocations:
- id: lab-to-cloud
  order: lab-gpus
  sku: B200
  from_entity: lab
  to_entity: cloud
  quantity: 200
  date: 2025-05
"""


@pytest.fixture
def loop(ledger_text: LedgerText) -> Ledger:
    return ac.load(ledger_text(LOOP))


def _edge_lines(fig: Figure) -> dict[str, Any]:
    return {ln.get_label(): ln for ln in fig.axes[0].get_lines() if " > " in str(ln.get_label())}


def test_flows_draws_each_leg_by_basis_with_loops_in_red(loop: Ledger) -> None:
    from aicapex.plot.base import COLORS
    from aicapex.plot.graph import LINESTYLES, graph_edges

    fig = plot.flows(loop)
    lines = _edge_lines(fig)
    edges, loops = graph_edges(loop)
    assert set(lines) == {
        f"{p} > {q} {b}"
        for p, q, b in zip(edges["payer"], edges["payee"], edges["basis"], strict=True)
    }
    # the loop chips > lab > cloud > chips carries money; the fund's money does not
    fund = next(k for k in lines if k.startswith("fund > lab "))
    assert "chips > lab committed" in lines
    assert loops["path"].tolist() == ["chips > lab > cloud > chips"]
    red = {k for k, ln in lines.items() if ln.get_color() == COLORS["loop"]}
    assert red == {
        f"{p} > {q} {b}"
        for p, q, b, on in zip(
            edges["payer"], edges["payee"], edges["basis"], edges["in_loop"], strict=True
        )
        if on
    }
    assert fund not in red
    for label, line in lines.items():
        assert line.get_linestyle() == LINESTYLES[label.rsplit(" ", 1)[1]]
    # the loop's smallest leg bounds what can go round it: cloud's $4B of chips
    total = float(loop["cloud-buys-chips"].total_value.amount)  # type: ignore[attr-defined]
    assert loops["amount_usd"].tolist() == pytest.approx([total])
    # widths grow with amounts; labels give the amount and the basis
    widths = {k: ln.get_linewidth() for k, ln in lines.items()}
    assert widths["chips > lab committed"] > widths[fund]
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert escape("$10B committed") in texts
    assert escape(f"$2B {fund.rsplit(' ', 1)[1]}") in texts
    assert escape("Chips $$ Inc") in texts
    _no_math(fig)
    _png_size(fig)


def test_flows_of_some_entities_and_without_money(loop: Ledger, two: Ledger) -> None:
    fig = plot.flows(loop, ["fund"])
    assert [k.rsplit(" ", 1)[0] for k in _edge_lines(fig)] == ["fund > lab"]
    assert "no loop" in fig.get_supxlabel()  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="no money between two named entities"):
        plot.flows(two)


def test_flows_title_gives_its_dates_as_days(loop: Ledger) -> None:
    start = pd.Timestamp(loop.flows()["date"].min())
    fig = plot.flows(loop, start=start, end="2030")
    assert fig.axes[0].get_title(loc="left") == f"Money between entities ({start:%Y-%m-%d} to 2030)"


def test_gpus_draws_ordered_delivered_and_moved(loop: Ledger) -> None:
    fig = plot.gpus(loop, "lab")
    ordered = _line(fig, "ordered (B200)")
    ordered_units = float(loop["lab-gpus"].quantity)  # type: ignore[attr-defined]
    assert max(ordered.get_ydata()) == ordered_units
    scheduled = _line(fig, "delivered or scheduled (B200)")
    # the 200 moved to the cloud take the earliest scheduled deliveries: 600 - 200 remain
    moved = float(loop["lab-to-cloud"].quantity)  # type: ignore[attr-defined]
    assert max(scheduled.get_ydata()) == 600 - moved
    position = _line(fig, "position")
    assert np.asarray(position.get_ydata())[-1] == ordered_units - moved
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert f"-{int(moved):,} B200 to cloud" in texts
    cloud = plot.gpus(loop, "cloud")
    assert {ln.get_label() for ln in cloud.axes[0].get_lines()} >= {
        "ordered (H100)",
        "ordered (B200)",
    }
    assert f"+{int(moved):,} B200 from lab" in [t.get_text() for t in cloud.axes[0].texts]
    with pytest.raises(ValueError, match="no GPU orders"):
        plot.gpus(loop, "fund")


def test_pictures_of_gpus_and_the_money_graph(loop: Ledger, tmp_path: Path) -> None:
    from aicapex.plot.pictures import ledger_pictures
    from aicapex.report import report

    data = report(loop)
    whole = list(ledger_pictures(loop))
    assert [(p.company, p.name, p.file) for p in whole] == [
        (None, "money_graph", "money_graph.png")
    ]
    drawn = {(p.company, p.name) for p in company_pictures(loop, data) if p.figure is not None}
    assert ("lab", "gpus") in drawn  # the report's companies only (cloud is a provider)
    written, _ = write_pictures(loop, data, tmp_path)
    assert "money_graph.png" in {p.name for p in written}


def test_cash_draws_a_comparison_of_scenarios(two: Ledger) -> None:
    bridge = ac.Scenario("bridge", [ac.AddFlow("alpha", "2024-04", 6e6, "bridge")])
    cmp = ac.compare(two, "alpha", [ac.Scenario("base"), bridge], as_of="2024-03")
    fig = plot.cash(two, "alpha", as_of="2024-03", scenarios=cmp)
    out = pd.Timestamp(cmp.frame.loc["bridge", "cash_out"])
    line = _line(fig, f"bridge: cash out {out:%Y-%m-%d}")
    path = cmp.path("bridge")
    # the opening cash, then each month's closing, as the scenario's path gives them
    expected = [path["opening"].iloc[0], *path["closing"]]
    assert np.asarray(line.get_ydata(), dtype=float) == pytest.approx(expected)
    # the base scenario is the main line: named in the note, not drawn twice
    assert "as the main line: base" in fig.get_supxlabel()  # type: ignore[attr-defined]
    assert not [ln for ln in fig.axes[0].get_lines() if ln.get_label().startswith("base")]
    with pytest.raises(ValueError, match="'alpha', not of 'beta'"):
        plot.cash(two, "beta", scenarios=cmp)


# -- a simulation's fan --------------------------------------------------------------------------


def _fans(fig: Figure) -> dict[str, Any]:
    return {str(c.get_label()): c for c in fig.axes[0].collections if "percentile" in c.get_label()}


def test_cash_draws_a_simulation_as_a_fan_of_its_quantiles(two: Ledger) -> None:
    mc = ac.simulate(
        two, "alpha", n=400, horizon=6, seed=3, as_of="2024-03", compute=ac.dist.normal(1, 0.2)
    )
    fig = plot.cash(two, "alpha", as_of="2024-03", simulation=mc)
    q = mc.quantiles((0.05, 0.95, 0.25, 0.75, 0.5))
    # each month's cash at its end, drawn on the first day of the next (as the line is)
    days = (q.index.to_numpy("datetime64[ns]").astype("datetime64[M]") + 1).astype("datetime64[D]")
    median = _line(fig, "simulated, median")
    assert np.asarray(median.get_xdata()).astype("datetime64[D]").tolist() == days.tolist()
    assert np.asarray(median.get_ydata(), dtype=float) == pytest.approx(q["p50"].to_numpy())
    fans = _fans(fig)
    assert list(fans) == [
        "simulated, 5th to 95th percentile (400 paths)",
        "simulated, 25th to 75th percentile",
    ]
    for (label, fan), (low, high) in zip(
        fans.items(), [("p5", "p95"), ("p25", "p75")], strict=True
    ):
        (vertices,) = [p.vertices for p in fan.get_paths()]
        # the band's outline holds both edges: every quantile of each month is on it
        ys = vertices[:, 1]
        for value in (*q[low], *q[high]):
            assert np.isclose(ys, value).any(), (label, value)
        assert ys.min() == pytest.approx(q[low].min())
        assert ys.max() == pytest.approx(q[high].max())
    months = mc.months((0.05, 0.5, 0.95))
    assert f"simulated: runway {months['p5']:.2f} / {months['p50']:.2f} / {months['p95']:.2f}" in (
        fig.get_supxlabel()  # type: ignore[attr-defined]
    )
    _no_math(fig)
    _png_size(fig)


def test_a_fan_without_uncertainty_is_the_cash_line(two: Ledger) -> None:
    # with the base figures and no driver every path is the runway: the median is the line
    mc = ac.simulate(two, "alpha", n=50, horizon=4, seed=0, ranges="base", as_of="2024-03")
    fig = plot.cash(two, "alpha", as_of="2024-03", simulation=mc)
    line, median = _line(fig, "cash ("), _line(fig, "simulated, median")
    path = dict(
        zip(
            np.asarray(line.get_xdata()).astype("datetime64[D]").tolist(),
            np.asarray(line.get_ydata(), dtype=float),
            strict=True,
        )
    )
    fan = dict(
        zip(
            np.asarray(median.get_xdata()).astype("datetime64[D]").tolist(),
            np.asarray(median.get_ydata(), dtype=float),
            strict=True,
        )
    )
    shared = set(path) & set(fan)
    assert shared
    for day in shared:
        assert fan[day] == pytest.approx(path[day], abs=1.0)


def test_a_simulation_of_another_entity_is_refused(two: Ledger) -> None:
    mc = ac.simulate(two, "beta", n=10, horizon=2, seed=0)
    with pytest.raises(ValueError, match="'beta', not of 'alpha'"):
        plot.cash(two, "alpha", simulation=mc)


# -- ownership ---------------------------------------------------------------------------------

HOLDERS = """
sources:
- id: wire
  outlet: Wire
  title: Acme's holders
  date: 2024-11
entities:
- id: acme
  name: Acme AI
  type: company
- id: zeta
  name: Zeta
  type: company
- id: founder
  name: Founder
  type: person
- id: vc
  name: VC $ Partners
  type: investor
- id: fund
  name: Growth Fund
  type: investor
- id: chipco
  name: ChipCo
  type: chip_vendor
- id: bigco
  name: BigCo
  type: company
funding_rounds:
- id: acme-a
  company: acme
  date: 2024-03
  amount: $10M
  pre_money: $40M
  post_money: $50M
  investors:
  - investor: vc
    amount: $10M
- id: acme-talks
  company: acme
  date: 2024-12
  amount: $30M
  status: in_talks
stakes:
- id: founder-2023
  holder: founder
  company: acme
  date: 2023
  event: holding
  share: 90%
  sources: [wire]
- id: vc-a
  holder: vc
  company: acme
  date: 2024-03
  event: purchase
  purchase: primary
  round: acme-a
  share: 20%
  paid: $10M
- id: chipco-primary
  holder: chipco
  company: acme
  date: 2024-06
  event: purchase
  purchase: primary
  share: 10%
  paid: $6M
- id: fund-secondary
  holder: fund
  company: acme
  date: 2024-09
  event: purchase
  purchase: secondary
  seller: founder
  share: 5%
  paid: $3.5M
- id: bigco-announced
  holder: bigco
  company: acme
  date: 2024-10
  event: holding
  share: 25%
  status: announced
- id: vc-zeta
  holder: vc
  company: zeta
  date: 2025-02
  event: purchase
  paid: $5M
"""


@pytest.fixture
def holders(ledger_text: LedgerText) -> Ledger:
    return ac.load(ledger_text(HOLDERS))


def _stake(led: Ledger, record: str) -> float:
    return float(led[record].share.value)  # type: ignore[attr-defined]


def _amount(led: Ledger, record: str, field: str) -> float:
    return float(getattr(led[record], field).amount)


def _segments(fig: Figure, width: float) -> dict[int, list[float]]:
    """The heights of the bars of ``width`` at each tick (a bar per holder), bottom to top."""
    out: dict[int, list[tuple[float, float]]] = {}
    for bar in fig.axes[0].patches:
        if not np.isclose(bar.get_width(), width):
            continue
        x = round(bar.get_x() + bar.get_width() / 2 - (0.42 if width < 0.5 else 0.0))
        out.setdefault(x, []).append((bar.get_y(), bar.get_height()))
    return {x: [h for _, h in sorted(bars)] for x, bars in sorted(out.items())}


def test_ownership_draws_the_holders_at_each_change(holders: Ledger) -> None:
    led = holders
    fig = plot.ownership(led, "acme")
    # a bar on the first day of each stake and of the priced round (the round in talks is not)
    records = ("founder-2023", "acme-a", "vc-a", "chipco-primary", "fund-secondary")
    days = sorted({led[r].date.start() for r in (*records, "bigco-announced")})  # type: ignore[attr-defined]
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks == [f"from {d:%Y-%m-%d}" for d in days]
    # the shares, from the records: the round dilutes by its amount over its post-money, the
    # primary purchase by its share, the secondary sale moves the fund's share from the founder
    founder = _stake(led, "founder-2023")
    d = _amount(led, "acme-a", "amount") / _amount(led, "acme-a", "post_money")
    vc, c, s = _stake(led, "vc-a"), _stake(led, "chipco-primary"), _stake(led, "fund-secondary")
    expected = [
        {"founder": founder},
        {"founder": founder * (1 - d), "vc": vc},
        {"founder": founder * (1 - d) * (1 - c), "vc": vc * (1 - c), "chipco": c},
        {"founder": founder * (1 - d) * (1 - c) - s, "vc": vc * (1 - c), "chipco": c, "fund": s},
    ]
    expected.append(expected[-1])  # the announced holding changes nothing counted
    bars = _segments(fig, 0.6)
    assert list(bars) == list(range(len(days)))
    for x, shares in enumerate(expected):
        others = 1 - sum(shares.values())
        assert sorted(bars[x]) == pytest.approx(sorted([*shares.values(), others]))
        assert sum(bars[x]) == pytest.approx(1.0)
    # each segment says its share; the rest is "others"
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert f"{100 * expected[-1]['founder']:.3g}%" in texts
    legend = [t.get_text() for t in fig.legends[0].texts]
    assert {"Founder", escape("VC $ Partners"), "ChipCo", "Growth Fund"} <= set(legend)
    assert "others (the rest)" in legend
    # the announced stake: a dashed bar beside the last day, not counted, said under the plot
    pending = _segments(fig, 0.18)
    assert pending == {len(days) - 1: [pytest.approx(_stake(led, "bigco-announced"))]}
    assert f"BigCo {100 * _stake(led, 'bigco-announced'):.3g}%" in texts
    assert "not counted (announced): BigCo 25%" in fig.get_supxlabel()  # type: ignore[attr-defined]
    _no_math(fig)
    _png_size(fig)


def test_ownership_says_what_the_sources_do_not_give(holders: Ledger) -> None:
    fig = plot.ownership(holders, "zeta")
    (bar,) = [p for p in fig.axes[0].patches if np.isclose(p.get_width(), 0.6)]
    assert (bar.get_y(), bar.get_height()) == (0.0, 1.0)  # the whole bar: unknown, not a guess
    assert bar.get_hatch() == "//"
    assert bar.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert escape("VC $ Partners: share not reported") in texts
    assert "share not reported" in [t.get_text() for t in fig.legends[0].texts]
    _no_math(fig)


def test_ownership_of_a_company_without_stakes_is_a_value_error(holders: Ledger) -> None:
    with pytest.raises(ValueError, match="no stakes of 'bigco'"):
        plot.ownership(holders, "bigco")


def test_ownership_to_a_date_and_in_a_report(holders: Ledger, tmp_path: Path) -> None:
    from aicapex.report import report

    chipco = holders["chipco-primary"].date.start()  # type: ignore[attr-defined]
    fig = plot.ownership(holders, "acme", as_of=chipco.isoformat())
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels()]
    assert ticks[-1] == f"from {chipco:%Y-%m-%d}"  # nothing after the date asked for
    assert len(ticks) == 3  # the founder's holding, the priced round, chipco's purchase
    data = report(holders)
    pictures = {(p.company, p.name): p for p in company_pictures(holders, data)}
    assert pictures["acme", "ownership"].figure is not None
    written, _ = write_pictures(holders, data, tmp_path)
    assert "acme-ownership.png" in {p.name for p in written}


# -- the README's picture ----------------------------------------------------------------------

ROOT = Path(__file__).parents[1]


def test_the_readme_shows_a_small_picture_made_from_the_bundled_data(tmp_path: Path) -> None:
    import runpy

    image = ROOT / "docs" / "img" / "stability_cash.png"
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/img/stability_cash.png)" in readme
    assert "aicapex report --html report.html" in readme
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        assert f"(notebooks/{notebook.name})" in readme
    assert image.stat().st_size < 60_000
    # the script makes it again from the bundled data: a PNG of the same size
    made = runpy.run_path(str(ROOT / "docs" / "make_images.py"))["main"](tmp_path / "cash.png")
    committed, again = image.read_bytes(), made.read_bytes()
    assert again[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", again[16:24]) == struct.unpack(">II", committed[16:24])
    assert len(again) < 60_000
