"""Keys in the app: every key goes through the keymap before Textual sees it.

`KeyRouter` feeds chords to the `KeySequencer` (sequences, leader, key tables),
holds typed characters for the prompt so a burst becomes one edit, shows the
which-key popup after a pause and ends a sequence on its timeout. Time comes
from one `KeyClock`: the sequencer reads it and the two waits are scheduled on
it, so tests hand the app a manual clock and move time forward themselves.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from textual import events

from tui.core.config import read_toml
from tui.core.keys.keymap import Keymap, KeySequencer
from tui.core.keys.keymap_file import keymap_sources, load_keymap
from tui.core.keys.notation import chord_from_event, display_sequence

if TYPE_CHECKING:
    from tui.app import NotesiftApp

WHICH_KEY_DELAY = 0.35
# fzf: Esc, C-c and C-g abort `notesift pick` with 130.
PICK_CANCEL_CHORDS = ("escape", "ctrl+c", "ctrl+g")
Cancel = Callable[[], None]


class KeyClock(Protocol):
    """What the key handling knows of time: now, and a call some seconds from now."""

    def __call__(self) -> float: ...

    def call_later(self, seconds: float, callback: Callable[[], None]) -> Cancel: ...


class AppClock:
    """The real clock: `time.monotonic` and the app's timers."""

    def __init__(self, app: NotesiftApp) -> None:
        self._app = app

    def __call__(self) -> float:
        return time.monotonic()

    def call_later(self, seconds: float, callback: Callable[[], None]) -> Cancel:
        return self._app.set_timer(seconds, callback).stop


