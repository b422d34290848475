"""An entity's name and a source's outlet and title are not empty (helper-50's bad-input
review): ``name: ''`` (or spaces, stripped) loaded, and the report and summary showed a company
without a name."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac


@pytest.mark.parametrize(
    ("text", "kind", "field"),
    [
        ("entities:\n- {id: co, name: '', type: company}\n", "entities", "name"),
        ("entities:\n- {id: co, name: '   ', type: company}\n", "entities", "name"),
        ("sources:\n- {id: s1, outlet: '', title: T, date: 2024}\n", "sources", "outlet"),
        ("sources:\n- {id: s1, outlet: P, title: ' ', date: 2024}\n", "sources", "title"),
    ],
)
def test_an_empty_name_is_refused(tmp_path: Path, text: str, kind: str, field: str) -> None:
    path = tmp_path / "l.yaml"
    path.write_text("aicapex: 1\n" + text)
    with pytest.raises(ac.LedgerError) as caught:
        ac.load(path)
    (p,) = caught.value.problems
    assert (p.kind, p.field, p.line, p.expected) == (kind, field, 3, "text, not empty")
