"""The notesift Textual app: the screen, and the wiring between the core and the widgets.

Every key goes through the keymap (`tui.app_keys`) before Textual sees it; what
the keymap does not claim is passed on, which is how typing reaches the search
prompt. Searches (`tui.app_search`) and index updates (`tui.app_index`) run in
thread workers; what each action does is in `tui.actions`. Widgets own their
state and post messages up (marks, a side panel's choice, the need for more rows).
Garbage is collected in pauses between keys (`tui.idle_gc`). About 440 lines: the
wiring of the collaborators, each of which is a module of its own.
"""

from __future__ import annotations

import contextlib
import errno
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.driver import Driver
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from tui import code_cache, css_cache
from tui.actions import ActionTable
from tui.app_index import IndexLifecycle, IndexWarningsChanged, WatcherChanged
from tui.app_keys import KeyClock, KeyRouter
from tui.app_search import SearchRunner
from tui.commands import ActionCommands, ThemeCommands, system_commands
from tui.core.config import Config
from tui.core.frecency import Frecency
from tui.core.keys.actions import ActionCall
from tui.core.keys.keymap import Keymap, KeySequencer
from tui.core.search.engine import SearchEngine, SearchHit, SearchResult
from tui.core.search.query_history import QueryHistory, default_history_path
from tui.core.search.searchable import SearchableIndex
from tui.core.state import load_state, save_state
from tui.core.text.fold import (
    listen_for_table_problems,
    stop_listening_for_table_problems,
    table_problems,
)
from tui.core.text.sanitize import printable
from tui.frame_writer import wait_sent
from tui.idle_gc import IdleCollector
from tui.key_burst import KeyBurst, coalescing_driver, edit_input_in_order
from tui.launch import resume_collector
from tui.themes import DEFAULT_THEME, discover_themes, register_themes, theme_variable_defaults
from tui.widgets.preview import PreviewPane
from tui.widgets.prompt import SearchPrompt
from tui.widgets.results import ResultsList
from tui.widgets.screen_paint import PaintedScreen
from tui.widgets.side_panel import SidePanel
from tui.widgets.status import StatusInfo, StatusLine
from tui.widgets.which_key import WhichKey

if TYPE_CHECKING:
    from tui.core.index.watch import NotesWatcher
    from tui.core.tags.tagstore import TagStore

# Textual reads keys and writes frames on threads of its own; while a search worker
# runs Python, each hand-over waited up to the GIL's default 5 ms switch interval.
UI_SWITCH_INTERVAL_S = 0.001
SHARED_POLL_S = 0.5  # how often other processes' writes and the root are checked
COLLECTOR_PAUSE_MAX_S = 3.0  # the garbage collector resumes by then, rows or not
# Exit statuses of `notesift pick`, as fzf's: a choice, nothing to choose, cancelled.
PICK_CHOSEN, PICK_NOTHING, PICK_CANCELLED = 0, 1, 130
NARROW_WIDTH = 100
EditorRunner = Callable[[list[str]], int]
LinkOpener = Callable[[list[str]], None]


@dataclass(frozen=True, slots=True)
class PickOptions:
    """`notesift pick`: whether Tab-marked entries may be chosen together."""

    multi: bool = False


@dataclass(slots=True)
class AppSettings:
    """What the app is started with; the CLI and the tests both build one."""

    root: Path
    config: Config = field(default_factory=Config)
    problems: list[str] = field(default_factory=list)
    keymap_file: Path | None = None
    keymap_preset: str | None = None
    theme: str | None = None
    watch: bool = True
    use_cache: bool = True
    cache_dir: Path | None = None
    jobs: int | None = None  # parse workers (None: one per core)
    state_file: Path | None = None
    editor_runner: EditorRunner | None = None
    pick: PickOptions | None = None  # `notesift pick`: Enter chooses instead of opening
    initial_query: str = ""
    history_file: Path | None = None  # default: next to state_file, else the state dir
    link_opener: LinkOpener | None = None  # default: a detached process, no shell
    clock: KeyClock | None = None  # key sequences' time (default: the real clock and timers)
    root_notice: str | None = None  # said once at start (the folder was found above the cwd)


