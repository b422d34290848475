"""``--burn-after`` takes what ``burn_after=`` takes: a net burn of -1e15 to 1e15 US dollars a
month, a negative being money in past the records. The command refused a negative ("a number
of 0 to 1e+15") that the library takes."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import aicapex as ac
from aicapex.cli import app


@pytest.mark.parametrize("value", ["-5e6", "-5000000", "0", "5e6"])
def test_the_command_gives_the_librarys_months(bundled: ac.Ledger, value: str) -> None:
    result = CliRunner().invoke(
        app,
        [
            "runway",
            "data",
            "stability-ai",
            "--as-of",
            "2023-10",
            f"--burn-after={value}",
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    expected = ac.runway(bundled, "stability-ai", as_of="2023-10", burn_after=float(value))
    assert f'"months": {round(expected.months, 2)}' in result.stdout
