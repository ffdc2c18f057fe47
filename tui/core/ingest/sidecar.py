"""The sidecar tags file (`.notesift/tags.json`): tags for entries that cannot hold them.

Reading it is ingest's job (the index folds its tags into entries); writing it
belongs to `tui.core.tags`, which keeps the same format.
"""

from __future__ import annotations

import json
from pathlib import Path

SIDECAR_DIR = ".notesift"
SIDECAR_NAME = "tags.json"
SIDECAR_REL = f"{SIDECAR_DIR}/{SIDECAR_NAME}"


def parse_sidecar(data: bytes) -> dict[str, list[str]]:
    """Decode sidecar JSON; raises ValueError when it is not `{id: [tag, …]}`."""
    raw = json.loads(data.decode("utf-8"))
    if not isinstance(raw, dict):
        raise ValueError("top level is not an object")
    out: dict[str, list[str]] = {}
    for key, value in raw.items():
        if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
            raise ValueError(f"entry {key!r} is not a list of strings")
        if value:
            out[str(key)] = list(value)
    return out


def sidecar_path(root: Path) -> Path:
    return Path(root) / SIDECAR_DIR / SIDECAR_NAME


def load_sidecar(root: Path) -> tuple[dict[str, list[str]], str | None]:
    """The sidecar tags by entry id, and a warning if it could not be read.

    Never raises: a missing file is simply empty; a damaged one is empty plus
    a warning (and `TagStore` refuses to overwrite it).
    """
    path = sidecar_path(root)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}, None
    except OSError as exc:
        return {}, f"{SIDECAR_REL}: cannot read ({exc.strerror or exc})"
    try:
        return parse_sidecar(data), None
    except (ValueError, UnicodeDecodeError) as exc:
        return {}, f"{SIDECAR_REL}: not valid tag JSON ({exc}); sidecar tags ignored"
