"""gpu_targets(as_of={entity: date}): each entity's targets as of its own date in one call,
the same rows as one call per date (the report's fleet section made one call per distinct
report date of companies with targets: 0.5 s of the report of 8,000 records of every kind)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

import aicapex as ac

LedgerText = Callable[..., Path]

# a: 100 H100 delivered 40 in 2024-03 and 60 in 2024-07; b: 50 H100 delivered 2024-05;
# targets: a 100 by 2024-12, a 30 with no date, b 50 by 2024-06
LEDGER = """
sources:
- {id: s, outlet: Example, title: A report, date: 2024-06}
entities:
- {id: a, name: A, type: company}
- {id: b, name: B, type: company}
- {id: v, name: Vendor, type: chip_vendor}
gpu_orders:
- id: oa
  buyer: a
  vendor: v
  sku: H100
  quantity: 100
  order_date: 2024-01
  delivered: [{date: 2024-03, quantity: 40}, {date: 2024-07, quantity: 60}]
  sources: [s]
- id: ob
  buyer: b
  vendor: v
  sku: H100
  quantity: 50
  order_date: 2024-01
  delivered: [{date: 2024-05, quantity: 50}]
  sources: [s]
gpu_targets:
- {id: ta, entity: a, units: 100, by: 2024-12, set_by: a, sku: H100, sources: [s]}
- {id: ta0, entity: a, units: 30, set_by: a, sources: [s]}
- {id: tb, entity: b, units: 50, by: 2024-06, set_by: b, sources: [s]}
"""


@pytest.fixture
def ledger(ledger_text: LedgerText) -> ac.Ledger:
    return ac.load(ledger_text(LEDGER))


def test_each_entity_as_of_its_own_date(ledger: ac.Ledger) -> None:
    got = ac.gpu_targets(ledger, as_of={"a": "2024-05", "b": "2024-04"}).frame
    delivered = dict(zip(got["target"], got["delivered"], strict=True))
    # a by 2024-05: the March 40 (ta and ta0); b by 2024-04: nothing yet
    assert delivered == {"ta": 40, "ta0": 40, "tb": 0}
    # by stays the target's own date
    assert str(got.loc[got["target"] == "ta", "by"].iloc[0])[:10] == "2024-12-31"


def test_the_same_rows_as_a_call_per_date(ledger: ac.Ledger) -> None:
    dates = {"a": "2024-08", "b": "2024-05"}
    together = ac.gpu_targets(ledger, as_of=dates).frame.set_index("target")
    for entity, when in dates.items():
        alone = ac.gpu_targets(ledger, as_of=when).frame.set_index("target")
        mine = alone[alone["entity"] == entity]
        pd.testing.assert_frame_equal(together.loc[mine.index], mine)


def test_an_entity_left_out_is_not_capped(ledger: ac.Ledger) -> None:
    got = ac.gpu_targets(ledger, as_of={"b": "2024-04"}).frame
    delivered = dict(zip(got["target"], got["delivered"], strict=True))
    # a uncapped: ta by 2024-12 counts 100; ta0 (no date) every delivery, 100
    assert delivered == {"ta": 100, "ta0": 100, "tb": 0}
