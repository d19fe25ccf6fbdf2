"""redflag: explainable red flags for trafficking lures, scams and rescue pleas, with validated selectors.

The same engine, packs, models and JSON contract as the `redflag` command-line tool (see the README of
the repository), for PySpark jobs and notebooks. The engine is built once per process; scanning releases
the GIL and runs on all cores.
"""
from __future__ import annotations

from typing import Any, Iterable, Optional, Sequence, Union

from . import _redflag

__all__ = ["scan", "scan_columns", "check", "extract_selectors", "info"]

check = _redflag.check
extract_selectors = _redflag.extract_selectors
info = _redflag.info


def _chunks(texts: Any):
    """The Arrow chunks of a pyarrow ChunkedArray (or a pandas Series backed by one), else None."""
    if hasattr(texts, "chunks") and not hasattr(texts, "__arrow_c_array__"):
        return list(texts.chunks)
    array = getattr(texts, "array", None)  # pandas Series with an ArrowDtype
    inner = getattr(array, "_pa_array", None)
    if inner is not None:
        return list(inner.chunks)
    return None


def scan(
    texts: Union[Iterable[Optional[str]], Any],
    kinds: Union[None, str, Sequence[Optional[str]]] = None,
) -> list:
    """Scan texts; one dict per text in the JSONL contract of `redflag scan`, in input order.

    `texts` is a list (or iterable) of `str`, a pyarrow string array or chunked array (read in place,
    not copied), or a pandas Series of strings. `kinds` is None (guessed from length), one kind for all
    (`"job_ad"`, `"message"`, `"other"`) or one per text. A None text gives None. Ids are the 1-based
    record numbers, as in the CLI.
    """
    if hasattr(texts, "__arrow_c_array__"):
        return _redflag.scan_arrow(texts, kinds)
    chunks = _chunks(texts)
    if chunks is not None:
        out: list = []
        start = 0
        for c in chunks:
            k = kinds if kinds is None or isinstance(kinds, str) else list(kinds)[start : start + len(c)]
            out.extend(_redflag.scan_arrow(c, k, start + 1))
            start += len(c)
        return out
    return _redflag.scan_list(list(texts), kinds)


def scan_columns(
    texts: Union[Iterable[Optional[str]], Any],
    kinds: Union[None, str, Sequence[Optional[str]]] = None,
) -> dict:
    """Scan texts and return flat columns (a dict of equal-length lists) for a DataFrame or Parquet:
    `lang`, `<task>_score`, `<task>_band`, `<task>_rules` for lure, scam and distress, `distress_urgency`,
    `distress_flags` and `selectors` (a list of dicts per text)."""
    if hasattr(texts, "__arrow_c_array__"):
        return _redflag.scan_columns(texts, kinds)
    chunks = _chunks(texts)
    if chunks is not None and len(chunks) == 1:
        return _redflag.scan_columns(chunks[0], kinds)
    if chunks is not None:
        cols: dict = {}
        start = 0
        for c in chunks:
            k = kinds if kinds is None or isinstance(kinds, str) else list(kinds)[start : start + len(c)]
            part = _redflag.scan_columns(c, k)
            for name, values in part.items():
                cols.setdefault(name, []).extend(values)
            start += len(c)
        return cols
    return _redflag.scan_columns(list(texts), kinds)
