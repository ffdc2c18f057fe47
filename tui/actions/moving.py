"""Moving and viewing: the cursor in whichever pane has focus, panes and side panels."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.widget import Widget

from tui.core.keys.actions import ActionCall
from tui.widgets.side_panel import side_rows

if TYPE_CHECKING:
    from tui.app import NotesiftApp


class MoveActions:
    """next/prev/first/last/pages go to the side panel, the preview or the results."""

    def __init__(self, app: NotesiftApp) -> None:
        self.app = app

    def _in_preview(self) -> bool:
        return self.app.focused is self.app.preview

    def next(self, call: ActionCall) -> None:
        if self.app.side.focused_here:
            self.app.side.move(1)
        elif self._in_preview():
            self.app.preview.scroll_relative(y=1, animate=False)
        else:
            self.app.results.move(1)

    def prev(self, call: ActionCall) -> None:
        if self.app.side.focused_here:
            self.app.side.move(-1)
        elif self._in_preview():
            self.app.preview.scroll_relative(y=-1, animate=False)
        else:
            self.app.results.move(-1)

    def first(self, call: ActionCall) -> None:
        if self.app.side.focused_here:
            self.app.side.jump(0)
        elif self._in_preview():
            self.app.preview.scroll_home(animate=False)
        else:
            self.app.results.jump(0)

    def last(self, call: ActionCall) -> None:
        if self.app.side.focused_here:
            self.app.side.jump_last()
        elif self._in_preview():
            self.app.preview.scroll_end(animate=False)
        else:
            results = self.app.results
            if results.more_available:  # the last of all, not of the first rows loaded
                results.more_available = False  # one load of them all, not a page more
                self.app.search.want_all(lambda: results.jump(len(results.hits) - 1))
            results.jump(len(results.hits) - 1)

    def page_down(self, call: ActionCall) -> None:
        if self._in_preview():
            self.app.preview.scroll_page_down(animate=False)
        else:
            self.app.results.move(self.app.results.half_page)

    def page_up(self, call: ActionCall) -> None:
        if self._in_preview():
            self.app.preview.scroll_page_up(animate=False)
        else:
            self.app.results.move(-self.app.results.half_page)

    def preview_down(self, call: ActionCall) -> None:
        self.app.preview.scroll_relative(y=3, animate=False)

    def preview_up(self, call: ActionCall) -> None:
        self.app.preview.scroll_relative(y=-3, animate=False)

    def preview_next_match(self, call: ActionCall) -> None:
        self._jump_match(1)

    def preview_prev_match(self, call: ActionCall) -> None:
        self._jump_match(-1)

    def _jump_match(self, step: int) -> None:
        """`n`/`N`: the next/previous highlighted line, wrapping around as vim does.

        Where it went is one status-line message, replaced by the next press (vim's
        command line), never a toast: pressed at the only match, toasts piled up
        over the preview while nothing else on screen moved.
        """
        moved = self.app.preview.jump_to_match(step)
        if moved is None:
            said = "no highlighted match in the preview"
        else:
            said = f"match {moved.number}/{moved.count}"
            if moved.wrapped:
                said += (" · search hit BOTTOM, continuing at TOP" if step > 0
                         else " · search hit TOP, continuing at BOTTOM")
        self.app.set_status(preview_match=said)


class ViewActions:
    """The preview's size, focus between panes, and the three side panels."""

    def __init__(self, app: NotesiftApp) -> None:
        self.app = app

    def toggle_preview(self, call: ActionCall) -> None:
        self.app.query_one("#body").toggle_class("-no-preview")

    def zoom_preview(self, call: ActionCall) -> None:
        body = self.app.query_one("#body")
        body.toggle_class("-zoom")
        body.remove_class("-no-preview")

    def focus_next_pane(self, call: ActionCall) -> None:
        app = self.app
        body = app.query_one("#body")
        panes: list[Widget] = [app.search_input]
        if not body.has_class("-zoom"):
            if app.side.is_open:
                panes.append(app.side)
            panes.append(app.results)
        if not body.has_class("-no-preview"):
            panes.append(app.preview)
        here = [i for i, pane in enumerate(panes) if pane.has_focus or (
            pane is app.side and app.side.focused_here)]
        index = here[0] if here else -1
        panes[(index + 1) % len(panes)].focus()

    def toggle_outline(self, call: ActionCall) -> None:
        self._toggle_side("outline")

    def toggle_tags(self, call: ActionCall) -> None:
        self._toggle_side("tags")

    def toggle_notes(self, call: ActionCall) -> None:
        self._toggle_side("notes")

    def _toggle_side(self, kind: str) -> None:
        app = self.app
        if app.side.is_open and app.side.kind == kind:
            app.side.close()
            app.focus_now(app.results)
            return
        index = app.index
        current = app.results.current
        path = current.entry.path if current is not None else None
        rows = (index.guarded(lambda: side_rows(index.store, kind, path), fallback=list)
                if index is not None else [])
        app.side.fill(kind, rows)
        app.side.open()
