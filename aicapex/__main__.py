"""The ``aicapex`` program: its script's entry point, and ``python -m aicapex`` for environments
without the script on PATH.

:func:`main` pauses the collector of reference cycles before it imports the program: importing
builds only long-lived objects (modules, classes, pandas' tables), and each collection would
walk them all again (about 40 ms, 5 % of the CPU of the report of the bundled data). The
program resumes the collector once its command has read its ledger
(:func:`aicapex.cliopts.load_ledger`).

The program loads no pydantic plugins (``PYDANTIC_DISABLE_PLUGINS=__all__`` unless the
environment sets it): finding them reads every installed package's metadata (4 ms), for hooks
on validation that a command has no use for. Set ``PYDANTIC_DISABLE_PLUGINS=`` (empty) to load
them.
"""

import gc
import os


def main() -> None:
    """Run the ``aicapex`` command (:func:`aicapex.cli.main`), the collector paused until its
    ledger is read."""
    gc.disable()
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from aicapex.cli import main as run

    run()


if __name__ == "__main__":
    main()
