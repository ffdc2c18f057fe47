"""What each registered action does in the app (`act_<name>` methods).

Kept apart from `app.py`, which only wires widgets, workers and keys together.
Each handler receives the `ActionCall` so actions with arguments (`filter`,
`sort`, `copy`, key tables) read them from one place.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SuspendNotSupported

from tui.core.browser import browser_argv, is_openable
from tui.core.clipboard import copy_text
from tui.core.copying import entry_copy_text, join_marked
from tui.core.editor import editor_argv_many, editor_command, quickfix_text
from tui.core.ingest.entry import Entry
from tui.core.keys.actions import ActionCall
from tui.core.search.query_history import HistoryCursor
from tui.core.tags.tagstore import TagChange
from tui.screens.picker import PickerScreen
from tui.screens.tag_prompt import TagPromptScreen
from tui.screens.warnings import WarningsScreen

if TYPE_CHECKING:
    from tui.app import NotesiftApp

    _Base = NotesiftApp
else:
    _Base = object


def _spawn_detached(argv: list[str]) -> None:
    """Start the browser on its own, never through a shell, with no terminal I/O."""
    subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                     stderr=subprocess.DEVNULL, start_new_session=True)


def _count(entries: list[Entry]) -> str:
    return "1 entry" if len(entries) == 1 else f"{len(entries)} entries"


def _quoted(value: str) -> str:
    return f'"{value}"' if " " in value else value


class ActionHandlers(_Base):
    """Mixed into `NotesiftApp`."""

    # -- app and modes -------------------------------------------------------------

    def act_quit(self, call: ActionCall) -> None:
        if self.settings.pick is not None:
            self.finish_pick(None)
            return
        self.exit(0)

    def act_none(self, call: ActionCall) -> None:
        return

    def act_command_palette(self, call: ActionCall) -> None:
        self.action_command_palette()

    def act_cheatsheet(self, call: ActionCall) -> None:
        from tui.screens.cheatsheet import CheatSheetScreen

        self.push_screen(CheatSheetScreen(self.keymap))

    def act_focus_search(self, call: ActionCall) -> None:
        self.search_input.focus()

    def act_normal_mode(self, call: ActionCall) -> None:
        if self._in_side():
            self.side.remove_class("-open")
        self.results.focus()

    def act_reindex(self, call: ActionCall) -> None:
        if self.index is None:
            return
        if not self.index.root_present():
            self.say(f"cannot re-index: the notes folder {self.index.root} is gone",
                     severity="error")
            return
        self.say("re-indexing every note from scratch")
        self.start_refresh(rebuild=True)

    def act_show_warnings(self, call: ActionCall) -> None:
        self.push_screen(WarningsScreen(self.warnings()))

    # -- moving ------------------------------------------------------------------

    def _in_preview(self) -> bool:
        return self.focused is self.preview

    def _in_side(self) -> bool:
        return self.focused is self.side.options

    def _move_side(self, delta: int | None = None, to: int | None = None) -> None:
        options = self.side.options
        count = options.option_count
        if not count:
            return
        current = options.highlighted or 0
        target = to if to is not None else current + (delta or 0)
        options.highlighted = max(0, min(count - 1, target))

    def act_next(self, call: ActionCall) -> None:
        if self._in_side():
            self._move_side(1)
        elif self._in_preview():
            self.preview.scroll_relative(y=1, animate=False)
        else:
            self.results.move(1)

    def act_prev(self, call: ActionCall) -> None:
        if self._in_side():
            self._move_side(-1)
        elif self._in_preview():
            self.preview.scroll_relative(y=-1, animate=False)
        else:
            self.results.move(-1)

    def act_first(self, call: ActionCall) -> None:
        if self._in_side():
            self._move_side(to=0)
        elif self._in_preview():
            self.preview.scroll_home(animate=False)
        else:
            self.results.jump(0)

    def act_last(self, call: ActionCall) -> None:
        if self._in_side():
            self._move_side(to=self.side.options.option_count - 1)
        elif self._in_preview():
            self.preview.scroll_end(animate=False)
        else:
            self.results.jump(len(self.results.hits) - 1)

    def act_page_down(self, call: ActionCall) -> None:
        if self._in_preview():
            self.preview.scroll_page_down(animate=False)
        else:
            self.results.move(self.results.half_page)

    def act_page_up(self, call: ActionCall) -> None:
        if self._in_preview():
            self.preview.scroll_page_up(animate=False)
        else:
            self.results.move(-self.results.half_page)

    def act_preview_down(self, call: ActionCall) -> None:
        self.preview.scroll_relative(y=3, animate=False)

    def act_preview_up(self, call: ActionCall) -> None:
        self.preview.scroll_relative(y=-3, animate=False)

    def act_preview_next_match(self, call: ActionCall) -> None:
        self._jump_match(1)

    def act_preview_prev_match(self, call: ActionCall) -> None:
        self._jump_match(-1)

    def _jump_match(self, step: int) -> None:
        """`n`/`N`: the next/previous highlighted line, wrapping around as vim does."""
        moved = self.preview.jump_to_match(step)
        if moved is None:
            self.say("no highlighted match in the preview", severity="warning")
        elif moved.wrapped:
            self.say("search hit BOTTOM, continuing at TOP" if step > 0
                     else "search hit TOP, continuing at BOTTOM")

    # -- view --------------------------------------------------------------------

    def act_toggle_preview(self, call: ActionCall) -> None:
        self.query_one("#body").toggle_class("-no-preview")

    def act_zoom_preview(self, call: ActionCall) -> None:
        body = self.query_one("#body")
        body.toggle_class("-zoom")
        body.remove_class("-no-preview")

    def act_focus_next_pane(self, call: ActionCall) -> None:
        body = self.query_one("#body")
        panes = [self.search_input]
        if not body.has_class("-zoom"):
            if self.side.is_open:
                panes.append(self.side.options)
            panes.append(self.results)
        if not body.has_class("-no-preview"):
            panes.append(self.preview)
        current = self.focused
        index = panes.index(current) if current in panes else -1
        panes[(index + 1) % len(panes)].focus()

    def _toggle_side(self, kind: str) -> None:
        if self.side.is_open and self.side.kind == kind:
            self.side.remove_class("-open")
            self.results.focus()
            return
        rows = (self.index.guarded(lambda: self._side_rows(kind), fallback=list)
                if self.index is not None else [])
        titles = {"outline": "Outline", "tags": "Tags", "notes": "Notes"}
        self.side.fill(kind, f"{titles[kind]} ({len(rows)})", rows)
        self.side.add_class("-open")
        self.side.options.focus()

    def _side_rows(self, kind: str) -> list[tuple[str, str]]:
        if self.index is None:
            return []
        store = self.index.store
        if kind == "tags":
            counts = store.tag_counts()
            return [(f"#{t}  ({n})", t) for t, n in sorted(counts.items())]
        if kind == "notes":
            return [(f"{e.path} — {e.title}", e.id) for e in store.notes()]
        current = self.results.current
        if current is None:
            return []
        parts = [
            e for e in store.entries_of_path(current.entry.path) if e.kind in ("note", "section")
        ]
        rows = []
        for e in parts:
            depth = max(0, e.breadcrumb.count(" › ") - 1) if e.kind == "section" else 0
            rows.append((f"{'  ' * depth}{e.title}  :{e.line}", e.id))
        return rows

    def act_toggle_outline(self, call: ActionCall) -> None:
        self._toggle_side("outline")

    def act_toggle_tags(self, call: ActionCall) -> None:
        self._toggle_side("tags")

    def act_toggle_notes(self, call: ActionCall) -> None:
        self._toggle_side("notes")

    def choose_side_item(self, index: int) -> None:
        """Outline/notes: jump to that entry; tags: filter by the tag."""
        if not 0 <= index < len(self.side.values):
            return
        value = self.side.values[index]
        if self.side.kind == "tags":
            self._set_query(f"#{value} ")
            self.results.focus()
            return
        index = self.index
        entry = (index.guarded(lambda: index.store.find_id(value), fallback=lambda: None)
                 if index is not None else None)
        if entry is None:
            return
        self.results.pending_select = entry.id
        self._set_query(f"path:{_quoted(entry.path)} ")
        self.results.focus()

    # -- searching ---------------------------------------------------------------

    def _set_query(self, text: str) -> None:
        self.search_input.value = text
        self.search_input.cursor_position = len(text)

    def act_clear_query(self, call: ActionCall) -> None:
        self._set_query("")

    def _show_history_query(self, text: str) -> None:
        self._history_value = text
        self._set_query(text)

    def act_history_prev(self, call: ActionCall) -> None:
        if self.history_cursor is None:
            self.history_cursor = HistoryCursor(self.history.load())
        text = self.history_cursor.older(self.search_input.value)
        if text is None:
            self.say("no older query in the history")
            return
        self._show_history_query(text)

    def act_history_next(self, call: ActionCall) -> None:
        text = self.history_cursor.newer() if self.history_cursor is not None else None
        if text is not None:
            self._show_history_query(text)

    def act_history_picker(self, call: ActionCall) -> None:
        queries = list(reversed(self.history.load()))
        if not queries:
            self.say("no queries in the history yet: they are kept when one leads to an "
                     "open, a pick or a copy")
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self._set_query(queries[index])
                self.search_input.focus()

        self.push_screen(PickerScreen(f"{len(queries)} past queries", queries,
                                      verb="searches"), chosen)

    def act_filter(self, call: ActionCall) -> None:
        self._set_query(str(call.arg("query", "")))
        self.search_input.focus()

    def act_sort(self, call: ActionCall) -> None:
        self.sort = str(call.arg("by", "score"))
        self.request_search()

    # -- entries -----------------------------------------------------------------

    def act_toggle_mark(self, call: ActionCall) -> None:
        current = self.results.current
        if current is None:
            return
        marked = self.results.marked
        entry = current.entry
        if entry.id in marked:
            del marked[entry.id]
        else:
            marked[entry.id] = entry
        index = self.results.highlighted or 0
        self.results.refresh_row(index)
        self.results.move(1)

    def act_open_in_editor(self, call: ActionCall) -> None:
        """The highlighted entry at its line; with marked entries (Tab), all of them at once."""
        if self._in_side():
            self.choose_side_item(self.side.options.highlighted or 0)
            return
        if self.settings.pick is not None:
            self._pick_current()
            return
        hit = self.results.current
        if self.index is None or (hit is None and not self.results.marked):
            return
        root = self.index.root
        if not self.index.root_present():
            self.say(f"cannot open {hit.entry.path if hit else 'the marked entries'}: the notes "
                     f"folder {root} is gone (renamed or deleted)", severity="error")
            return
        if self.results.marked:
            lines = {hit.entry.id: hit.match_line} if hit is not None else {}
            entries = list(self.results.marked.values())
            targets = [(root / e.path, lines.get(e.id, e.line), e.title) for e in entries]
        else:
            assert hit is not None
            entries = [hit.entry]
            targets = [(root / hit.entry.path, hit.match_line, hit.entry.title)]
        command = editor_command(configured=self.settings.config.editor)
        with tempfile.TemporaryDirectory(prefix="notesift-") as scratch:
            quickfix = Path(scratch) / "marked.qf"
            argv = editor_argv_many(command, [(p, line) for p, line, _ in targets], quickfix)
            if str(quickfix) in argv:
                quickfix.write_text(quickfix_text(targets), encoding="utf-8")
            runner = self.settings.editor_runner or self.default_editor_runner
            try:
                code = runner(argv)
            except SuspendNotSupported:
                self.say("this terminal cannot hand over to an editor", severity="error")
                return
            except OSError as exc:
                reason = exc.strerror or exc
                self.say(f"could not start editor {argv[0]!r}: {reason}", severity="error")
                return
        for entry in entries:
            self.frecency.record(entry.id)
        self.remember_query()
        if code:
            self.say(f"editor exited with status {code}", severity="warning")
        self.refresh_paths(sorted({str(p.relative_to(root)) for p, _, _ in targets}))

    def _pick_current(self) -> None:
        """Enter in `notesift pick`: the marked entries (with --multi), else the current one."""
        from tui.core.search.engine import plain_hit

        pick = self.settings.pick
        current = self.results.current
        if pick is not None and pick.multi and self.results.marked:
            shown = {h.entry.id: h for h in self.results.hits}
            hits = [shown.get(e.id) or plain_hit(e) for e in self.results.marked.values()]
        else:
            hits = [current] if current is not None else []
        self.finish_pick(hits)

    def act_open_link(self, call: ActionCall) -> None:
        current = self.results.current
        if current is None:
            return
        links = [u for u in entry_copy_text(current.entry, "url") if is_openable(u)]
        if not links:
            self.say("this entry has no link to open", severity="warning")
            return
        if len(links) == 1:
            self._open_link(links[0])
            return

        def chosen(index: int | None) -> None:
            if index is not None:
                self._open_link(links[index])

        self.push_screen(PickerScreen(f"{len(links)} links", links, verb="opens"), chosen)

    def _open_link(self, url: str) -> None:
        argv = browser_argv(url, os.environ)
        if argv is None:
            self.say("no browser found: set $BROWSER, or install xdg-open", severity="error")
            return
        opener = self.settings.link_opener or _spawn_detached
        try:
            opener(argv)
        except OSError as exc:
            self.say(f"could not start {argv[0]!r}: {exc.strerror or exc}", severity="error")
            return
        current = self.results.current
        if current is not None:
            self.frecency.record(current.entry.id)
        self.remember_query()
        self.say(f"opening {url}")

    # -- copying -----------------------------------------------------------------

    def _targets(self) -> list[Entry]:
        """The marked entries (Tab), else the highlighted one."""
        if self.results.marked:
            return list(self.results.marked.values())
        current = self.results.current
        return [current.entry] if current is not None else []

    def act_copy(self, call: ActionCall) -> None:
        field = str(call.arg("field", "entry"))
        targets = self._targets()
        if field == "selection":
            selected = self.screen.get_selected_text()
            current = self.results.current
            text = selected or (current.snippet if current else "")
            self._copy(text, [current.entry] if current else [], "selection")
            return
        if not targets:
            self.say("nothing to copy", severity="warning")
            return
        if len(targets) > 1:
            texts = [found[0] for e in targets if (found := entry_copy_text(e, field))]
            self._copy(join_marked(texts), targets, field)
            return
        candidates = entry_copy_text(targets[0], field)
        if not candidates:
            self.say(f"this entry has no {field} to copy", severity="warning")
            return
        if len(candidates) > 1 and field in ("url", "code"):
            def chosen(index: int | None) -> None:
                if index is not None:
                    self._copy(candidates[index], targets, field)

            what = "links" if field == "url" else "code blocks"
            self.push_screen(PickerScreen(f"{len(candidates)} {what}", candidates), chosen)
            return
        self._copy(candidates[0], targets, field)

    def _copy(self, text: str, entries: list[Entry], field: str) -> None:
        if not text:
            self.say(f"nothing to copy ({field})", severity="warning")
            return
        report = copy_text(text, osc52=self.copy_to_clipboard, write_raw=self._write_raw)
        self.app_clipboard = report.text
        for entry in entries:
            self.frecency.record(entry.id)
        self.remember_query()
        self.say(report.message, severity="warning" if report.truncated else "information")

    # -- tags --------------------------------------------------------------------

    def act_tag_add(self, call: ActionCall) -> None:
        targets = self._targets()
        if not targets or self.index is None:
            return
        index = self.index
        choices = sorted(index.guarded(lambda: index.store.tag_counts(), fallback=dict))
        title = f"Add a tag to {_count(targets)}"
        self.push_screen(TagPromptScreen(title, choices),
                         lambda tag: self._apply_tag("add", targets, tag))

    def act_tag_remove(self, call: ActionCall) -> None:
        targets = self._targets()
        if not targets or self.tagstore is None:
            return
        present = sorted({t for e in targets for t in self.tagstore.tags_for(e)})
        if not present:
            self.say("no tags to remove here", severity="warning")
            return
        hint = "tags: " + " ".join(f"#{t}" for t in present)
        self.push_screen(TagPromptScreen(f"Remove a tag from {_count(targets)}", present, hint),
                         lambda tag: self._apply_tag("remove", targets, tag))

    def _apply_tag(self, op: str, targets: list[Entry], tag: str | None) -> None:
        if not tag or self.tagstore is None:
            return
        if op == "add":
            change = self.tagstore.add_many(targets, tag)
        else:
            change = self.tagstore.remove_many(targets, tag)
        self._after_tag_change(change)

    def act_tag_undo(self, call: ActionCall) -> None:
        if self.tagstore is None:
            return
        change = self.tagstore.undo()
        if change is None:
            self.say("no tag change to undo")
            return
        self._after_tag_change(change)

    def _after_tag_change(self, change: TagChange) -> None:
        self.say(change.message, severity="information" if change.ok else "error")
        self.refresh_paths(list(change.paths))

    # -- key tables --------------------------------------------------------------

    def act_activate_key_table(self, call: ActionCall) -> None:
        name = str(call.arg("name", ""))
        one_shot = bool(call.arg("one_shot", True))
        timeout = call.arg("timeout_ms")
        if not self.sequencer.activate_table(name, one_shot, timeout):
            self.say(f"no key table named {name!r}", severity="warning")
            return
        table = self.keymap.key_tables[name]
        from tui.core.keys.keymap import PendingOption

        self.which_key.show_options(
            (f"table:{name}",),
            [
                PendingOption(b.keys[0], b.desc or b.action.label, False)
                for b in table.bindings
                if b.action.name != "none"
            ],
        )

    def act_pop_key_table(self, call: ActionCall) -> None:
        self.sequencer.pop_table()
        self.which_key.close()
