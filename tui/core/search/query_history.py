"""Query history, like fzf's `--history`: the queries that led somewhere, to step through.

Only a query that ended in an open, a pick or a copy is kept (typing alone is
not a use). The file is fzf's format, one query per line, oldest first, in the
state directory; it is bounded (fzf's default of 1000), a repeated query moves
to the end, and every change is a locked read-modify-write replaced atomically,
so several notesift processes never lose each other's queries or leave a torn file.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

__all__ = ["HISTORY_SIZE", "HistoryCursor", "QueryHistory", "default_history_path"]

HISTORY_SIZE = 1000


def default_history_path() -> Path:
    """`<state dir>/history`."""
    from tui.core.state import state_dir

    return state_dir() / "history"


class QueryHistory:
    """The saved queries of one user (every notes directory shares them, as in fzf)."""

    def __init__(self, path: Path | None, size: int = HISTORY_SIZE) -> None:
        self.path = path
        self.size = size

    def load(self) -> list[str]:
        """Queries, oldest first; [] when there is no readable file."""
        if self.path is None:
            return []
        try:
            text = self.path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return []
        return [line for line in text.split("\n") if line.strip()][-self.size:]

    def add(self, query: str) -> bool:
        """Remember `query` as the newest; False when it could not be saved."""
        query = " ".join(query.split())  # one line, as typed into the prompt
        if not query or self.path is None:
            return False
        try:
            with self._locked():
                kept = [q for q in self.load() if q != query]
                kept.append(query)
                self._write(kept[-self.size:])
        except OSError:
            return False
        return True

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        assert self.path is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path.with_name(self.path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _write(self, queries: list[str]) -> None:
        assert self.path is not None
        fd, tmp = tempfile.mkstemp(prefix=".history-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write("".join(q + "\n" for q in queries))
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


class HistoryCursor:
    """Stepping through the history from the prompt, as a shell's Up/Down.

    The first step back keeps what was being typed; stepping forward past the
    newest query gives it back.
    """

    def __init__(self, queries: list[str]) -> None:
        self.queries = queries
        self.position = len(queries)  # len(queries) = the draft
        self.draft = ""

    def older(self, current: str) -> str | None:
        """The previous query, or None at the oldest."""
        if self.position == len(self.queries):
            self.draft = current
        if self.position == 0:
            return None
        self.position -= 1
        return self.queries[self.position]

    def newer(self) -> str | None:
        """The next query (the draft after the newest), or None when not browsing."""
        if self.position >= len(self.queries):
            return None
        self.position += 1
        if self.position == len(self.queries):
            return self.draft
        return self.queries[self.position]