class NotesiftApp(App[int]):
    """Find, preview and open notes from the keyboard.

    The app composes the widgets and holds what they share (the index, the
    state files, the status); the work is done by collaborators it owns:
    `lifecycle` (the index on disk), `search` (scheduling searches), `keys`
    (the keymap before Textual) and `actions` (one handler per action).
    """

    CSS_PATH = "app.tcss"
    TITLE = "notesift"
    COMMANDS = App.COMMANDS | {ActionCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, settings: AppSettings) -> None:
        if code_cache.installed():  # a launched process (tui.launch), not a test's app
            css_cache.install()
        super().__init__()
        self.settings = settings
        self.index: SearchableIndex | None = None
        self.tagstore: TagStore | None = None
        self.watcher: NotesWatcher | None = None
        self.indexed = False  # the first refresh finished
        self.result: SearchResult | None = None
        self.app_clipboard = ""  # the last copied text, whichever way it left the app
        state_file = settings.state_file
        self.frecency = Frecency(state_file.with_name("frecency.json") if state_file else None)
        self.history = QueryHistory(
            settings.history_file
            or (state_file.with_name("history") if state_file else default_history_path())
        )
        self.problems = list(settings.problems)
        self.state = load_state(settings.state_file)
        self.picked: list[SearchHit] = []  # what `notesift pick` prints
        self.own_themes: list[str] = []  # notesift's themes (shipped, then the user's)
        self._status = StatusInfo()
        self._first_paint_asked = False
        self.keys = KeyRouter(self, settings.clock)
        self.lifecycle = IndexLifecycle(self)
        self.search = SearchRunner(self)
        self.actions = ActionTable(self)
        self.idle_gc = IdleCollector(self.keys.clock, busy=lambda: self.searching)
        self._choose_theme()

    # -- building the screen -----------------------------------------------------

    def compose(self) -> ComposeResult:
        self.search_input = SearchPrompt(
            placeholder="Search — fzf syntax: 'exact ^prefix suffix$ !not a | b · "
            "kind:tweet #tag @author date:2024-04 likes:>100",
            id="search",
            select_on_focus=False,  # `i` returns to the query to refine it, as vim's insert
        )
        self.results = ResultsList(id="results")
        self.preview = PreviewPane(id="preview")
        self.side = SidePanel(id="side")
        self.status = StatusLine(id="status")
        self.which_key = WhichKey(id="which-key")
        with Vertical(id="main"):
            yield self.search_input
            with Horizontal(id="body"):
                yield self.side
                yield self.results
                yield self.preview
            yield self.status
        yield self.which_key

    def on_mount(self) -> None:
        code_cache.settle()  # from here on a pattern may hold a query or a note's text
        sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
        self.search_input.focus()
        if self.settings.initial_query:
            self.search_input.value = self.settings.initial_query
        self._apply_layout(self.size.width, self.size.height)
        wanted = self.settings.watch and self.settings.config.watch
        self.set_status(activity="opening the index…", warnings_key=self.keys.warnings_key(),
                        watcher="starting" if wanted else "off")
        listen_for_table_problems(self._tables_failed)
        self.set_warnings(startup=tuple(self.problems), keymap=tuple(self.keymap_problems),
                          tables=tuple(table_problems()))
        self.status.show(self._status)
        startup_problems = self.problems + self.keymap_problems
        if startup_problems:
            self.say(
                f"{len(startup_problems)} problem(s) in config/keymap/themes; defaults stand in "
                f"for what could not be read.\n"
                f"{startup_problems[0]}",
                severity="warning",
                timeout=8,
            )
        if self.settings.root_notice:
            self.say(self.settings.root_notice, timeout=6)
        self.lifecycle.start()
        self.set_timer(COLLECTOR_PAUSE_MAX_S, resume_collector)  # no rows yet: collect anyway
        self.set_interval(1.0, self.keys.check_keymap_changed)
        self.set_interval(SHARED_POLL_S, self.lifecycle.poll_shared_state)

    def _choose_theme(self) -> None:
        """Register the themes and set the wanted one before the stylesheet is parsed.

        Set in `on_mount`, Textual would parse every rule twice at each launch (with
        its default theme, then again for ours: about a sixth of a warm start).
        """
        themes, theme_problems = discover_themes()
        register_themes(self, themes)
        self.own_themes = [t.name for t in themes]
        self.problems.extend(theme_problems)
        names = {t.name for t in themes} | set(self.available_themes)
        wanted = self.settings.theme or self.settings.config.theme or self.state.get("theme")
        if wanted and wanted not in names:
            self.problems.append(f"theme {wanted!r} not found; using {DEFAULT_THEME}")
            wanted = None
        before = self.theme
        self.theme = wanted or (DEFAULT_THEME if DEFAULT_THEME in names else "textual-dark")
        if self.theme != before and not self.is_running:
            self.stylesheet.set_variables(self.get_css_variables())  # nothing is parsed yet
            self._css_current = True  # so the refresh the change queued has nothing to do

    _css_current = False

    def refresh_css(self, animate: bool = True) -> None:
        if self._css_current:  # the theme set in `__init__`: see `_choose_theme`
            self._css_current = False
            return
        super().refresh_css(animate)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        return system_commands(self, screen)

    def search_themes(self) -> None:
        from textual.command import CommandPalette

        self.push_screen(CommandPalette(providers=[ThemeCommands], placeholder="Theme…"))

    def get_theme_variable_defaults(self) -> dict[str, str]:
        return theme_variable_defaults(self.current_theme)

    def watch_theme(self, theme: str) -> None:
        if self.state.get("theme") != theme and self.is_mounted:
            self.state["theme"] = theme
            save_state(self.state, self.settings.state_file)

    def on_resize(self, event: events.Resize) -> None:
        self._apply_layout(event.size.width, event.size.height)

    def _apply_layout(self, width: int, height: int) -> None:
        body = self.query_one("#body")
        body.set_class(width < NARROW_WIDTH, "-narrow")
        body.set_class(width < NARROW_WIDTH and height < 20, "-tiny")

    # -- the status line: one state object, shown in one place ---------------------

    @property
    def status_info(self) -> StatusInfo:
        """What the status line shows now (read-only; change it with `set_status`)."""
        return self._status

    def set_status(self, **changes: object) -> None:
        """Change some facts of the status; the line is repainted when they differ."""
        new = replace(self._status, **changes)  # type: ignore[arg-type]
        if new != self._status:
            self._status = new
            if self.is_mounted:
                self.status.show(new)

    def set_warnings(self, **sources: object) -> None:
        """One owner's warnings changed (see `Warnings` for who owns which)."""
        self.set_status(warning_lines=replace(self._status.warning_lines, **sources))  # type: ignore[arg-type]

    def warnings(self) -> list[str]:
        return self._status.warning_lines.lines()

    def on_index_warnings_changed(self, event: IndexWarningsChanged) -> None:
        self.set_warnings(index=event.warnings)

    def on_watcher_changed(self, event: WatcherChanged) -> None:
        if event.watcher is self.watcher:  # not a replaced one saying it stopped
            self.set_status(watcher=event.mode)
            self.set_warnings(watcher=event.notice or "")

    def _tables_failed(self, problems: list[str]) -> None:
        """Any thread: a pinyin / OpenCC table did not load (a search or a preview)."""
        with contextlib.suppress(RuntimeError):  # the app may be shutting down
            self.post_message(events.Callback(
                lambda: self.set_warnings(tables=tuple(problems))))

    def paint_now(self) -> bool:
        """Draw the main screen's changes at once (see `PaintedScreen.paint_now`);
        False when it is not the screen on top (a pop-up screen paints as usual), or
        when the app is closing (an answer posted before the quit runs after it)."""
        if not self._screen_stack or not self.is_running:
            return False
        screen = self.screen
        return isinstance(screen, PaintedScreen) and screen.paint_now()

    def wait_sent(self) -> None:
        """Let the writer thread send the frame just drawn before this turn goes on
        (`tui.frame_writer`): its bytes leave now, not after the rest of the turn."""
        wait_sent(getattr(self, "_driver", None))

    def first_paint_done(self) -> None:
        """Results are going on screen: once they are painted, the walk may start (see
        `IndexLifecycle`) and the garbage collector paused at launch resumes
        (`tui.launch`). Started before, the walk took half the GIL from that paint."""
        if self._first_paint_asked:
            return
        self._first_paint_asked = True

        def painted() -> None:
            resume_collector()
            self.lifecycle.first_paint.set()

        self.call_after_refresh(painted)

    # -- the index ----------------------------------------------------------------

    def engine(self) -> SearchEngine | None:
        return self.index.engine if self.index is not None else None

    def reindex(self, path: Path) -> None:
        """Re-read one file now (after the editor closed), then search again."""
        self.lifecycle.refresh_paths([str(path)])

    # -- searching ---------------------------------------------------------------

    def request_search(self, keep_selection: bool = True) -> None:
        self.search.request(keep_selection)

    @property
    def searching(self) -> bool:
        """A search is asked for or running (tests wait on this; so could a spinner)."""
        return self.search.searching

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self.search_input:
            self.actions.query.prompt_changed(event.value)
            self.search.query_changed()

    def on_results_list_need_more(self, event: ResultsList.NeedMore) -> None:
        self.search.want_more()

    def on_results_list_marks_changed(self, event: ResultsList.MarksChanged) -> None:
        self.set_status(marked=event.count)

    def on_results_list_highlighted(self, event: ResultsList.Highlighted) -> None:
        """The list first: the preview (wrapping a whole entry) follows once it is painted."""
        if not self._preview_scheduled:
            self._preview_scheduled = True
            self.call_after_refresh(self.show_preview)

    _preview_scheduled = False

    def show_preview(self) -> None:
        self._preview_scheduled = False
        hit: SearchHit | None = self.results.current
        terms = self.result.terms if self.result else []
        if self.preview.show(hit, terms):  # False: the entry and its highlights are the same
            self.set_status(preview_match="")  # `n`'s "match 2/7" was about the last one

    def on_side_panel_chosen(self, event: SidePanel.Chosen) -> None:
        self.actions.query.side_choice(event.kind, event.value)

    # -- keys --------------------------------------------------------------------

    @property
    def sequencer(self) -> KeySequencer:
        return self.keys.sequencer

    @property
    def keymap(self) -> Keymap:
        return self.keys.keymap

    @property
    def keymap_problems(self) -> list[str]:
        return self.keys.problems

    def keymap_changed(self) -> None:
        self.set_status(warnings_key=self.keys.warnings_key())
        self.set_warnings(keymap=tuple(self.keymap_problems))

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.keys.focus_changed()

    def get_default_screen(self) -> Screen:
        return PaintedScreen(id="_default")

    def get_driver_class(self) -> type[Driver]:
        return coalescing_driver(super().get_driver_class())

    async def on_key_burst(self, burst: KeyBurst) -> None:
        """Keys the driver packed together: each still goes through the keymap."""
        for key in burst.keys:
            await self.on_event(key)

    def focus_now(self, widget: Widget) -> None:
        """Focus `widget` before the next key is read, not after the queued events.

        `Widget.focus` waits behind the events already queued, so the keys typed in
        the same burst as `i` were still read in normal mode (`itx` tagged).
        """
        self.screen.set_focus(widget)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)):
            self.idle_gc.activity()
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self.screen is self.screen_stack[0] and self.keys.dispatch(event):
                return
            self.keys.flush_typed()
            if await edit_input_in_order(self, event):
                return
        elif isinstance(event, events.Paste):
            self.keys.flush_typed()
        await super().on_event(event)

    def run_action_call(self, call: ActionCall) -> None:
        """Run a registered action (from a key, the palette or a key table)."""
        handler = self.actions.get(call.name)
        if handler is None:
            self.say(f"action {call.name!r} is not available yet", severity="warning")
            return
        handler(call)

    # -- ending, and what actions share ----------------------------------------------

    def remember_query(self) -> None:
        """The query led to an open, a pick or a copy: keep it in the history."""
        self.actions.query.remember()

    def finish_pick(self, hits: list[SearchHit] | None) -> None:
        """End `notesift pick`: 0 with a choice, 1 when there was nothing, 130 cancelled."""
        self.picked = hits or []
        for hit in self.picked:
            self.frecency.record(hit.entry.id)
        if self.picked:
            self.remember_query()
        code = PICK_CANCELLED if hits is None else PICK_CHOSEN if hits else PICK_NOTHING
        self.exit(code, return_code=code)

    def on_unmount(self) -> None:
        self.idle_gc.stop()
        self.search.stop()
        stop_listening_for_table_problems(self._tables_failed)
        if self.watcher is not None:
            self.watcher.stop()
        if self.index is not None:
            self.index.close()

    def say(self, message: str, severity: str = "information", timeout: float | None = None
            ) -> None:
        """A notification whose text is data (paths, tags, note text), never markup.

        Our own line breaks stay line breaks; control characters inside a line are shown.
        """
        text = "\n".join(printable(line) for line in message.split("\n"))
        self.notify(text, severity=severity, timeout=timeout, markup=False)  # type: ignore[arg-type]

    def write_raw(self, sequence: str) -> None:
        """Send an escape sequence to the terminal (OSC 52 wrapped for tmux)."""
        driver = getattr(self, "_driver", None)
        if driver is not None:
            driver.write(sequence)

    def default_editor_runner(self, argv: list[str]) -> int:
        """Hand the terminal to the editor and take it back, whatever happens.

        An editor that cannot start is found before the screen is given up; any other
        failure is raised only once the app is back: Textual's `suspend` does not
        resume after an exception, and the terminal stayed blank and deaf for good.
        """
        if shutil.which(argv[0]) is None:
            raise FileNotFoundError(errno.ENOENT, "not found or not executable", argv[0])
        failure: OSError | None = None
        code = 0
        with self.suspend():
            try:
                code = subprocess.call(argv)
            except OSError as exc:
                failure = exc
        if failure is not None:
            raise failure
        return code


def make_app(settings: AppSettings) -> NotesiftApp:
    """The one factory for the CLI and the tests."""
    return NotesiftApp(settings)
