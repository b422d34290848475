"""``max_bytes`` below 1, or not a whole number, is refused by ``read_table`` and
``read_scenarios`` as ``load`` refuses it (a ValueError or TypeError naming the argument): they
read it as a limit and refused the file, 'expected a table file of at most -1 bytes', or took
1.5 and True as limits."""

from __future__ import annotations

from pathlib import Path

import pytest

import aicapex as ac

SCENARIOS = "aicapex: 1\nentity: acme\nscenarios:\n- name: base\n"
TABLE = "id,company,category,amount,date\ne1,acme,opex,$1M,2023-05\n"


def _readers(tmp_path: Path) -> list[tuple[object, tuple[object, ...]]]:
    (tmp_path / "acme.scenarios.yaml").write_text(SCENARIOS)
    (tmp_path / "e.csv").write_text(TABLE)
    return [
        (ac.read_table, (tmp_path / "e.csv", "expenses")),
        (ac.read_scenarios, (tmp_path / "acme.scenarios.yaml",)),
        (ac.load, (tmp_path / "acme.scenarios.yaml",)),  # the reference: load refuses them
    ]


@pytest.mark.parametrize("given", [0, -1])
def test_a_limit_below_one_byte_is_refused(tmp_path: Path, given: int) -> None:
    for read, args in _readers(tmp_path):
        with pytest.raises(ValueError, match="max_bytes: expected a whole number of bytes of 1"):
            read(*args, max_bytes=given)  # type: ignore[operator]


@pytest.mark.parametrize("given", [1.5, True, "10"])
def test_a_limit_that_is_no_whole_number_is_refused(tmp_path: Path, given: object) -> None:
    for read, args in _readers(tmp_path):
        with pytest.raises(TypeError, match=r"max_bytes: expected a (whole )?number of bytes"):
            read(*args, max_bytes=given)  # type: ignore[operator]


def test_a_limit_of_the_file_size_reads_it(tmp_path: Path) -> None:
    _readers(tmp_path)
    size = len(TABLE.encode())
    assert list(ac.read_table(tmp_path / "e.csv", "expenses", max_bytes=size)["id"]) == ["e1"]
    scenarios = tmp_path / "acme.scenarios.yaml"
    assert ac.read_scenarios(scenarios, max_bytes=len(SCENARIOS)).entity == "acme"
