"""Actions on entries: mark, open in the editor, open a link, choose in `notesift pick`."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from tui.core.browser import browser_argv, is_openable
from tui.core.copying import entry_copy_text, link_labels
from tui.core.editor import editor_argv_many, editor_command, quickfix_text
from tui.core.ingest.entry import Entry
from tui.core.keys.actions import ActionCall
from tui.core.search.engine import SearchHit

if TYPE_CHECKING:
    from tui.app import NotesiftApp

Target = tuple[Path, int, str]  # file, line, title


def _spawn_detached(argv: list[str]) -> None:
    """Start the browser on its own, never through a shell, with no terminal I/O."""
    subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


class OpenActions:
    """toggle_mark, open_in_editor (Enter), open_link."""

    def __init__(self, app: NotesiftApp) -> None:
        self.app = app

    def toggle_mark(self, call: ActionCall) -> None:
        self.app.results.toggle_mark()

    def open_in_editor(self, call: ActionCall) -> None:
        """The highlighted entry at its line; with marked entries (Tab), all of them at once."""
        app = self.app
        if app.side.focused_here:
            app.side.choose_highlighted()
            return
        if app.settings.pick is not None:
            self._pick_current()
            return
        hit = app.results.current
        marked = app.results.marked_hits()
        if app.index is None or (hit is None and not marked):
            return
        root = app.index.root
        if not app.index.root_present():
            app.say(f"cannot open {hit.entry.path if hit else 'the marked entries'}: the notes "
                    f"folder {root} is gone (renamed or deleted)", severity="error")
            return
        entries, targets = self._without_deleted(root, *self._targets(root, hit, marked))
        if not targets:
            return
        code = self._run_editor(targets)
        if code is None:
            return
        for entry in entries:
            app.frecency.record(entry.id)
        if marked:  # opened: as fzf's accept, the marks are spent (copy and tag keep them)
            app.results.clear_marks()
        app.remember_query()
        if code:
            app.say(f"editor exited with status {code}", severity="warning")
        app.lifecycle.refresh_paths(sorted({str(p.relative_to(root)) for p, _, _ in targets}))

    @staticmethod
    def _targets(root: Path, hit: SearchHit | None, marked: list[SearchHit]
                 ) -> tuple[list[Entry], list[Target]]:
        if marked:  # each at the line its row showed when it was marked
            return ([m.entry for m in marked],
                    [(root / m.entry.path, m.match_line, m.entry.title) for m in marked])
        assert hit is not None
        return [hit.entry], [(root / hit.entry.path, hit.match_line, hit.entry.title)]

    def _without_deleted(self, root: Path, entries: list[Entry], targets: list[Target]
                         ) -> tuple[list[Entry], list[Target]]:
        """The targets whose file is still there; the user is told about the others.

        The list can trail the disk by seconds (a `git checkout`, `rm -r` of a folder)
        and an editor started on a deleted file shows an empty new buffer, in a
        folder that may be gone too. Their paths are refreshed so the rows go.
        """
        kept = [(e, t) for e, t in zip(entries, targets, strict=True) if t[0].is_file()]
        gone = sorted({str(t[0].relative_to(root)) for t in targets if not t[0].is_file()})
        if not gone:
            return entries, targets
        if kept:
            self.app.say(f"not opened, deleted since listed: {', '.join(gone)}",
                         severity="warning")
        else:
            self.app.say(f"{', '.join(gone)} {'was' if len(gone) == 1 else 'were'} deleted",
                         severity="error")
        self.app.lifecycle.refresh_paths(gone)
        return [e for e, _ in kept], [t for _, t in kept]

    def _run_editor(self, targets: list[Target]) -> int | None:
        """The editor's exit status; None when it could not start (and the user was told)."""
        app = self.app
        command = editor_command(configured=app.settings.config.editor)
        with tempfile.TemporaryDirectory(prefix="notesift-") as scratch:
            quickfix = Path(scratch) / "marked.qf"
            argv = editor_argv_many(command, [(p, line) for p, line, _ in targets], quickfix)
            if str(quickfix) in argv:
                quickfix.write_text(quickfix_text(targets), encoding="utf-8")
            runner = app.settings.editor_runner or app.default_editor_runner
            try:
                return runner(argv)
            except SuspendNotSupported:
                app.say("this terminal cannot hand over to an editor", severity="error")
            except OSError as exc:
                reason = exc.strerror or exc
                app.say(f"could not start editor {argv[0]!r}: {reason}", severity="error")
        return None

    def _pick_current(self) -> None:
        """Enter in `notesift pick`: the marked entries (with --multi), else the current one."""
        app = self.app
        pick = app.settings.pick
        current = app.results.current
        marked = app.results.marked_hits()
        if pick is not None and pick.multi and marked:
            hits = marked
        else:
            hits = [current] if current is not None else []
        app.finish_pick(hits)

    def open_link(self, call: ActionCall) -> None:
        current = self.app.results.current
        if current is None:
            return
        links = [u for u in entry_copy_text(current.entry, "url") if is_openable(u)]
        if not links:
            self.app.say("this entry has no link to open", severity="warning")
            return
        if len(links) == 1:
            self._open_link(links[0])
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self._open_link(links[index])

        from tui.screens.picker import PickerScreen  # loaded when first shown

        named = link_labels(current.entry.text)
        labels = [named.get(url, "") for url in links]
        self.app.push_screen(
            PickerScreen(f"{len(links)} links", links, verb="opens", labels=labels), chosen)

    def _open_link(self, url: str) -> None:
        app = self.app
        argv = browser_argv(url, os.environ)
        if argv is None:
            set_to = os.environ.get("BROWSER", "").strip()
            app.say(f"no browser found: $BROWSER={set_to!r} names no program here, and "
                    "xdg-open is not installed" if set_to
                    else "no browser found: set $BROWSER, or install xdg-open",
                    severity="error")
            return
        opener = app.settings.link_opener or _spawn_detached
        try:
            opener(argv)
        except OSError as exc:
            app.say(f"could not start {argv[0]!r}: {exc.strerror or exc}", severity="error")
            return
        current = app.results.current
        if current is not None:
            app.frecency.record(current.entry.id)
        app.remember_query()
        app.say(f"opening {url}")
