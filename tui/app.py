"""The notesift Textual app: wiring between the core, the widgets and the keymap.

Every key goes through `KeySequencer` (our keymap, sequences, leader, tables)
before Textual sees it; what the keymap does not claim is passed on, which is
how typing reaches the search prompt. Searches and index updates run in thread
workers; a newer keystroke makes older results stale, and they are dropped.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.driver import Driver
from textual.screen import Screen
from textual.widgets import Input, OptionList

from tui.app_actions import ActionHandlers
from tui.commands import ActionCommands, ThemeCommands, system_commands
from tui.core.config import Config
from tui.core.frecency import Frecency
from tui.core.index.progress import BuildProgress
from tui.core.keys.actions import ActionCall
from tui.core.keys.keymap import Keymap, KeySequencer
from tui.core.keys.keymap_file import keymap_sources, load_keymap
from tui.core.keys.notation import chord_from_event, display_sequence
from tui.core.search.engine import SearchEngine, SearchHit, SearchResult, plain_hit
from tui.core.search.filters import describe_filters
from tui.core.search.nomatch import Relaxed, no_match_lines, without_filters
from tui.core.search.note_order import newest_notes
from tui.core.search.query import parse_query
from tui.core.search.query_history import HistoryCursor, QueryHistory, default_history_path
from tui.core.search.searchable import SearchableIndex
from tui.core.state import load_state, save_state
from tui.core.tags.tagstore import TagStore
from tui.core.text.fold import table_problems
from tui.core.text.sanitize import printable
from tui.key_burst import KeyBurst, coalescing_driver
from tui.themes import DEFAULT_THEME, discover_themes, register_themes, theme_variable_defaults
from tui.widgets.preview import PreviewPane
from tui.widgets.prompt import SearchPrompt
from tui.widgets.results import RESULT_ROWS, ResultsList
from tui.widgets.side_panel import SidePanel
from tui.widgets.status import StatusInfo, StatusLine
from tui.widgets.which_key import WhichKey

if TYPE_CHECKING:
    from tui.core.index.watch import ChangeBatch, NotesWatcher

WHICH_KEY_DELAY = 0.35
# An entry this short is previewed in the same frame as the list (one paint, not two);
# a longer one after the list has painted, so building it never holds the list back.
PREVIEW_SAME_FRAME_CHARS = 20_000
# A first answer (no typo/pinyin alternatives yet) is painted when the full search
# has not answered this long after it: a fast full answer costs one paint, not two.
FIRST_ANSWER_WAIT_S = 0.03
# Textual reads keys and writes frames on threads of its own; while a search worker
# runs Python, each hand-over waited up to the GIL's default 5 ms switch interval.
UI_SWITCH_INTERVAL_S = 0.001
FIRST_PAINT_WAIT_S = 1.0  # the walk waits (at most this) for the first rows on screen
SHARED_POLL_S = 0.5  # how often other processes' writes and the root are checked
# Exit statuses of `notesift pick`, as fzf's: a choice, nothing to choose, cancelled.
PICK_CHOSEN, PICK_NOTHING, PICK_CANCELLED = 0, 1, 130
PICK_CANCEL_CHORDS = ("escape", "ctrl+c", "ctrl+g")
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


class NotesiftApp(ActionHandlers, App[int]):
    """Find, preview and open notes from the keyboard."""

    CSS_PATH = "app.tcss"
    TITLE = "notesift"
    COMMANDS = App.COMMANDS | {ActionCommands}
    ENABLE_COMMAND_PALETTE = True

    def __init__(self, settings: AppSettings) -> None:
        super().__init__()
        self.settings = settings
        self.index: SearchableIndex | None = None
        self.tagstore: TagStore | None = None
        self.app_clipboard = ""  # the last copied text, whichever way it left the app
        state_file = settings.state_file
        self.frecency = Frecency(state_file.with_name("frecency.json") if state_file else None)
        self.history = QueryHistory(
            settings.history_file
            or (state_file.with_name("history") if state_file else default_history_path())
        )
        self.history_cursor: HistoryCursor | None = None
        self._history_value: str | None = None  # the prompt text a history step put there
        self.indexed = False  # the first refresh finished
        self.index_lock = threading.Lock()
        self.keymap, self.keymap_problems = self._load_keymap()
        self.problems = list(settings.problems)
        self.sequencer = KeySequencer(self.keymap)
        self.state = load_state(settings.state_file)
        self.sort = "score"
        self.result: SearchResult | None = None
        self.watcher: NotesWatcher | None = None
        self._search_seq = 0
        self.result_limit = RESULT_ROWS
        self.shown_seq = 0  # the last search whose results were put on screen
        self._keep_selection = True
        self._preview_scheduled = False
        self._search_busy = False
        self._search_again = False
        self._search_deferred = False
        self.first_answer_wait = FIRST_ANSWER_WAIT_S
        self._first_answer: tuple[int, str, SearchResult] | None = None
        # The index's warnings as last read on a worker thread: reading them takes the
        # store's lock, which a running search holds, and the UI thread must never wait.
        self._index_warnings: list[str] = []
        self._keymap_mtimes = self._stat_keymaps()
        self._which_key_timer: object | None = None
        self.which_key_delay = WHICH_KEY_DELAY
        self._sequence_timer: object | None = None
        self.status_info = StatusInfo()
        self.progress = BuildProgress()
        self._first_paint = threading.Event()
        self._heal_pending = threading.Event()  # the cache was replaced: refill it
        self._notices_shown = 0
        self._typed: list[str] = []  # characters typed but not yet in the prompt
        self._flush_queued = False
        self.picked: list[SearchHit] = []  # what `notesift pick` prints
        self.own_themes: list[str] = []  # notesift's themes (shipped, then the user's)

    # -- building the screen -----------------------------------------------------

    def compose(self) -> ComposeResult:
        self.search_input = SearchPrompt(
            placeholder="Search — fzf syntax: 'exact ^prefix suffix$ !not a | b · "
            "kind:tweet #tag @author date:2024-04 likes:>100",
            id="search",
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
        sys.setswitchinterval(UI_SWITCH_INTERVAL_S)
        themes, theme_problems = discover_themes()
        register_themes(self, themes)
        self.own_themes = [t.name for t in themes]
        self.problems.extend(theme_problems)
        names = {t.name for t in themes} | set(self.available_themes)
        wanted = self.settings.theme or self.settings.config.theme or self.state.get("theme")
        if wanted and wanted not in names:
            self.problems.append(f"theme {wanted!r} not found; using {DEFAULT_THEME}")
            wanted = None
        self.theme = wanted or (DEFAULT_THEME if DEFAULT_THEME in names else "textual-dark")
        self.search_input.focus()
        if self.settings.initial_query:
            self.search_input.value = self.settings.initial_query
        self._apply_layout(self.size.width, self.size.height)
        self.status_info.activity = "opening the index…"
        self._update_status()
        startup_problems = self.problems + self.keymap_problems
        if startup_problems:
            self.say(
                f"{len(startup_problems)} problem(s) in config/keymap/themes; defaults used.\n"
                f"{startup_problems[0]}",
                severity="warning",
                timeout=8,
            )
        self.load_index()
        self.set_interval(1.0, self._check_keymap_changed)
        self.set_interval(SHARED_POLL_S, self._poll_shared_state)

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

    # -- the index and the watcher -----------------------------------------------

    @work(thread=True, group="index", exit_on_error=False)
    def load_index(self) -> None:
        """Open the cache, paint from it, start watching, then check the disk.

        The list is painted from whatever the cache holds before the walk; the
        watcher starts before the walk, so a note written meanwhile is not missed.
        """
        index = SearchableIndex(
            self.settings.root,
            cache_dir=self.settings.cache_dir,
            use_cache=self.settings.use_cache,
            ignore_globs=self.settings.config.ignore,
            jobs=self.settings.jobs,
            on_heal=self._heal_pending.set,
            respect_gitignore=self.settings.config.respect_gitignore,
        )
        self.call_from_thread(self._index_opened, index)
        self._first_paint.wait(FIRST_PAINT_WAIT_S)
        if self.settings.watch and self.settings.config.watch:
            self.call_from_thread(self._start_watcher, index)
        self._refresh_index(index, rebuild=False)
        self.call_from_thread(self._index_ready, index)
        # What the first Han, accented, typo or pinyin keystroke would build mid-search.
        index.guarded(lambda: index.engine.warm_up(), fallback=lambda: None)

    def _refresh_index(self, index: SearchableIndex, *, rebuild: bool) -> None:
        """Runs on the index worker: a refresh (or rebuild) with progress shown."""

        def waiting() -> None:
            self.progress.waiting = True
            self._show_activity()

        self.progress.start()
        self._show_activity()
        with self.index_lock:
            if rebuild:
                index.rebuild(progress=self._index_progress, on_wait=waiting)
            else:
                index.refresh(progress=self._index_progress, on_wait=waiting)

    def _show_activity(self) -> None:
        with contextlib.suppress(RuntimeError):
            self.call_from_thread(self._set_activity, self.progress.text())

    def _set_activity(self, text: str) -> None:
        self.status_info.activity = text
        self._update_status()

    def _index_opened(self, index: SearchableIndex) -> None:
        """What a previous run stored is searchable at once, before the refresh."""
        self.index = index
        self.tagstore = TagStore(index.root)
        self._announce_notices()
        self.request_search()

    def _start_watcher(self, index: SearchableIndex) -> None:
        from tui.core.index.watch import NotesWatcher  # watchdog: after the first paint

        if self.watcher is not None:
            self.watcher.stop()
        self.watcher = NotesWatcher(
            index.root,
            self._on_watch_batch,
            ignore_globs=self.settings.config.ignore,
            respect_gitignore=self.settings.config.respect_gitignore,
        )
        self.watcher.start()
        if self.watcher.notice:
            self.say(self.watcher.notice, severity="warning", timeout=10)
        self._update_status()

    def _index_progress(self, done: int, total: int) -> None:
        """Runs on the indexing thread after each committed batch."""
        self.progress.update(done, total)
        text = self.progress.text()

        def show() -> None:
            self._set_activity(text)
            self.request_search()

        with contextlib.suppress(RuntimeError):
            self.call_from_thread(show)

    def _index_ready(self, index: SearchableIndex) -> None:
        self.index = index
        self.status_info.activity = ""
        self.indexed = True
        self._announce_notices()
        self.request_search()

    def _announce_notices(self) -> None:
        """Say each of the index's one-line notices once (e.g. a cache was rebuilt)."""
        if self.index is None:
            return
        for notice in self.index.notices[self._notices_shown:]:
            self.say(notice, severity="warning", timeout=10)
        self._notices_shown = len(self.index.notices)
        self._update_status()

    def _on_watch_batch(self, batch: ChangeBatch) -> None:
        """Runs on the watcher's thread: update the index, then refresh the screen."""
        index = self.index
        if index is None:
            return
        with self.index_lock:
            if batch.rescan:
                index.refresh()
            else:
                for path in sorted(batch.paths):
                    index.update_path(path)
        with contextlib.suppress(RuntimeError):  # the app may be shutting down
            self.call_from_thread(self.request_search)

    def _poll_shared_state(self) -> None:
        """Every half second: another process's writes, a healed cache, the root."""
        if self.index is not None:
            self.run_worker(self._check_shared_state, thread=True, group="poll",
                            exclusive=True, exit_on_error=False)

    def _check_shared_state(self) -> None:
        """Runs on a worker thread: these checks may wait on the cache's locks."""
        index = self.index
        if index is None:
            return
        present = index.root_present()
        replaced = index.follow_cache_file()
        changed = index.guarded(lambda: index.store.changed_elsewhere(), fallback=lambda: True)
        self._index_warnings = index.warnings
        with contextlib.suppress(RuntimeError):
            self.call_from_thread(self._after_shared_check, present, replaced or changed,
                                  replaced)

    def _after_shared_check(self, present: bool, changed: bool, replaced: bool) -> None:
        index = self.index
        if index is None:
            return
        was_present = not self.status_info.alert
        if not present:
            self.status_info.alert = (
                f"notes folder {index.root} is gone (renamed or deleted); waiting for it"
            )
        elif not was_present:
            self.status_info.alert = ""
            self.say(f"notes folder {index.root} is back; re-reading it")
        if present and (not was_present or replaced or self._heal_pending.is_set()):
            self._heal_pending.clear()
            self.start_refresh(rescan_watcher=not was_present)
        if changed:
            self.request_search()
        self._announce_notices()

    def start_refresh(self, *, rebuild: bool = False, rescan_watcher: bool = False) -> None:
        """Check the disk again (or rebuild from scratch) on the index worker."""
        index = self.index
        if index is None:
            return
        if rescan_watcher and self.watcher is not None:
            self._start_watcher(index)  # the old watch died with the folder
        self.run_worker(partial(self._refresh_job, index, rebuild), thread=True,
                        group="index", exit_on_error=False)

    def _refresh_job(self, index: SearchableIndex, rebuild: bool) -> None:
        self._refresh_index(index, rebuild=rebuild)
        with contextlib.suppress(RuntimeError):
            self.call_from_thread(self._index_ready, index)

    def engine(self) -> SearchEngine | None:
        return self.index.engine if self.index is not None else None

    def reindex(self, path: Path) -> None:
        """Re-read one file now (after the editor closed), then search again."""
        self.refresh_paths([str(path)])

    @work(thread=True, group="reindex", exit_on_error=False)
    def refresh_paths(self, paths: list[str]) -> None:
        """Re-read files we just wrote (editor, tag edits) and the tag sidecar."""
        index = self.index
        if index is None:
            return
        with self.index_lock:
            index.reload_sidecar()
            for path in paths:
                index.update_path(index.root / path)
        with contextlib.suppress(RuntimeError):
            self.call_from_thread(self.request_search)

    # -- searching ---------------------------------------------------------------

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self.search_input:
            if event.value != self._history_value:
                self.history_cursor = None  # typing starts a new draft
            self.result_limit = RESULT_ROWS
            # Echo first: the typed character is painted before the search takes the CPU.
            self._search_deferred = True
            self.call_after_refresh(self._deferred_search)

    def _deferred_search(self) -> None:
        self._search_deferred = False
        self.request_search(keep_selection=False)

    @property
    def searching(self) -> bool:
        """A search is asked for or running (tests wait on this; so could a spinner)."""
        return self._search_deferred or self._search_busy

    def on_results_list_need_more(self, event: ResultsList.NeedMore) -> None:
        self.result_limit += 200
        self.request_search(keep_selection=True)

    def request_search(self, keep_selection: bool = True) -> None:
        """Search again; a new query starts at the top (as fzf), a refresh keeps the row.

        One search runs at a time: keys typed meanwhile are searched together when it
        ends (the latest query only), so a burst never queues stale searches that
        compete with painting for the CPU.
        """
        self._search_seq += 1
        self._keep_selection = keep_selection
        if self._search_busy:
            self._search_again = True
            return
        self._start_search()

    def _start_search(self) -> None:
        self._search_busy = True
        self._search_again = False
        self.run_worker(
            partial(self._search_job, self._search_seq, self.search_input.value, self.sort,
                    self.result_limit, self.frecency.scores(), self.frecency.top(20)),
            thread=True,
            group="search",
            exit_on_error=False,
        )

    def _search_job(
        self, seq: int, query: str, sort: str, limit: int,
        boost: dict[str, float], recent: list[str],
    ) -> None:
        """Runs on a worker thread; frecency comes in as a snapshot taken on the UI thread."""
        result: SearchResult | None = None
        help_lines: list[str] = []
        try:
            index = self.index
            if index is None or seq != self._search_seq:
                return
            if query.strip():
                result = index.search(query, limit=limit, sort=sort, boost=boost, widen=False)
                if result.narrowed and seq == self._search_seq:
                    # Rare terms: alternatives (typos, pinyin) are looked up next. What is
                    # found as typed may be shown meanwhile; a newer key skips the rest.
                    if result.hits:  # posted, not awaited: the full search goes on now
                        self.post_message(events.Callback(
                            partial(self._first_answer_found, seq, query, result)))
                    result = index.search(query, limit=limit, sort=sort, boost=boost)
                if not result.hits and seq == self._search_seq:
                    help_lines = index.guarded(lambda: self.no_match_help(index.engine, query),
                                               fallback=list)
            else:
                result = index.guarded(
                    lambda: self.recent_result(index.engine, sort, limit, recent))
            self._index_warnings = index.warnings
        finally:
            with contextlib.suppress(RuntimeError):  # the app may be shutting down
                self.call_from_thread(self._search_finished, seq, query, result, help_lines)

    def _first_answer_found(self, seq: int, query: str, result: SearchResult) -> None:
        """A first answer while the full search goes on: painted if that takes a while."""
        if seq != self._search_seq:
            return
        self._first_answer = (seq, query, result)
        if self.first_answer_wait <= 0:
            self._show_first_answer()
        else:
            self.set_timer(self.first_answer_wait, self._show_first_answer)

    def _show_first_answer(self) -> None:
        pending, self._first_answer = self._first_answer, None
        if pending is not None and pending[0] == self._search_seq:
            self._show_result(*pending, first=True)

    def no_match_help(self, engine: SearchEngine, query: str) -> list[str]:
        """What the empty list says; asks once more without the filters (worker thread)."""
        parsed = parse_query(query)
        relaxed = None
        words = without_filters(parsed)
        if parsed.filters and words.strip():
            found = engine.search(words, limit=5)
            partial = bool(found.hits) and all(h.partial for h in found.hits)
            relaxed = Relaxed(found.total, partial)
        return no_match_lines(query, parsed, relaxed)

    def _search_finished(
        self, seq: int, query: str, result: SearchResult | None, help_lines: list[str]
    ) -> None:
        self._search_busy = False
        self._first_answer = None
        if result is not None:
            self.results.empty_lines = help_lines
            self._show_result(seq, query, result)
        if self._search_again:
            self._start_search()

    def recent_result(
        self, engine: SearchEngine, sort: str, limit: int, recent_ids: list[str]
    ) -> SearchResult:
        """The empty query: recently opened or copied entries, then notes, newest first.

        Newest by the file's day, then the front-matter date, a date in the file name,
        the path in natural order (`tui.core.search.note_order`): a fresh clone's
        equal mtimes fall through to what the notes say.
        """
        if sort == "score":
            result = engine.search("kind:note", limit=1, sort="path")
            ordered = newest_notes(engine.store, limit)
            found = engine.store.entries(ordered)
            result.hits = [plain_hit(found[r]) for r in ordered if r in found]
        else:
            result = engine.search("kind:note", limit=limit, sort=sort)
        recent = [
            plain_hit(entry)
            for entry_id in recent_ids
            if (entry := engine.store.find_id(entry_id)) is not None
        ]
        seen = {h.entry.id for h in recent}
        result.hits = recent + [h for h in result.hits if h.entry.id not in seen]
        result.total = len(result.hits)
        return result

    def _show_result(self, seq: int, query: str, result: SearchResult, *, first: bool = False
                     ) -> None:
        """Put a search's hits on screen; `first`: a first answer, the full one follows."""
        if seq != self._search_seq:
            return
        current = self.results.current
        keep = self.results.pending_select or (
            current.entry.id if current and self._keep_selection else None
        )
        self.results.pending_select = None
        self.result = result
        self.results.show_hits(result.hits, keep_id=keep)
        current = self.results.current
        if current is None or len(current.entry.text) <= PREVIEW_SAME_FRAME_CHARS:
            self._show_preview()
        self.results.more_available = result.total > len(result.hits)
        self.status_info.matches = result.total
        self.status_info.capped = result.total_capped
        self.status_info.refining = first
        self.status_info.total = result.searched
        self.status_info.filters = describe_filters(parse_query(query))
        self.status_info.message = "; ".join(e.message for e in result.errors)
        self._update_status()
        self.shown_seq = seq
        self._first_paint.set()

    def on_results_list_highlighted(self, event: ResultsList.Highlighted) -> None:
        """The list first: the preview (wrapping a whole entry) follows once it is painted."""
        if not self._preview_scheduled:
            self._preview_scheduled = True
            self.call_after_refresh(self._show_preview)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list is self.side.options:
            self.choose_side_item(event.option_index)

    def _show_preview(self) -> None:
        self._preview_scheduled = False
        hit: SearchHit | None = self.results.current
        terms = self.result.terms if self.result else []
        self.preview.show(hit, terms)  # a no-op when the entry and its highlights are the same

    # -- status ------------------------------------------------------------------

    def warnings(self) -> list[str]:
        found = list(self.problems) + list(self.keymap_problems)
        if self.index is not None:
            found.extend(self._index_warnings)
        if self.watcher is not None and self.watcher.notice:
            found.append(self.watcher.notice)
        found.extend(table_problems())
        return found

    def _update_status(self) -> None:
        info = self.status_info
        info.mode = self.sequencer.mode
        info.sort = self.sort
        if self.watcher is not None:
            info.watch = self.watcher.mode
        else:
            wanted = self.settings.watch and self.settings.config.watch
            info.watch = "starting" if wanted else "off"
        info.warnings = len(self.warnings())
        info.marked = len(self.results.marked)
        keys = self.keymap.keys_for("show_warnings")
        info.warnings_key = display_sequence(keys[0]) if keys else ""
        info.pending_keys = display_sequence(self.sequencer.pending)
        self.status.show(info)

    # -- keys --------------------------------------------------------------------

    def _load_keymap(self) -> tuple[Keymap, list[str]]:
        return load_keymap(self.settings.keymap_file, self.settings.keymap_preset)

    def _stat_keymaps(self) -> dict[Path, float]:
        stamps = {}
        for path in keymap_sources(self.settings.keymap_file, self.settings.keymap_preset):
            try:
                stamps[path] = path.stat().st_mtime
            except OSError:
                stamps[path] = 0.0
        return stamps

    def _check_keymap_changed(self) -> None:
        """Saving the keymap file re-applies it in the running app."""
        stamps = self._stat_keymaps()
        if stamps == self._keymap_mtimes:
            return
        self._keymap_mtimes = stamps
        self.keymap, problems = self._load_keymap()
        self.sequencer.set_keymap(self.keymap)
        self.sequencer.mode = self._mode_from_focus()
        self.keymap_problems = problems
        severity = "warning" if problems else "information"
        detail = f": {problems[0]}" if problems else ""
        self.say(f"keymap reloaded{detail}", severity=severity)
        self._update_status()

    def _mode_from_focus(self) -> str:
        focused = self.focused
        if focused is self.search_input:
            return "insert"
        if focused is self.preview:
            return "preview"
        return "normal"

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.sequencer.mode = self._mode_from_focus()
        self.sequencer.reset()
        self._update_status()

    def get_driver_class(self) -> type[Driver]:
        return coalescing_driver(super().get_driver_class())

    async def on_key_burst(self, burst: KeyBurst) -> None:
        """Keys the driver packed together: each still goes through the keymap."""
        for key in burst.keys:
            await self.on_event(key)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self.screen is self.screen_stack[0] and self._dispatch_key(event):
                return
            self._flush_typed()
        elif isinstance(event, events.Paste):
            self._flush_typed()
        await super().on_event(event)

    def _buffer_typed(self, event: events.Key) -> bool:
        """Hold a typed character for the prompt; a burst becomes one edit (and one search).

        A paste without bracketed paste arrives as thousands of key events; inserted
        one by one, each would copy the whole value, re-render and start a search.
        The flush is queued behind the events already waiting, so it runs once per burst.
        """
        if not (self.focused is self.search_input and event.is_printable and event.character):
            return False
        self._typed.append(event.character)
        if not self._flush_queued:
            self._flush_queued = True
            self.call_later(self._flush_typed)
        return True

    def _flush_typed(self) -> None:
        """Put held characters into the prompt, as Input itself would (replacing a selection)."""
        self._flush_queued = False
        if not self._typed:
            return
        text = "".join(self._typed)
        self._typed.clear()
        prompt = self.search_input
        if prompt.selection.is_empty:
            prompt.insert_text_at_cursor(text)
        else:
            prompt.replace(text, *prompt.selection)

    def _dispatch_key(self, event: events.Key) -> bool:
        """True when the keymap took the key; False lets Textual handle it (typing)."""
        chord = chord_from_event(event.key, event.character)
        if (self.settings.pick is not None and not self.sequencer.pending
                and chord in PICK_CANCEL_CHORDS):
            self.finish_pick(None)  # fzf: Esc, C-c and C-g abort with 130
            return True
        if not self.sequencer.pending:
            # Focus decides the mode (a closed pop-up hands focus back without telling us).
            self.sequencer.mode = self._mode_from_focus()
        outcome = self.sequencer.feed(chord)
        plain = outcome.passthrough and not (outcome.replay or outcome.actions or outcome.pending)
        quiet = self._which_key_timer is None and self._sequence_timer is None
        if plain and quiet and self.sequencer.active_table is None and self._buffer_typed(event):
            return True
        self._flush_typed()  # anything else acts after what was typed before it
        for replayed in outcome.replay:
            self._type_chord(replayed)
        for action in outcome.actions:
            self.run_action_call(action)
        self._after_keys(outcome.pending)
        return not outcome.passthrough

    def _type_chord(self, chord: str) -> None:
        self._flush_typed()
        if self.focused is self.search_input and (len(chord) == 1 or chord == "space"):
            self.search_input.insert_text_at_cursor(" " if chord == "space" else chord)

    def _after_keys(self, pending: bool) -> None:
        for timer in (self._which_key_timer, self._sequence_timer):
            if timer is not None:
                timer.stop()  # type: ignore[attr-defined]
        self._which_key_timer = self._sequence_timer = None
        if pending and self.which_key.has_class("-open"):
            self._show_which_key()  # already showing: follow the prefix at once, and wait
        elif pending:
            self._which_key_timer = self.set_timer(self.which_key_delay, self._show_which_key)
            wait = self.sequencer.seconds_until_timeout()
            if wait is not None:
                self._sequence_timer = self.set_timer(wait + 0.01, self._sequence_timeout)
        elif self.sequencer.active_table is None:
            self.which_key.close()
        self._update_status()

    def _show_which_key(self) -> None:
        """Show what may follow; from now on the prefix waits for a key (which-key.nvim)."""
        if not self.sequencer.pending:
            return
        self.which_key.show_options(self.sequencer.pending, self.sequencer.pending_options())
        self.sequencer.hold()
        if self._sequence_timer is not None:
            self._sequence_timer.stop()  # type: ignore[attr-defined]
            self._sequence_timer = None

    def _sequence_timeout(self) -> None:
        outcome = self.sequencer.poll()
        if outcome is None:
            return
        for replayed in outcome.replay:
            self._type_chord(replayed)
        for action in outcome.actions:
            self.run_action_call(action)
        self._after_keys(False)

    def run_action_call(self, call: ActionCall) -> None:
        """Run a registered action (from a key, the palette or a key table)."""
        handler = getattr(self, f"act_{call.name}", None)
        if handler is None:
            self.say(f"action {call.name!r} is not available yet", severity="warning")
            return
        handler(call)
        self._update_status()

    def remember_query(self) -> None:
        """The query led to an open, a pick or a copy: keep it in the history."""
        self.history.add(self.search_input.value)
        self.history_cursor = None

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

    def _write_raw(self, sequence: str) -> None:
        """Send an escape sequence to the terminal (OSC 52 wrapped for tmux)."""
        driver = getattr(self, "_driver", None)
        if driver is not None:
            driver.write(sequence)

    def default_editor_runner(self, argv: list[str]) -> int:
        with self.suspend():
            return subprocess.call(argv)


def make_app(settings: AppSettings) -> NotesiftApp:
    """The one factory for the CLI and the tests."""
    return NotesiftApp(settings)
