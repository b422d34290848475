"""``python -m aicapex``: the ``aicapex`` command, for environments without its script on PATH."""

from aicapex.cli import main

if __name__ == "__main__":
    main()
