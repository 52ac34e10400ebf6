"""The environment variables a user may set, each validated where it is read: a wrong value is one plain
line naming the variable and what it takes, never a traceback or a value taken on trust.

``KPI_ROOT`` (the project root, :mod:`.paths`), ``KPI_LOCK_WAIT`` (seconds a command waits for
another on the same root), ``KPI_DUCKDB_MEMORY`` (DuckDB's memory limit for ``kpi events``),
``KPI_TODAY`` (today's date, for tests and for replaying a past run).
"""

from __future__ import annotations

import datetime as dt
import os
import re

from .errors import KpiError

_MEMORY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(KB|MB|GB|TB|KIB|MIB|GIB|TIB)\s*$", re.IGNORECASE)
# Below this DuckDB cannot even open a Parquet footer: a limit this small is a typo, not a setting.
MIN_MEMORY_MB = 1


def lock_wait(default: float = 600) -> float:
    """``KPI_LOCK_WAIT``: seconds, 0 or more.

    >>> os.environ["KPI_LOCK_WAIT"] = "abc"
    >>> try:
    ...     lock_wait()
    ... except KpiError as error:
    ...     print(error)
    KPI_LOCK_WAIT='abc': give a number of seconds, e.g. 600
    >>> del os.environ["KPI_LOCK_WAIT"]
    """
    text = os.environ.get("KPI_LOCK_WAIT", "")
    if not text.strip():
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1
    if not 0 <= seconds < float("inf"):
        raise KpiError(f"KPI_LOCK_WAIT={text!r}: give a number of seconds, e.g. 600")
    return seconds


def duckdb_memory(default: str = "512MB") -> str:
    """``KPI_DUCKDB_MEMORY``: a size such as ``2GB`` or ``512MB``, at least 1 MB.

    >>> os.environ["KPI_DUCKDB_MEMORY"] = "2 gb"
    >>> duckdb_memory()
    '2GB'
    >>> del os.environ["KPI_DUCKDB_MEMORY"]
    """
    text = os.environ.get("KPI_DUCKDB_MEMORY", "")
    if not text.strip():
        return default
    match = _MEMORY.match(text)
    if not match:
        raise KpiError(f"KPI_DUCKDB_MEMORY={text!r}: give a size such as 2GB or 512MB")
    size, unit = float(match[1]), match[2].upper().replace("I", "")
    megabytes = size * {"KB": 1 / 1024, "MB": 1, "GB": 1024, "TB": 1024**2}[unit]
    if megabytes < MIN_MEMORY_MB:
        raise KpiError(
            f"KPI_DUCKDB_MEMORY={text!r}: too small for DuckDB to read the files; give at least 1MB (512MB is the default)"
        )
    return f"{match[1]}{match[2].upper()}"


def today_override() -> dt.date | None:
    """``KPI_TODAY``: a date ``YYYY-MM-DD``, or ``None`` when unset."""
    text = os.environ.get("KPI_TODAY", "")
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise KpiError(f"KPI_TODAY={text!r}: give a date as YYYY-MM-DD") from None
