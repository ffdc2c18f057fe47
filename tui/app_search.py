"""Searching in the app: when a search runs, on which thread, and what it shows.

One search runs at a time on the search thread (`tui.search_thread`); keys typed
meanwhile are searched together when it ends (the latest query only), so a burst never queues stale
searches that compete with painting for the CPU. A newer request makes older
results stale, and they are dropped.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events

from tui.core.config import another_folder_hint
from tui.core.search.engine import SearchEngine, SearchResult, plain_hit
from tui.core.search.nomatch import Relaxed, missing_tags, no_match_lines, without_filters
from tui.core.search.note_order import newest_notes
from tui.core.search.query import parse_query
from tui.search_thread import SearchThread
from tui.widgets.results import RESULT_ROWS

if TYPE_CHECKING:
    from tui.app import NotesiftApp

MORE_ROWS = 200  # asked for when the cursor nears the end of what was found
ALL_ROWS = 5000  # `G` loads this many to reach the last (beyond, refine the query)
# An entry this short is previewed in the same frame as the list (one paint, not two);
# a longer one after the list has painted, so building it never holds the list back.
PREVIEW_SAME_FRAME_CHARS = 20_000
# A first answer (no typo/pinyin alternatives yet) is painted when the full search
# has not answered this long after it: a full answer within ~65 ms of the key costs
# one paint, not two (a second paint costs the full answer 10-30 ms of the main
# thread, and the screen settles only with the full answer).
FIRST_ANSWER_WAIT_S = 0.06
# A search still running this long after it started says so in the status line: the
# list meanwhile shows the last answer under the newly typed text.
SLOW_SEARCH_S = 0.3


class SearchRunner:
    """Schedules the app's searches and puts their results on screen."""

    def __init__(self, app: NotesiftApp) -> None:
        self.app = app
        self.seq = 0  # the latest search asked for
        self.shown_seq = 0  # the last search whose results were put on screen
        self.result_limit = RESULT_ROWS
        self.sort = "score"
        self._keep_selection = True
        self._busy = False
        self._again = False
        self._deferred = False
        self.first_answer_wait = FIRST_ANSWER_WAIT_S
        self.slow_search_after = SLOW_SEARCH_S
        self._first_answer: tuple[int, str, SearchResult] | None = None
        self._then: tuple[int, Callable[[], None]] | None = None  # after that search shows
        self._echoed = False  # the next search follows a typed key's echo
        self.thread = SearchThread(self._job_failed)

    @property
    def searching(self) -> bool:
        """A search is asked for or running (tests wait on this; so could a spinner)."""
        return self._deferred or self._busy

    def query_changed(self) -> None:
        """The prompt changed: a new query starts at the top (as fzf)."""
        self.result_limit = RESULT_ROWS
        # Echo first: the typed character is painted before the search takes the CPU,
        # here and now when the screen can (a millisecond of Textual's hops sooner).
        if self.app.paint_now():
            self._echoed = True  # the search gives the terminal a moment first
            self.request(keep_selection=False)
            return
        self._deferred = True
        self.app.call_after_refresh(self._deferred_search)

    def _deferred_search(self) -> None:
        self._deferred = False
        self.request(keep_selection=False)

    def want_more(self) -> None:
        self.result_limit += MORE_ROWS
        self.request(keep_selection=True)

    def want_all(self, then: Callable[[], None]) -> None:
        """Load every hit (up to ALL_ROWS), then run `then` (`G`: go to the last one)."""
        result = self.app.result
        total = 0 if result is None else ALL_ROWS if result.total_capped else result.total
        self.result_limit = max(self.result_limit, min(total, ALL_ROWS))
        self.request(keep_selection=True)
        self._then = (self.seq, then)

    def set_sort(self, sort: str) -> None:
        self.sort = sort
        self.app.set_status(sort=sort)
        self.request()

    def request(self, keep_selection: bool = True) -> None:
        """Search again; a refresh keeps the highlighted row."""
        self.seq += 1
        self._keep_selection = keep_selection
        if self._busy:
            self._again = True
            self._echoed = False  # started when the running one ends, long after the echo
            return
        self._start()

    def _start(self) -> None:
        self._busy = True
        self._again = False
        after_echo, self._echoed = self._echoed, False
        app = self.app
        app.set_timer(self.slow_search_after, partial(self._still_searching, self.seq))
        self.thread.submit(
            partial(self._job, self.seq, app.search_input.value, self.sort,
                    self.result_limit, app.frecency.scores(), app.frecency.top(20)),
            after_echo=after_echo,
        )

    def stop(self) -> None:
        """The app is ending: the search thread takes no more searches."""
        self.thread.stop()

    def _job_failed(self, error: BaseException) -> None:
        """A search raised (its `_finished` is posted all the same): logged, as Textual
        logs a failed worker; the list keeps the last answer."""
        with contextlib.suppress(Exception):
            self.app.log.error(f"search failed: {error!r}")

    def _job(
        self, seq: int, query: str, sort: str, limit: int,
        boost: dict[str, float], recent: list[str],
    ) -> None:
        """Runs on the search thread; frecency comes in as a snapshot taken on the UI thread."""
        result: SearchResult | None = None
        help_lines: list[str] = []
        try:
            index = self.app.index
            if index is None or seq != self.seq:
                return
            if query.strip():
                result = index.search(query, limit=limit, sort=sort, boost=boost, widen=False)
                if result.narrowed and seq == self.seq:
                    # Rare terms: alternatives (typos, pinyin) are looked up next. What is
                    # found as typed may be shown meanwhile; a newer key skips the rest.
                    if result.hits:  # posted, not awaited: the full search goes on now
                        self.app.post_message(events.Callback(
                            partial(self._first_answer_found, seq, query, result)))
                    result = index.search(query, limit=limit, sort=sort, boost=boost)
                if not result.hits and seq == self.seq:
                    help_lines = index.guarded(lambda: no_match_help(index.engine, query),
                                               fallback=list)
            else:
                result = index.guarded(
                    lambda: recent_result(index.engine, sort, limit, recent))
            if result is not None and not result.searched and self.app.indexed:
                help_lines = no_notes_lines(index.root)
            self.app.lifecycle.publish_warnings(index)
        finally:
            # Posted, not awaited: the thread ends before the answer's frame is drawn,
            # whose bytes the writer thread would otherwise wait to send while this one
            # wound down (the GIL). Until `_finished` runs, `searching` stays true.
            with contextlib.suppress(RuntimeError):  # the app may be shutting down
                self.app.post_message(events.Callback(
                    partial(self._finished, seq, query, result, help_lines)))

    def _still_searching(self, seq: int) -> None:
        if self._busy and self.shown_seq < seq:
            self.app.set_status(searching=True)

    def _first_answer_found(self, seq: int, query: str, result: SearchResult) -> None:
        """A first answer while the full search goes on: painted if that takes a while."""
        if seq != self.seq:
            return
        self._first_answer = (seq, query, result)
        if self.first_answer_wait <= 0:
            self._show_first_answer()
        else:
            self.app.set_timer(self.first_answer_wait, self._show_first_answer)

    def _show_first_answer(self) -> None:
        pending, self._first_answer = self._first_answer, None
        if pending is not None and pending[0] == self.seq:
            self._show_guarded(*pending, first=True)

    def _show_guarded(self, seq: int, query: str, result: SearchResult, *, first: bool = False
                      ) -> None:
        """`show_result` on the app's loop, where an error would end the session: a
        bad answer (a rendering bug on odd note text) costs one answer and a notice."""
        if not self.app.is_running:
            return  # an answer posted before a quit, run after it
        try:
            self.show_result(seq, query, result, first=first)
        except Exception as exc:
            self.app.say(f"could not show the results of {query!r}: {type(exc).__name__}: {exc}",
                         severity="error")

    def _finished(
        self, seq: int, query: str, result: SearchResult | None, help_lines: list[str]
    ) -> None:
        self._busy = False
        self._first_answer = None
        if result is not None:
            self.app.results.empty_lines = help_lines
            self._show_guarded(seq, query, result)
        if self._again:
            self._start()
        else:
            self.app.set_status(searching=False)

    def show_result(self, seq: int, query: str, result: SearchResult, *, first: bool = False
                    ) -> None:
        """Put a search's hits on screen, unless a newer one was asked for since.

        `first`: a first answer, the full one follows.
        """
        if seq != self.seq:
            return
        app = self.app
        current = app.results.current
        keep = current.entry.id if current and self._keep_selection else None
        app.result = result
        app.results.show_hits(result.hits, keep_id=keep)
        current = app.results.current
        if current is None or len(current.entry.text) <= PREVIEW_SAME_FRAME_CHARS:
            app.show_preview()
        matches, capped = _loaded_count(result, self.result_limit)
        app.results.more_available = matches > len(result.hits) or (
            capped and len(result.hits) >= self.result_limit)
        partial = min(result.partial_count, matches)
        app.set_status(
            matches=matches - partial,
            partial=partial,
            capped=capped,
            refining=first,
            total=result.searched,
            filters=tuple(result.filters),
            message="; ".join(e.message for e in result.errors),
            preview_match="",  # `n`'s "match 2/7" was about the last answer
        )
        self.shown_seq = seq
        app.first_paint_done()
        if self._then is not None and seq >= self._then[0] and not first:
            then = self._then[1]
            self._then = None
            then()
        app.idle_gc.activity()  # the answer's frame comes next: no collection before it
        if app.paint_now():  # that frame, at once (not after the loop's next idle turn)
            app.wait_sent()  # and its bytes, before the rest of this turn


