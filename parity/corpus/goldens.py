"""Reading and writing ``goldens/<source>.json``: TensorFlow's outcome for each case.

The file holds ``{"_meta": {...versions and settings...}, "cases": {name: {"stdout", "error",
"message", "sha256"}}}``. ``stdout`` is stored after ``normalise.mask_volatile`` (durations and
addresses masked), so recording twice gives the same file; ``sha256`` is the hash of the case
file it was recorded from.
"""
from __future__ import annotations

import json

from .cases import GOLDENS_DIR


def path_for(source: str):
    """The golden file of ``source``."""
    return GOLDENS_DIR / f"{source}.json"


def load(source: str) -> dict:
    """``{"_meta": ..., "cases": {...}}`` of ``source`` (empty if never recorded)."""
    p = path_for(source)
    if not p.exists():
        return {"_meta": {}, "cases": {}}
    return json.loads(p.read_text(encoding="utf-8"))


def save(source: str, data: dict) -> None:
    """Write ``data`` sorted and indented, so a re-recording diffs line by line."""
    GOLDENS_DIR.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False)
    path_for(source).write_text(text + "\n", encoding="utf-8")
