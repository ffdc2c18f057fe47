"""Actions about the app itself: quitting, modes, pop-up screens, re-indexing, key tables."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.core.keys.actions import ActionCall
from tui.core.keys.keymap import PendingOption

if TYPE_CHECKING:
    from tui.app import NotesiftApp


class GeneralActions:
    """quit, none, command_palette, cheatsheet, modes, reindex, warnings, key tables."""

    def __init__(self, app: NotesiftApp) -> None:
        self.app = app

    def quit(self, call: ActionCall) -> None:
        if self.app.settings.pick is not None:
            self.app.finish_pick(None)
            return
        self.app.exit(0)

    def none(self, call: ActionCall) -> None:
        """An unbound key: nothing at all."""

    def command_palette(self, call: ActionCall) -> None:
        self.app.action_command_palette()

    def cheatsheet(self, call: ActionCall) -> None:
        from tui.screens.cheatsheet import CheatSheetScreen

        self.app.push_screen(CheatSheetScreen(self.app.keymap))

    def focus_search(self, call: ActionCall) -> None:
        self.app.focus_now(self.app.search_input)

    def normal_mode(self, call: ActionCall) -> None:
        if self.app.side.focused_here:
            self.app.side.close()
        self.app.focus_now(self.app.results)

    def reindex(self, call: ActionCall) -> None:
        index = self.app.index
        if index is None:
            return
        if not index.root_present():
            self.app.say(f"cannot re-index: the notes folder {index.root} is gone",
                         severity="error")
            return
        self.app.say("re-indexing every note from scratch")
        self.app.lifecycle.start_refresh(rebuild=True)

    def show_warnings(self, call: ActionCall) -> None:
        from tui.screens.warnings import WarningsScreen  # loaded when first shown

        self.app.push_screen(WarningsScreen(self.app.warnings()))

    def activate_key_table(self, call: ActionCall) -> None:
        name = str(call.arg("name", ""))
        one_shot = bool(call.arg("one_shot", True))
        timeout = call.arg("timeout_ms")
        if not self.app.sequencer.activate_table(name, one_shot, timeout):
            self.app.say(f"no key table named {name!r}", severity="warning")
            return
        table = self.app.keymap.key_tables[name]
        self.app.which_key.show_options(
            self.app.sequencer.table_keys or (f"table:{name}",),
            [
                PendingOption(b.keys[0], b.desc or b.action.label, False)
                for b in table.bindings
                if b.action.name != "none"
            ],
        )

    def pop_key_table(self, call: ActionCall) -> None:
        self.app.sequencer.pop_table()
        self.app.which_key.close()