def no_notes_lines(root: Path) -> list[str]:
    """What the empty list says once the whole folder is read and holds no notes:
    which folder is browsed (a bare `notesift` takes the current one) and how to pick
    another, instead of a blank list and `0/0`."""
    return [f"no notes in {root}", another_folder_hint("notesift DIR")]


def no_match_help(engine: SearchEngine, query: str) -> list[str]:
    """What the empty list says; asks once more without the filters (worker thread)."""
    parsed = parse_query(query)
    relaxed = None
    words = without_filters(parsed)
    if parsed.filters and words.strip():
        found = engine.search(words, limit=5)
        partial_only = bool(found.hits) and all(h.partial for h in found.hits)
        relaxed = Relaxed(found.total, partial_only)
    tags = engine.store.tag_counts() if any(f.field == "tag" for f in parsed.filters) else None
    written = {tag: engine.search(f"'#{tag}", limit=1).total
               for tag in (missing_tags(parsed, tags) if tags is not None else [])}
    return no_match_lines(query, parsed, relaxed, tags, written)


def recent_result(
    engine: SearchEngine, sort: str, limit: int, recent_ids: list[str]
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
    result.total_capped = False  # every entry is listed: `81+/2229` read as a lower bound
    result.filters = []  # the empty query has none (`kind:note` is how it finds notes)
    return result


def _loaded_count(result: SearchResult, limit: int) -> tuple[int, bool]:
    """The count to show, and whether it is a lower bound (`2000+`).

    Counting stops at COUNT_CAP, but the rows loaded past it (scrolled to, `G`)
    are counted: fewer than asked for means every match is loaded, and that
    many is the exact count.
    """
    loaded = len(result.hits)
    if not result.total_capped or loaded <= result.total:
        return result.total, result.total_capped
    return loaded, loaded >= limit
