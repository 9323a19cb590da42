"""Data handed to the engine: a DataFrame through the Arrow C data interface, a path as the
request's data source, nothing for the embedded panel; and JSON records back as DataFrames.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple, Union

from .errors import DataError

DataArg = Union[None, str, "os.PathLike[str]", Any]


def source(data: DataArg) -> Tuple[Dict[str, Any], Any]:
    """The request's ``data`` field and the in-memory frame to hand over (or None)."""
    if data is None:
        return {"kind": "embedded"}, None
    if isinstance(data, (str, os.PathLike)):
        path = Path(data)
        if path.is_dir():
            return {"kind": "dataset", "dir": str(path)}, None
        return {"kind": "file", "path": str(path)}, None
    return {"kind": "embedded"}, data


def _is_pandas(frame: Any) -> bool:
    return type(frame).__module__.split(".")[0] == "pandas" and hasattr(frame, "columns")


def arrow_stream(frame: Any, columns: Optional[Sequence[str]] = None) -> Any:
    """An object with ``__arrow_c_stream__`` for ``frame``, narrowed to ``columns`` (those
    of them it has; an absent one is left for the engine to report with the names there
    are). pandas frames go through pyarrow, without their index; numeric columns without
    missing values are not copied."""
    names: Optional[List[str]] = None
    if columns is not None and hasattr(frame, "columns"):
        have = [str(c) for c in frame.columns]
        wanted = [c for c in columns if c in have]
        # A formula column the frame lacks: hand everything over, so that the message
        # lists every column and suggests the nearest.
        names = wanted if len(wanted) == len(columns) else None
    if _is_pandas(frame):
        import pyarrow as pa

        sub = frame[names] if names is not None else frame
        try:
            return pa.Table.from_pandas(sub, preserve_index=False)
        except (pa.ArrowException, TypeError, ValueError) as e:
            raise DataError(f"the DataFrame cannot be handed over as Arrow data: {e}") from None
    if names is not None:
        if type(frame).__module__.split(".")[0] == "polars":
            frame = frame.select(names)
        elif hasattr(frame, "select") and hasattr(frame, "schema"):
            frame = frame.select(names)  # pyarrow.Table
    return frame


def records_frame(records: Any) -> Any:
    """A list of JSON records as a pandas DataFrame (the value itself otherwise)."""
    if isinstance(records, list) and records and all(isinstance(r, dict) for r in records):
        import pandas as pd

        return pd.DataFrame.from_records(records)
    return records


def table_frame(batch: Any) -> Any:
    """A pyarrow RecordBatch from the engine as a pandas DataFrame."""
    import pyarrow as pa

    return pa.Table.from_batches([batch]).to_pandas()


def request_of(capability: str, **fields: Any) -> Dict[str, Any]:
    """A request in the library's JSON form: its capability, the format version, and the
    fields given (None leaves a field to the library's default)."""
    request: Dict[str, Any] = {"capability": capability, "version": 1}
    request.update({k: v for k, v in fields.items() if v is not None})
    return request
