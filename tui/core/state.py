"""Small remembered state (theme choice, recently used entries), kept between runs.

Stored as JSON under `$XDG_STATE_HOME/notesift/` and written atomically, so a
crash mid-write leaves the previous state rather than a truncated file. Losing
it costs convenience, never notes, so a damaged file is simply started afresh.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

from tui.core.safe_write import sweep_dir, write_temp


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
        text = json.dumps(data, ensure_ascii=False, indent=1)
        tmp = write_temp(path.parent, path.name, text.encode("utf-8"), 0o600)
        try:
            os.replace(tmp, path)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except (OSError, TypeError, ValueError):
        return False
    sweep_dir(path.parent)  # temp files of a run killed mid-write
    return True
