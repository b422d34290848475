"""Under ``conflicts="all"`` a GPU order two outlets report counts once per report, and the
fleet's (and the targets') assumptions name the records counted beside the one kept by
default. Figures by hand from the records below."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

LEDGER = """\
sources:
- {id: s1, outlet: Alpha News, title: Orders, date: 2024-03-01}
- {id: s2, outlet: Beta Wire, title: Orders again, date: 2024-03-05}
- {id: s3, outlet: Gamma Daily, title: Third look, date: 2024-04-02}
entities:
- {id: acme, name: Acme, type: company}
- {id: beta, name: Beta, type: company}
- {id: nvidia, name: Nvidia, type: company}
gpu_orders:
- id: acme-h100-a
  sources: [{source: s1, quote: "Acme ordered 10,000 H100."}]
  buyer: acme
  vendor: nvidia
  sku: H100
  quantity: 10,000
  order_date: 2024-01
  status: committed
- id: acme-h100-b
  sources: [{source: s2, quote: "Acme ordered 12,000 H100."}]
  buyer: acme
  vendor: nvidia
  sku: H100
  quantity: 12,000
  order_date: 2024-01
  status: committed
- id: acme-h100-c
  sources: [{source: s3, quote: "Acme ordered 11,000 H100."}]
  buyer: acme
  vendor: nvidia
  sku: H100
  quantity: 11,000
  order_date: 2024-01
  status: committed
- id: beta-a100
  sources: [{source: s1, quote: "Beta ordered 5,000 A100 in May."}]
  buyer: beta
  vendor: nvidia
  sku: A100
  quantity: 5,000
  order_date: 2024-05
  status: committed
gpu_targets:
- {id: acme-goal, entity: acme, units: 20000, by: 2024-12, sources: [s1]}
"""


@pytest.fixture
def ledger(tmp_path: Path) -> ac.Ledger:
    path = tmp_path / "ledger.yaml"
    path.write_text(LEDGER, encoding="utf-8")
    return ac.load(path)


def _positions(result: ac.Result) -> dict[str, int]:
    last = result.frame.groupby("entity").tail(1)
    return {str(e): int(p) for e, p in zip(last["entity"], last["position"], strict=True)}


def _every(result: ac.Result) -> list[str]:
    return [a for a in result.assumptions if a.startswith("conflicts='all'")]


@pytest.mark.parametrize(
    ("policy", "acme"),
    [("latest", 11_000), ("earliest", 10_000), ("all", 10_000 + 12_000 + 11_000)],
)
def test_each_policy_counts_what_it_says(ledger: ac.Ledger, policy: str, acme: int) -> None:
    fleet = ac.gpu_fleet(ledger, conflicts=policy)  # type: ignore[arg-type]
    # beta's order is reported once: every policy counts it once
    assert _positions(fleet) == {"acme": acme, "beta": 5_000}


def test_all_names_the_reports_counted_beside_the_kept_one(ledger: ac.Ledger) -> None:
    fleet = ac.gpu_fleet(ledger, conflicts="all")
    (said,) = _every(fleet)
    # 'latest' keeps acme-h100-c (reported 2024-04-02); the two others are counted as well
    assert "2 records" in said
    assert "acme-h100-a" in said
    assert "acme-h100-b" in said
    assert "acme-h100-c" not in said
    assert "beta-a100" not in said
    assert not _every(ac.gpu_fleet(ledger))
    assert not _every(ac.gpu_fleet(ledger, conflicts="earliest"))


def test_one_entity_and_an_unconflicted_one(ledger: ac.Ledger) -> None:
    assert len(_every(ac.gpu_fleet(ledger, "acme", conflicts="all"))) == 1
    # beta's fleet counts no record twice: nothing to say
    beta = ac.gpu_fleet(ledger, "beta", conflicts="all")
    assert _positions(beta) == {"beta": 5_000}
    assert not _every(beta)


def test_targets_say_it_too(ledger: ac.Ledger) -> None:
    every = ac.gpu_targets(ledger, conflicts="all")
    assert int(every.frame["position"].iloc[0]) == 33_000
    (said,) = _every(every)
    assert "acme-h100-a" in said
    assert "acme-h100-b" in said
    latest = ac.gpu_targets(ledger)
    assert int(latest.frame["position"].iloc[0]) == 11_000
    assert not _every(latest)


def test_a_movements_table_given_as_is_says_nothing(ledger: ac.Ledger) -> None:
    # a table passed in is counted as given: which of its rows report one fact is not known
    table = ac.gpu_movements(ledger, conflicts="all")
    fleet = ac.gpu_fleet(table, conflicts="all")
    assert _positions(fleet) == {"acme": 33_000, "beta": 5_000}
    assert not _every(fleet)
