"""Small remembered state (theme choice, recently used entries), kept between runs.

Stored as JSON under `$XDG_STATE_HOME/notesift/` and written atomically, so a
crash mid-write leaves the previous state rather than a truncated file. Losing
it costs convenience, never notes, so a damaged file is simply started afresh.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def state_dir() -> Path:
    """`$XDG_STATE_HOME/notesift`, else `~/.local/state/notesift`."""
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(
        os.path.expanduser("~"), ".local", "state"
    )
    return Path(base) / "notesift"


def load_state(path: Path | None = None) -> dict[str, Any]:
    """The saved state, or an empty dict when missing or unreadable."""
    path = path or state_dir() / "state.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def save_state(data: dict[str, Any], path: Path | None = None) -> bool:
    """Write the state atomically; False (and nothing changed) when that fails."""
    path = path or state_dir() / "state.json"
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".state-", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, ensure_ascii=False, indent=1)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
        return True
    except OSError:
        return False
