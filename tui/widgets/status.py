"""The status line: counts, active filters, mode, watcher state and warnings."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from tui.core.text.sanitize import one_line
from tui.theme_palette import palette_of


@dataclass(frozen=True, slots=True)
class Warnings:
    """Each owner's warnings as it last announced them; the line shows how many.

    Nobody reads these again by hand: each owner says when its own list changes
    (see `NotesiftApp.set_warnings` and the messages that call it).
    """

    startup: tuple[str, ...] = ()  # config and themes, read once at start
    keymap: tuple[str, ...] = ()  # replaced when the keymap file is reloaded
    index: tuple[str, ...] = ()  # skipped files, cache trouble (read on worker threads)
    watcher: str = ""  # the watcher's notice: fell back to polling, stopped
    tables: tuple[str, ...] = ()  # pinyin / OpenCC tables that did not load

    def lines(self) -> list[str]:
        watcher = [self.watcher] if self.watcher else []
        return [*self.startup, *self.keymap, *self.index, *watcher, *self.tables]


@dataclass(frozen=True, slots=True)
class StatusInfo:
    """Everything the status line shows: one value, replaced (never edited) on a change.

    The app holds the current one (`NotesiftApp.set_status`) and the line is
    painted from it in one place, `StatusLine.show`. Facts owned elsewhere (the
    watcher's mode, the warnings) arrive as messages from their owners.
    """

    matches: int = 0  # entries holding every term
    partial: int = 0  # shown after them, holding some of the terms (`+76 partial`)
    capped: bool = False
    total: int = 0
    mode: str = "insert"
    filters: tuple[str, ...] = ()
    sort: str = "score"
    watcher: str = "off"  # the watcher's own mode, or "starting" before it runs
    warning_lines: Warnings = Warnings()
    pending_keys: str = ""
    message: str = ""
    marked: int = 0
    warnings_key: str = ""
    activity: str = ""  # indexing progress: kept apart from `message`, which searches reset
    alert: str = ""  # a lasting problem the user must know (the notes folder is gone)
    refining: bool = False  # the hits are a first answer; the full search is still running
    searching: bool = False  # a search has run for a while: the list is the last answer
    preview_match: str = ""  # where `n`/`N` went (`match 2/7`); cleared with another entry

    @property
    def watch(self) -> str:
        """What `watch:` says: "gone" while the notes folder is away, whatever the watcher."""
        return "gone" if self.alert else self.watcher

    @property
    def warnings(self) -> int:
        return len(self.warning_lines.lines())


class StatusLine(Static):
    """One line at the bottom, like a vim statusline."""

    DEFAULT_CSS = """
    StatusLine { height: 1; background: $panel; color: $foreground; padding: 0 1; }
    """
    _shown: Text | None = None

    def show(self, info: StatusInfo) -> None:
        palette = palette_of(self.app)
        line = Text(no_wrap=True, overflow="ellipsis")
        line.append(f" {info.mode.upper()} ", style="bold reverse")
        refining = "…" if info.refining else ""
        line.append(f"  {info.matches}{'+' if info.capped else ''}{refining}/{info.total}")
        if info.partial:
            line.append(f" +{info.partial} partial", style=palette.partial)
        if info.searching:
            line.append("  searching…", style="italic")
        if info.marked:
            line.append(f"  ● {info.marked} marked", style=palette.panel_marked)
        if info.filters:
            line.append("  " + " ".join(one_line(f) for f in info.filters), style="bold")
        if info.sort != "score":
            line.append(f"  sort:{info.sort}")
        line.append(f"  watch:{info.watch}")
        if info.alert:
            line.append(f"  {one_line(info.alert)}", style="bold red")
        if info.activity:
            line.append(f"  {one_line(info.activity)}")
        if info.warnings:
            hint = f" ({info.warnings_key})" if info.warnings_key else ""
            noun = "warning" if info.warnings == 1 else "warnings"
            line.append(f"  ⚠ {info.warnings} {noun}{hint}", style=palette.warning)
        if info.pending_keys:
            line.append(f"  {info.pending_keys}…", style="bold")
        if info.preview_match:
            line.append(f"  {info.preview_match}", style="bold")
        if info.message:
            line.append(f"  {one_line(info.message)}", style="italic")
        if line != self._shown:
            self._shown = line
            self.update(line, layout=False)  # one line, fixed height: no layout pass
