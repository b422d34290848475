"""The examples in the docstrings run, against the installed package (as users import it)."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import aicapex

MODULES = sorted(
    m.name
    for m in pkgutil.walk_packages(aicapex.__path__, "aicapex.")
    if m.name != "aicapex.__main__"
)


@pytest.mark.parametrize("name", ["aicapex", *MODULES])
def test_docstring_examples(name: str) -> None:
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.failed == 0, f"{result.failed} of {result.attempted} examples of {name} failed"


def test_the_examples_are_found() -> None:
    """Not vacuous: the package documents itself with runnable examples."""
    finder = doctest.DocTestFinder()
    count = sum(
        len(t.examples) for name in MODULES for t in finder.find(importlib.import_module(name))
    )
    assert count >= 20
