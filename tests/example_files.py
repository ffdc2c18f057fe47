"""The bundled example notes, copied from what the project ships, never used in place.

Someone trying the README on `examples/notes` leaves a `.notesift/` (tags, lock) or an
edited note there; tests copy only the tracked files (`git ls-files`) so such leftovers
cannot change a result, and never write to the live directory. Outside a git checkout
(an unpacked sdist) the directory is copied without notesift's own `.notesift/`.
"""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_NOTES = PROJECT_ROOT / "examples" / "notes"


@cache
def example_files() -> tuple[str, ...]:
    """Paths of the example notes relative to examples/notes: git's list, else the tree's."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--", "."],
            cwd=EXAMPLE_NOTES, capture_output=True, check=True, timeout=30,
        ).stdout.decode("utf-8").split("\0")
        tracked = tuple(sorted(name for name in listed if name))
    except (OSError, subprocess.SubprocessError):
        tracked = ()
    if tracked:
        return tracked
    return tuple(sorted(
        str(path.relative_to(EXAMPLE_NOTES)) for path in EXAMPLE_NOTES.rglob("*")
        if path.is_file() and ".notesift" not in path.relative_to(EXAMPLE_NOTES).parts
    ))


def copy_example_notes(dest: Path) -> Path:
    """Copy the example notes into `dest` (created) and return it."""
    for name in example_files():
        target = dest / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(EXAMPLE_NOTES / name, target)
    dest.mkdir(parents=True, exist_ok=True)
    return dest
