"""``aicapex.report(ledger)`` is the report, however the package was imported: the submodule
``aicapex.report`` and the facade's name collide (importing the submodule sets the package's
attribute to it), so the module itself is callable as its function."""

from __future__ import annotations

import subprocess
import sys

import aicapex as ac
from aicapex.report import report


def test_the_facade_reports(bundled: ac.Ledger) -> None:
    assert ac.report(bundled) == report(bundled)


def test_the_module_imported_first_is_callable_as_the_report() -> None:
    """In a fresh interpreter: the submodule imported before the facade's name is read."""
    code = (
        "import aicapex.report, aicapex as ac\n"
        "led = ac.load(ac.bundled_data())\n"
        "assert ac.report(led) == aicapex.report.report(led)\n"
        "assert ac.report(led, '2023-10')['as_of'] == '2023-10'\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok\n"


def test_the_module_keeps_its_names_and_docs() -> None:
    import aicapex.report as module

    assert module.report is report
    assert module.__doc__ is not None
    assert module.__doc__.startswith("The report")


def test_the_name_stays_the_module_after_a_call() -> None:
    """In a fresh interpreter: ac.report(led) first, then the module's names (SECTIONS) and
    the from-import of the module still work."""
    code = (
        "import aicapex as ac\n"
        "led = ac.load(ac.bundled_data())\n"
        "data = ac.report(led)\n"
        "import aicapex.report\n"
        "assert aicapex.report.SECTIONS and aicapex.report.report(led) == data\n"
        "from aicapex import report as R\n"
        "assert R.REPORT_VERSION == data['report_version'] and R(led) == data\n"
        "print('ok')\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "ok\n"
