"""Make the README's picture from the bundled data: ``python docs/make_images.py``.

Writes ``docs/img/stability_cash.png``: Stability AI's cash from October 2023 (the ledger as
reported, with the cash-out day and its range), the what-ifs of
``data/stability_ai.scenarios.yaml`` one line each, and a Monte Carlo fan of the one that
lasts longest (its costs uncertain). Same data, same seed, same picture.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from PIL import Image

import aicapex as ac
from aicapex import plot

OUT = Path(__file__).parent / "img" / "stability_cash.png"


def main(out: Path = OUT) -> Path:
    """Draw the picture and write it to ``out``; returns the path."""
    led = ac.load(ac.bundled_data())
    book = ac.read_scenarios(ac.bundled_data() / "stability_ai.scenarios.yaml", led)
    compared = ac.compare(
        led, book.entity, book.scenarios, as_of=book.as_of, policy=book.policy, horizon=12
    )
    best = compared.frame["months"].idxmax()
    mc = ac.simulate(
        led,
        book.entity,
        n=4_000,
        horizon=12,
        seed=2023,
        as_of=book.as_of,
        scenario=next(s for s in book.scenarios if s.name == best),
        compute=ac.dist.lognormal(0, 0.2),
        revenue_growth=ac.dist.normal(0.0, 0.02),
    )
    fig = plot.cash(
        led,
        book.entity,
        as_of=book.as_of,
        scenarios=compared,
        simulation=mc,
        simulation_name=f"{best}, simulated",
        shown_months=12,
    )
    fig.set_size_inches(11, 4.8)  # room for the legend beside the plot
    png = Image.open(io.BytesIO(plot.to_png(fig, dpi=80)))
    # a palette of 128 colours keeps the file small (the plot has fewer)
    small = png.convert("RGB").quantize(colors=128, method=Image.Quantize.FASTOCTREE)
    out.parent.mkdir(parents=True, exist_ok=True)
    small.save(out, format="PNG", optimize=True)
    return out


if __name__ == "__main__":
    path = main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
    print(f"{path} ({path.stat().st_size:,} bytes)")
