"""numpy's huge-page hint is off while a bulk call runs, and as it was before and after."""

from __future__ import annotations

from collections.abc import Iterator
from importlib import import_module

import pandas as pd
import pytest

import aicapex as ac
from aicapex.table.pages import small_pages

MULTIARRAY = next(
    (
        m
        for m in (import_module(n) for n in ("numpy._core.multiarray", "numpy.core.multiarray"))
        if hasattr(m, "_set_madvise_hugepage")
    ),
    None,
)
pytestmark = pytest.mark.skipif(
    MULTIARRAY is None, reason="this numpy has no switch for its huge-page hint"
)


def _hint() -> bool:
    """numpy's current setting (the switch returns the previous one)."""
    assert MULTIARRAY is not None
    before: bool = MULTIARRAY._set_madvise_hugepage(True)
    MULTIARRAY._set_madvise_hugepage(before)
    return before


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    monkeypatch.delenv("AICAPEX_HUGEPAGES", raising=False)
    assert MULTIARRAY is not None
    before = MULTIARRAY._set_madvise_hugepage(True)
    MULTIARRAY._set_madvise_hugepage(before)
    yield
    MULTIARRAY._set_madvise_hugepage(before)


@pytest.mark.parametrize("before", [True, False])
def test_off_inside_and_restored(clean_env: None, before: bool) -> None:
    assert MULTIARRAY is not None
    MULTIARRAY._set_madvise_hugepage(before)
    with small_pages():
        assert _hint() is False
        with small_pages():  # nested: restores the outer block's setting
            assert _hint() is False
        assert _hint() is False
    assert _hint() is before


def test_restored_after_an_error(clean_env: None) -> None:
    assert MULTIARRAY is not None
    MULTIARRAY._set_madvise_hugepage(True)
    with pytest.raises(ZeroDivisionError), small_pages():
        _ = 1 / 0
    assert _hint() is True


@pytest.mark.parametrize(
    ("name", "value"), [("NUMPY_MADVISE_HUGEPAGE", "1"), ("AICAPEX_HUGEPAGES", "1")]
)
def test_the_environment_decides(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    assert MULTIARRAY is not None
    MULTIARRAY._set_madvise_hugepage(True)
    monkeypatch.setenv(name, value)
    with small_pages():
        assert _hint() is True
    assert _hint() is True


def _spy(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Record what is asked of numpy's switch (and pass it on)."""
    assert MULTIARRAY is not None
    real = MULTIARRAY._set_madvise_hugepage
    asked: list[bool] = []

    def switch(on: bool) -> bool:
        asked.append(on)
        previous: bool = real(on)
        return previous

    monkeypatch.setattr(MULTIARRAY, "_set_madvise_hugepage", switch)
    return asked


def _frames() -> dict[str, pd.DataFrame]:
    ledger = ac.load(ac.bundled_data())
    return {k: ledger.frame(k) for k in ("expenses", "revenues", "funding_rounds")}


@pytest.mark.parametrize(
    "call",
    [
        lambda f: ac.flows(f),
        lambda f: ac.burn(f),
        lambda f: ac.runway(f, "stability-ai", as_of="2023-10-31", cash={"stability-ai": 4e6}),
    ],
    ids=["flows", "burn", "runway"],
)
def test_bulk_calls_run_without_the_hint(
    clean_env: None, monkeypatch: pytest.MonkeyPatch, call: object
) -> None:
    frames = _frames()
    assert MULTIARRAY is not None
    MULTIARRAY._set_madvise_hugepage(True)
    asked = _spy(monkeypatch)
    call(frames)  # type: ignore[operator]
    assert asked[0] is False  # turned off first
    assert asked[-1] is True  # and the caller's setting restored last
    assert _hint() is True


def test_the_report_runs_without_the_hint(clean_env: None, monkeypatch: pytest.MonkeyPatch) -> None:
    from aicapex.report import report

    ledger = ac.load(ac.bundled_data())
    assert MULTIARRAY is not None
    MULTIARRAY._set_madvise_hugepage(True)
    asked = _spy(monkeypatch)
    report(ledger)
    assert asked[0] is False
    assert asked[-1] is True
    assert _hint() is True
