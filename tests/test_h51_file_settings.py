"""A scenarios file's settings say what was found in the file's words: ``horizon: 240.0`` was
'got Decimal('240.0')' (Python's repr of YAML's decimal), and the horizon expected is a whole
number of months."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac
from aicapex.errors import LedgerError


@pytest.mark.parametrize(
    ("line", "expected", "found"),
    [
        ("horizon: 240.0", "a horizon in whole months, 1 to 720 (60 years)", "240.0"),
        ("horizon: 0", "a horizon in whole months, 1 to 720 (60 years)", "0"),
        ("aicapex: 2.5", "a scenarios file of format 1 (aicapex: 1)", "2.5"),
    ],
)
def test_settings_found_in_the_files_words(
    tmp_path: Path, line: str, expected: str, found: str
) -> None:
    key = line.split(":")[0]
    text = "aicapex: 1\nentity: beta\nhorizon: 12\nscenarios:\n- name: base\n"
    text = "\n".join(line if row.startswith(f"{key}:") else row for row in text.splitlines())
    path = tmp_path / "beta.scenarios.yaml"
    path.write_text(text + "\n")
    with pytest.raises(LedgerError) as caught:
        ac.read_scenarios(path)
    (problem,) = caught.value.problems
    assert (problem.field, problem.expected, problem.found) == (key, expected, found)
