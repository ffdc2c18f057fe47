"""The pinyin of entries' text, kept between keystrokes for the highlighter.

Pinyin terms find entries through the index; showing where a hit matches needs
the entry's text as pinyin, which costs a conversion per character. Rowids are
never reused, so an entry's view never goes stale.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from tui.core.ingest.entry import Entry
from tui.core.text.fold import HAN_RUN
from tui.core.text.pinyin import PinyinText, pinyin_text

PINYIN_VIEWS = 4000  # entries whose pinyin is kept between keystrokes
PINYIN_VIEW_CHARS = 2_000_000  # Han characters of all kept views together (memory)
# Pinyin finds the first PINYIN_HAN_CHARS Han characters of an entry's text (after the
# title), wherever they are: a digest's tweet puts its Chinese after the English,
# thousands of characters in. Only the first PINYIN_SCAN characters are looked at.
PINYIN_HAN_CHARS = 2000
PINYIN_SCAN = 50_000


def pinyin_scope(text: str) -> str:
    """The start of `text` whose Han characters the pinyin index holds (offsets kept)."""
    head = text[:PINYIN_SCAN]
    # Fewer other than ASCII characters than that many Han ones: all of it (counted in
    # C; listing the Han runs of a long digest was ~0.4 ms a text).
    if len(head) - len(head.encode("ascii", "ignore")) < PINYIN_HAN_CHARS:
        return head
    seen = 0
    for run in HAN_RUN.finditer(head):
        start, end = run.span()
        seen += end - start
        if seen >= PINYIN_HAN_CHARS:
            return text[: end - (seen - PINYIN_HAN_CHARS)]
    return head


def _size(view: PinyinText | None) -> int:
    return 0 if view is None else len(view.joined)


class PinyinViews:
    """A bounded, thread-safe cache of entries' pinyin views."""

    def __init__(self) -> None:
        self._views: OrderedDict[tuple[int, bool], PinyinText | None] = OrderedDict()
        self._lock = threading.Lock()
        self._chars = 0

    def view(self, rowid: int, entry: Entry, *, with_title: bool) -> PinyinText | None:
        """The pinyin of what the pinyin index holds for an entry.

        With the title: the indexed text (title, then the start of the body), for
        checking a hit. Without: the start of the body alone, whose offsets are
        the body's, for highlighting.
        """
        key = (rowid, with_title)
        # The next keystroke's search may run on another thread while this one ends:
        # the lookup, the reorder and the eviction happen together or not at all.
        with self._lock:
            if key in self._views:
                self._views.move_to_end(key)
                return self._views[key]
        scope = pinyin_scope(entry.text)
        view = pinyin_text(f"{entry.title}\n{scope}" if with_title else scope)
        with self._lock:
            if key not in self._views:
                self._views[key] = view
                self._chars += _size(view)
            while self._views and (len(self._views) > PINYIN_VIEWS
                                   or self._chars > PINYIN_VIEW_CHARS):
                _, old = self._views.popitem(last=False)
                self._chars -= _size(old)
        return view
