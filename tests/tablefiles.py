"""Rows written as a bulk table file, CSV or Parquet, for the tests of ``read_table``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd


def write_rows(tmp_path: Path, rows: list[dict[str, Any]], fmt: str, name: str = "t") -> Path:
    """``rows`` (one dict per row) as ``<tmp_path>/<name>.<fmt>``, ``fmt`` csv or parquet."""
    path = tmp_path / f"{name}.{fmt}"
    frame = pd.DataFrame(rows)
    if fmt == "csv":
        frame.to_csv(path, index=False)
    else:
        frame.to_parquet(path, index=False)
    return path
