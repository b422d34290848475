"""The JSON export's layout (aicapex.export.jsonout.json_text): the same document as
json.dumps, laid out with each record and each flow on one line of its own, so that a diff of
two exports shows the records and flows that changed."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import aicapex as ac
from aicapex.export.jsonout import json_document, json_text

LedgerText = Callable[..., Path]


def _check(led: ac.Ledger) -> None:
    flows = led.flows()
    text = json_text(led, flows)
    doc = json_document(led, flows)
    assert json.loads(text) == json.loads(json.dumps(doc, ensure_ascii=False))
    lines = text.split("\n")

    def at(indent: int) -> list[object]:
        """The lines indented by ``indent`` spaces that hold an object, each read alone."""
        head = " " * indent + "{"
        return [
            json.loads(line.strip().removesuffix(",")) for line in lines if line.startswith(head)
        ]

    # every record and every flow is a line of its own that parses alone
    records = [r for kind in doc["ledger"].values() if isinstance(kind, list) for r in kind]
    assert at(6) == records
    rows = at(4)
    assert rows == doc["flows"]
    assert len(rows) == len(flows)


def test_the_bundled_export_has_a_line_per_record_and_flow(bundled: ac.Ledger) -> None:
    _check(bundled)


_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12
).filter(lambda t: t.strip() == t and t.strip())


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(names=st.lists(_text, min_size=1, max_size=4), notes=st.lists(_text, max_size=3))
def test_any_text_keeps_its_record_on_one_line(names: list[str], notes: list[str]) -> None:
    """Newlines, quotes, line separators (U+2028) and other characters inside values are
    escaped by the encoder: a record stays on its line and reads back as written."""
    records: list[ac.Record] = [
        ac.Source(id="s", outlet="o", title=notes[0] if notes else "t", date="2024")
    ]
    for i, name in enumerate(names):
        records.append(ac.Entity(id=f"c{i}", name=name, type="company"))
        records.append(
            ac.Expense(  # type: ignore[call-arg]
                id=f"x{i}",
                company=f"c{i}",
                category="opex",
                amount=f"${i + 1}M",
                date="2024-03",
                note=notes[i % len(notes)] if notes else None,
                sources=["s"],
            )
        )
    _check(ac.Ledger(records))


def test_an_empty_ledger_exports_empty_lists() -> None:
    led = ac.Ledger()
    text = json_text(led, led.flows())
    doc = json.loads(text)
    assert doc["flows"] == []
    assert '"flows": []' in text
