"""Copying and tagging: both act on the marked entries (Tab), else the highlighted one."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.clipboard import copy_text
from tui.core.copying import entry_copy_text, join_marked, link_labels
from tui.core.ingest.entry import Entry
from tui.core.keys.actions import ActionCall

if TYPE_CHECKING:
    from tui.app import NotesiftApp
    from tui.core.search.engine import SearchHit
    from tui.core.tags.tagstore import TagChange, TagStore

# The screens and the tag writer (YAML, TOML, decoders) load on the first use: a
# launch paints its first rows without them.


def _count(entries: list[Entry]) -> str:
    return "1 entry" if len(entries) == 1 else f"{len(entries)} entries"


class CopyTagActions:
    """copy (any field), tag_add, tag_remove, tag_undo."""

    def __init__(self, app: NotesiftApp) -> None:
        self.app = app

    def _tagstore(self) -> TagStore | None:
        """The app's tag writer, made on the first tag action once the index is open."""
        app = self.app
        if app.tagstore is None and app.index is not None:
            from tui.core.tags.tagstore import TagStore

            app.tagstore = TagStore(app.index.root)
        return app.tagstore

    def _targets(self) -> list[Entry]:
        """The marked entries (Tab), else the highlighted one."""
        return [hit.entry for hit in self._target_hits()]

    def _target_hits(self) -> list[SearchHit]:
        """`_targets` as hits: where each matched (`yp` copies that line)."""
        marked = self.app.results.marked_hits()
        if marked:
            return marked
        current = self.app.results.current
        return [current] if current is not None else []

    # -- copying ---------------------------------------------------------------------

    def copy(self, call: ActionCall) -> None:
        field = str(call.arg("field", "entry"))
        if field == "selection":
            self._copy_selection()
            return
        hits = self._target_hits()
        targets = [hit.entry for hit in hits]
        if not targets:
            self.app.say("nothing to copy", severity="warning")
            return
        if len(targets) > 1:
            texts = [found[0] for h in hits
                     if (found := entry_copy_text(h.entry, field, h.match_line))]
            self._copy(join_marked(texts), targets, field)
            return
        candidates = entry_copy_text(targets[0], field, hits[0].match_line)
        if not candidates:
            self.app.say(f"this entry has no {field} to copy", severity="warning")
            return
        if len(candidates) > 1 and field in ("url", "code"):
            def chosen(index: int | None) -> None:
                if index is not None:
                    self._copy(candidates[index], targets, field)

            what = "links" if field == "url" else "code blocks"
            from tui.screens.picker import PickerScreen

            named = link_labels(targets[0].text) if field == "url" else {}
            labels = [named.get(text, "") for text in candidates]
            self.app.push_screen(
                PickerScreen(f"{len(candidates)} {what}", candidates, labels=labels), chosen)
            return
        self._copy(candidates[0], targets, field)

    def _copy_selection(self) -> None:
        """Text selected with the mouse, else the highlighted entry's snippet."""
        selected = self.app.screen.get_selected_text()
        current = self.app.results.current
        text = selected or (current.snippet if current else "")
        self._copy(text, [current.entry] if current else [], "selection")

    def _copy(self, text: str, entries: list[Entry], field: str) -> None:
        app = self.app
        if not text:
            app.say(f"nothing to copy ({field})", severity="warning")
            return
        report = copy_text(text, osc52=app.copy_to_clipboard, write_raw=app.write_raw)
        app.app_clipboard = report.text
        for entry in entries:
            app.frecency.record(entry.id)
        app.remember_query()
        app.say(report.message, severity="warning" if report.truncated else "information")

    # -- tags ------------------------------------------------------------------------

    def tag_add(self, call: ActionCall) -> None:
        targets = self._targets()
        index = self.app.index
        if not targets or index is None:
            return
        choices = sorted(index.guarded(lambda: index.store.tag_counts(), fallback=dict))
        from tui.screens.tag_prompt import TagPromptScreen

        self.app.push_screen(TagPromptScreen(f"Add a tag to {_count(targets)}", choices),
                             lambda tag: self._apply_tag("add", targets, tag))

    def tag_remove(self, call: ActionCall) -> None:
        targets = self._targets()
        tagstore = self._tagstore()
        if not targets or tagstore is None:
            return
        present = sorted({t for e in targets for t in tagstore.tags_for(e)})
        if not present:
            self.app.say("no tags to remove here", severity="warning")
            return
        hint = "tags: " + " ".join(f"#{t}" for t in present)
        from tui.screens.tag_prompt import TagPromptScreen

        self.app.push_screen(
            TagPromptScreen(f"Remove a tag from {_count(targets)}", present, hint),
            lambda tag: self._apply_tag("remove", targets, tag))

    def _apply_tag(self, op: str, targets: list[Entry], tag: str | None) -> None:
        tagstore = self._tagstore()
        if not tag or tagstore is None:
            return
        if op == "add":
            change = tagstore.add_many(targets, tag)
        else:
            change = tagstore.remove_many(targets, tag)
        self._after_tag_change(change)

    def tag_undo(self, call: ActionCall) -> None:
        tagstore = self._tagstore()
        if tagstore is None:
            return
        change = tagstore.undo()
        if change is None:
            self.app.say("no tag change to undo")
            return
        self._after_tag_change(change)

    def _after_tag_change(self, change: TagChange) -> None:
        self.app.say(change.message, severity="information" if change.ok else "error")
        self.app.lifecycle.refresh_paths(list(change.paths))