class KeyRouter:
    """The keymap between the terminal and Textual (owned by the app)."""

    def __init__(self, app: NotesiftApp, clock: KeyClock | None) -> None:
        self.app = app
        self.clock: KeyClock = clock or AppClock(app)
        self.keymap, self.problems = self._load()
        self.sequencer = KeySequencer(self.keymap, clock=self.clock)
        self.which_key_delay = WHICH_KEY_DELAY
        self._which_key_wait: Cancel | None = None
        self._sequence_wait: Cancel | None = None
        self._keymap_mtimes = self._stat_keymaps()
        self._typed: list[str] = []  # characters typed but not yet in the prompt
        self._flush_queued = False

    # -- the keymap file -----------------------------------------------------------

    def _load(self) -> tuple[Keymap, list[str]]:
        settings = self.app.settings
        return load_keymap(settings.keymap_file, settings.keymap_preset)

    def _stat_keymaps(self) -> dict[Path, float]:
        settings = self.app.settings
        stamps = {}
        for path in keymap_sources(settings.keymap_file, settings.keymap_preset):
            try:
                stamps[path] = path.stat().st_mtime
            except OSError:
                stamps[path] = 0.0
        return stamps

    def check_keymap_changed(self) -> None:
        """Saving the keymap file re-applies it in the running app."""
        stamps = self._stat_keymaps()
        if stamps == self._keymap_mtimes:
            return
        self._keymap_mtimes = stamps
        unreadable = [problem for path in stamps for problem in read_toml(path)[1]]
        if unreadable:
            # Saved mid-edit with a syntax error: the keys from before stay (as wezterm
            # keeps its last good config), not the defaults that stand in at a start.
            self.app.say(f"keymap not reloaded: {unreadable[0]}; the keys from before stay",
                         severity="warning")
            return
        self.keymap, self.problems = self._load()
        self.sequencer.set_keymap(self.keymap)
        self.sequencer.mode = self.mode_from_focus()
        severity = "warning" if self.problems else "information"
        detail = f": {self.problems[0]}" if self.problems else ""
        self.app.say(f"keymap reloaded{detail}", severity=severity)
        self.app.keymap_changed()

    def warnings_key(self) -> str:
        keys = self.keymap.keys_for("show_warnings")
        return display_sequence(keys[0]) if keys else ""

    # -- modes ----------------------------------------------------------------------

    def mode_from_focus(self) -> str:
        focused = self.app.focused
        if focused is self.app.search_input:
            return "insert"
        if focused is self.app.preview:
            return "preview"
        return "normal"

    def focus_changed(self) -> None:
        """A new mode drops a half-typed sequence; a key already read in it keeps its own."""
        mode = self.mode_from_focus()
        if mode != self.sequencer.mode:
            self.sequencer.mode = mode
            self.sequencer.reset()
        self._keys_changed()

    def _keys_changed(self) -> None:
        """The status line's mode and keys typed so far; in a key table (`<leader>y`'s
        copy menu) the keys that opened it, or its name when the palette did."""
        sequencer = self.sequencer
        typed = display_sequence(sequencer.pending)
        table = sequencer.active_table
        if table is not None:
            typed = display_sequence((*sequencer.table_keys, *sequencer.pending)) or table
        self.app.set_status(mode=sequencer.mode, pending_keys=typed)

    # -- typing -----------------------------------------------------------------------

    def _buffer_typed(self, event: events.Key) -> bool:
        """Hold a typed character for the prompt; a burst becomes one edit (and one search).

        A paste without bracketed paste arrives as thousands of key events; inserted
        one by one, each would copy the whole value, re-render and start a search.
        The flush is queued behind the events already waiting, so it runs once per burst.
        """
        if not (self.app.focused is self.app.search_input and event.is_printable
                and event.character):
            return False
        self._typed.append(event.character)
        if not self._flush_queued:
            self._flush_queued = True
            self.app.call_later(self.flush_typed)
        return True

    def flush_typed(self) -> None:
        """Put held characters into the prompt, as Input itself would (replacing a selection)."""
        self._flush_queued = False
        if not self._typed:
            return
        text = "".join(self._typed)
        self._typed.clear()
        prompt = self.app.search_input
        if prompt.selection.is_empty:
            prompt.insert_text_at_cursor(text)
        else:
            prompt.replace(text, *prompt.selection)
        # The echo now, in this turn: Textual would draw it after the prompt's idle turn,
        # the screen's and its update timer's, and the search starts after the echo.
        if self.app.paint_now():
            self.app.wait_sent()

    def _type_chord(self, chord: str) -> None:
        self.flush_typed()
        prompt = self.app.search_input
        if self.app.focused is prompt and (len(chord) == 1 or chord == "space"):
            prompt.insert_text_at_cursor(" " if chord == "space" else chord)

    # -- dispatch ---------------------------------------------------------------------

    def dispatch(self, event: events.Key) -> bool:
        """True when the keymap took the key; False lets Textual handle it (typing)."""
        app = self.app
        chord = chord_from_event(event.key, event.character)
        if (app.settings.pick is not None and not self.sequencer.pending
                and chord in PICK_CANCEL_CHORDS):
            app.finish_pick(None)
            return True
        if not self.sequencer.pending:
            # Focus decides the mode (a closed pop-up hands focus back without telling us).
            self.sequencer.mode = self.mode_from_focus()
        outcome = self.sequencer.feed(chord)
        plain = outcome.passthrough and not (outcome.replay or outcome.actions or outcome.pending)
        quiet = self._which_key_wait is None and self._sequence_wait is None
        if plain and quiet and self.sequencer.active_table is None and self._buffer_typed(event):
            return True
        self.flush_typed()  # anything else acts after what was typed before it
        for replayed in outcome.replay:
            self._type_chord(replayed)
        for action in outcome.actions:
            app.run_action_call(action)
        self._after_keys(outcome.pending)
        return not outcome.passthrough

    def _stop_waits(self) -> None:
        for cancel in (self._which_key_wait, self._sequence_wait):
            if cancel is not None:
                cancel()
        self._which_key_wait = self._sequence_wait = None

    def _after_keys(self, pending: bool) -> None:
        self._stop_waits()
        which_key = self.app.which_key
        if pending and which_key.has_class("-open"):
            self._show_which_key()  # already showing: follow the prefix at once, and wait
        elif pending:
            self._which_key_wait = self.clock.call_later(self.which_key_delay,
                                                         self._show_which_key)
            wait = self.sequencer.seconds_until_timeout()
            if wait is not None:
                self._sequence_wait = self.clock.call_later(wait + 0.01, self.sequence_timeout)
        elif self.sequencer.active_table is None:
            which_key.close()
        self._keys_changed()

    def _show_which_key(self) -> None:
        """Show what may follow; from now on the prefix waits for a key (which-key.nvim)."""
        if not self.sequencer.pending:
            return
        own_label = self.sequencer.pending_own_label()
        left = self.sequencer.seconds_until_timeout()
        own = (own_label, left) if own_label is not None and left is not None else None
        self.app.which_key.show_options(self.sequencer.pending,
                                        self.sequencer.pending_options(), own)
        self.sequencer.hold()
        if self.sequencer.held:
            if self._sequence_wait is not None:
                self._sequence_wait()
                self._sequence_wait = None
        elif self._sequence_wait is None and left is not None:  # runs by itself in time
            self._sequence_wait = self.clock.call_later(left + 0.01, self.sequence_timeout)

    def sequence_timeout(self) -> None:
        """The sequence's time is up: run or type what it held."""
        outcome = self.sequencer.poll()
        if outcome is None:
            return
        for replayed in outcome.replay:
            self._type_chord(replayed)
        for action in outcome.actions:
            self.app.run_action_call(action)
        self._after_keys(False)
