"""Bindings and the key-sequence state machine (vim's timeoutlen, wezterm's leader).

Textual binds single keys only; notesift users expect `gg`, `yy`, `<leader>tr`
and key tables. `KeySequencer` is fed one canonical chord at a time and answers
with what to do: run actions, wait for more keys (and show which-key), or let
the key through to the focused widget (typing in the prompt). It takes a clock
function so tests drive time by hand.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from tui.core.keys.actions import ActionCall
from tui.core.keys.notation import LEADER

MODES = ("insert", "normal", "preview")
SCOPES = ("all", *MODES)
DEFAULT_TIMEOUT_MS = 1000


@dataclass(frozen=True, slots=True)
class KeyBinding:
    """A sequence of chords bound to an action in one scope."""

    keys: tuple[str, ...]
    action: ActionCall
    mode: str = "all"
    desc: str = ""
    source: str = ""


@dataclass(slots=True)
class KeyTable:
    """A named set of bindings that can be pushed on top of the mode (wezterm)."""

    name: str
    bindings: list[KeyBinding] = field(default_factory=list)


@dataclass(slots=True)
class Keymap:
    """Everything a keymap file says: bindings, leader, tables, timeouts, groups."""

    bindings: list[KeyBinding] = field(default_factory=list)
    leader: str | None = None
    leader_timeout_ms: int = DEFAULT_TIMEOUT_MS
    timeout_ms: int = DEFAULT_TIMEOUT_MS
    key_tables: dict[str, KeyTable] = field(default_factory=dict)
    groups: dict[tuple[str, ...], str] = field(default_factory=dict)

    def for_mode(self, mode: str) -> list[KeyBinding]:
        """Bindings active in `mode`: the mode's own win over `all` for the same keys.

        An `action = "none"` binding is a tombstone: it hides a default (or an
        `all` binding in this mode) and is itself left out.
        """
        own = {b.keys: b for b in self.bindings if b.mode == mode}
        shared = {b.keys: b for b in self.bindings if b.mode == "all" and b.keys not in own}
        return [b for b in (*own.values(), *shared.values()) if b.action.name != "none"]

    def keys_for(self, action_name: str, mode: str | None = None) -> list[tuple[str, ...]]:
        """Every sequence that runs `action_name` (in `mode`, or any)."""
        found = []
        for b in self.bindings:
            if b.action.name == action_name and (mode is None or b.mode in (mode, "all")):
                found.append(b.keys)
        return found


class _Node:
    __slots__ = ("binding", "children")

    def __init__(self) -> None:
        self.binding: KeyBinding | None = None
        self.children: dict[str, _Node] = {}


def _build_trie(bindings: Iterable[KeyBinding]) -> _Node:
    root = _Node()
    for binding in bindings:
        node = root
        for chord in binding.keys:
            node = node.children.setdefault(chord, _Node())
        node.binding = binding
    return root


@dataclass(frozen=True, slots=True)
class PendingOption:
    """One possible next key while a sequence is pending (a which-key row)."""

    chord: str
    label: str
    is_group: bool


@dataclass(slots=True)
class Outcome:
    """What the app should do with a key.

    `actions` to run in order; `passthrough`: hand the key to the focused widget;
    `replay`: chords of an abandoned prefix to hand over first (an insert-mode
    `j` that turned out not to start `jk`); `pending`: a sequence is waiting.
    """

    actions: list[ActionCall] = field(default_factory=list)
    passthrough: bool = False
    replay: tuple[str, ...] = ()
    pending: bool = False


class KeySequencer:
    """Feeds chords through the keymap for the current mode and key-table stack."""

    def __init__(self, keymap: Keymap, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.mode = "insert"
        self.pending: tuple[str, ...] = ()
        self._last = 0.0
        self._held = False  # the which-key popup is showing: wait for a key, no timeout
        # name, one_shot, deadline, and the keys that opened it (Backspace goes back there)
        self._tables: list[tuple[str, bool, float | None, tuple[str, ...]]] = []
        self._fired: tuple[str, ...] = ()  # the keys of the last binding that fired
        self.set_keymap(keymap)

    def set_keymap(self, keymap: Keymap) -> None:
        self.keymap = keymap
        self._tries = {mode: _build_trie(keymap.for_mode(mode)) for mode in MODES}
        self._table_tries = {
            name: _build_trie(b for b in table.bindings if b.action.name != "none")
            for name, table in keymap.key_tables.items()
        }
        self.reset()

    def reset(self) -> None:
        self.pending = ()
        self._held = False

    def hold(self) -> None:
        """Suspend the timeout of the pending sequence until the next key (which-key.nvim).

        The app calls this once the popup is on screen: a person reading it must not
        lose the prefix under their eyes. Esc, Backspace or any key ends the wait. A
        prefix that is a binding itself (`d` beside `dd`) keeps its timeout, as vim's
        `timeoutlen`: held, it could never run.
        """
        self._held = bool(self.pending) and self.pending_own_label() is None

    def pending_own_label(self) -> str | None:
        """What the pending keys run by themselves when their time is up, if anything."""
        node = self._node(self.pending) if self.pending else None
        if node is None or node.binding is None:
            return None
        return node.binding.desc or node.binding.action.label

    @property
    def held(self) -> bool:
        return self._held and bool(self.pending)

    # -- key tables ---------------------------------------------------------------

    def activate_table(
        self, name: str, one_shot: bool = True, timeout_ms: int | None = None
    ) -> bool:
        if name not in self._table_tries:
            return False
        deadline = self.clock() + timeout_ms / 1000 if timeout_ms else None
        self._tables.append((name, one_shot, deadline, self._fired))
        self.pending = ()
        return True

    @property
    def table_keys(self) -> tuple[str, ...]:
        """The keys that opened the active key table (none: the palette opened it)."""
        return self._tables[-1][3] if self.active_table is not None else ()

    def pop_table(self) -> None:
        if self._tables:
            self._tables.pop()
        self.pending = ()

    @property
    def active_table(self) -> str | None:
        self._expire_tables()
        return self._tables[-1][0] if self._tables else None

    def _expire_tables(self) -> None:
        now = self.clock()
        while self._tables and self._tables[-1][2] is not None and now >= self._tables[-1][2]:
            self._tables.pop()

    # -- feeding keys ---------------------------------------------------------------

    def _root(self) -> _Node:
        table = self.active_table
        if table is not None:
            return self._table_tries[table]
        return self._tries.get(self.mode, self._tries["normal"])

    def _node(self, keys: tuple[str, ...]) -> _Node | None:
        node: _Node | None = self._root()
        for chord in keys:
            node = node.children.get(chord) if node else None
        return node

    def _timeout_s(self) -> float:
        if self.pending and self.pending[0] == LEADER:
            return self.keymap.leader_timeout_ms / 1000
        return self.keymap.timeout_ms / 1000

    def feed(self, chord: str) -> Outcome:
        """Process one chord; call `poll` first so stale prefixes time out correctly."""
        outcome = self._feed(chord)
        if not self.pending or self.pending_own_label() is not None:
            # A prefix that runs by itself keeps its timeout, also when reached from a
            # held one (`g`, popup shown, then `d` beside `gd` and `gdd`).
            self._held = False
        return outcome

    def _feed(self, chord: str) -> Outcome:
        early = self.poll()
        outcome = Outcome(actions=list(early.actions) if early else [])
        replay = early.replay if early else ()
        if chord == "escape" and self.pending:
            self.pending = ()
            return outcome
        table_left = self.active_table is not None and "escape" not in self._root().children
        if chord == "escape" and table_left:
            self.pop_table()  # wezterm tables conventionally leave on Esc
            return outcome
        if (chord == "backspace" and not self.pending and self.active_table is not None
                and "backspace" not in self._root().children):
            # Up a level, as which-key: out of `<leader>y`'s table back to `<leader>`.
            opened_by = self._tables.pop()[3]
            self.pending = opened_by[:-1]
            self._last = self.clock()
            outcome.pending = bool(self.pending)
            return outcome
        if chord == "backspace" and self.pending:
            self.pending = self.pending[:-1]
            self._last = self.clock()
            outcome.pending = bool(self.pending)
            return outcome
        in_table = self.active_table is not None
        is_leader = bool(self.keymap.leader) and chord == self.keymap.leader
        if is_leader and not self.pending and not in_table and LEADER in self._root().children:
            self.pending = (LEADER,)
            self._last = self.clock()
            outcome.pending = True
            return outcome
        candidate = (*self.pending, chord)
        node = self._node(candidate)
        if node is None:
            abandoned = self.pending
            prefix = self._node(abandoned) if abandoned else None
            self.pending = ()
            if prefix is not None and prefix.binding is not None:
                outcome.actions.append(prefix.binding.action)
                rest = self.feed(chord)
                outcome.actions.extend(rest.actions)
                outcome.passthrough, outcome.pending = rest.passthrough, rest.pending
                outcome.replay = replay + rest.replay
                return outcome
            if in_table:
                self._consume_one_shot()
                outcome.replay = replay
                return outcome
            if abandoned and abandoned[0] == LEADER:
                outcome.replay = replay
                return outcome  # while the leader is active only LEADER bindings fire
            outcome.replay = replay + abandoned
            outcome.passthrough = True
            return outcome
        if node.children:
            self.pending = candidate
            self._last = self.clock()
            outcome.pending = True
            outcome.replay = replay
            return outcome
        self.pending = ()
        if node.binding is not None:
            self._fired = candidate
            outcome.actions.append(node.binding.action)
        if in_table:
            self._consume_one_shot()
        outcome.replay = replay
        return outcome

    def _consume_one_shot(self) -> None:
        if self._tables and self._tables[-1][1]:
            self._tables.pop()

    def poll(self) -> Outcome | None:
        """Fire or abandon a pending sequence whose timeout has passed."""
        if not self.pending or self.held or self.clock() - self._last < self._timeout_s():
            return None
        node = self._node(self.pending)
        abandoned = self.pending
        self.pending = ()
        if node is not None and node.binding is not None:
            return Outcome(actions=[node.binding.action])
        if abandoned[0] == LEADER:
            return Outcome()
        return Outcome(replay=abandoned)

    def seconds_until_timeout(self) -> float | None:
        """None when nothing is pending or the popup holds the sequence."""
        if not self.pending or self.held:
            return None
        return max(0.0, self._timeout_s() - (self.clock() - self._last))

    def pending_options(self) -> list[PendingOption]:
        """The next keys after the pending prefix, for the which-key popup."""
        node = self._node(self.pending)
        if node is None:
            return []
        options = []
        for chord, child in sorted(node.children.items()):
            prefix = (*self.pending, chord)
            if child.children:
                label = self.keymap.groups.get(prefix) or (
                    child.binding.desc if child.binding else "more"
                )
                options.append(PendingOption(chord, "+" + label, True))
            elif child.binding is not None:
                label = child.binding.desc or child.binding.action.label
                options.append(PendingOption(chord, label, False))
        return options
