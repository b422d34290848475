"""Lines found from indentation (``Locator`` with the parsed data) are the lines PyYAML's nodes
give, for every value of every record, in the layouts people write and the one ``save`` writes;
where the text is not plain block style the answer comes from composing (the record's text, or
the document's) and is the same."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from test_ledger import ledgers

import aicapex
from aicapex.files import Locator, parse_document
from aicapex.ledger import Ledger


def _paths(node: Any, prefix: tuple[str | int, ...] = ()) -> Iterator[tuple[str | int, ...]]:
    yield prefix
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _paths(value, (*prefix, i))


def _same_lines(text: str) -> int:
    data, problems = parse_document(text, "x.yaml")
    assert problems == [], problems
    fast, composed = Locator(text, data), Locator(text)
    count = 0
    for path in _paths(data):
        line = composed.line(*path)
        around = "\n".join(text.splitlines()[max(0, (line or 1) - 6) : (line or 1) + 2])
        assert fast.line(*path) == line, (path, around)
        count += 1
    # paths that go further than the data: the deepest line found, both ways
    for path in (("entities", 999), ("nothing",), ("entities", 0, "no_field", 3)):
        assert fast.line(*path) == composed.line(*path), path
    return count


def test_bundled_ledger() -> None:
    files = sorted(aicapex.bundled_data().glob("*.yaml"))
    assert sum(_same_lines(path.read_text(encoding="utf-8")) for path in files) > 100


LAYOUTS = [
    # items indented under their kind, keys 4 spaces in
    """\
entities:
  - id: acme
    name: Acme AI
    type: company
    controlled_by:
      - holdco
  - id: holdco
    name: Holdco
    type: company
""",
    # the mapping on the line after its dash; comments everywhere
    """\
# a ledger
entities:   # the entities
-
  id: acme   # the company
  name: Acme AI
# between
  type: company
- id: holdco
  # inside
  name: Holdco
  type: company
""",
    # flow collections, quoted keys and values, block scalars with dashes and colons inside
    """\
entities:
- {id: acme, name: Acme AI, type: company}
- id: holdco
  "name": Holdco
  type: company
  aliases: [H, 'Holdco: the parent']
  note: |
    - not an item
    name: not a key
  controlled_by:
  - acme
- id: third
  name: "multi
    line"
  type: company
""",
    # JSON
    '{"entities": [{"id": "acme", "name": "Acme AI", "type": "company",\n'
    '  "aliases": ["A", "B"]}]}\n',
]


@pytest.mark.parametrize("text", LAYOUTS, ids=range(len(LAYOUTS)))
def test_layouts(text: str) -> None:
    assert _same_lines(text) > 5


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ledgers())
def test_saved_ledgers(ledger: Ledger) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = ledger.save(Path(folder) / "x.yaml")
        _same_lines(path.read_text(encoding="utf-8"))


def test_the_composer_is_not_used_for_block_style(monkeypatch: pytest.MonkeyPatch) -> None:
    """On plain block style, no YAML is composed at all (the error path costs little)."""
    text = next(iter(sorted(aicapex.bundled_data().glob("*.yaml")))).read_text(encoding="utf-8")
    data, _ = parse_document(text, "x.yaml")

    def compose(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("composed")

    monkeypatch.setattr(yaml, "compose", compose)
    locator = Locator(text, data)
    for path in _paths(data):
        assert locator.line(*path) is not None
