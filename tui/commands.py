"""Command palette provider: every registered action, with the keys that run it."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from tui.core.actions import ACTIONS, COPY_FIELDS, SORT_FIELDS, ActionCall
from tui.core.keys import display_sequence

if TYPE_CHECKING:
    from tui.app import NotesiftApp


def palette_calls(app: NotesiftApp) -> Iterator[tuple[ActionCall, str, str]]:
    """(call, title, help) for each action, with argument variants spelled out."""
    bound: dict[ActionCall, list[str]] = {}
    for binding in app.keymap.bindings:
        if binding.action.name != "none":
            bound.setdefault(binding.action, []).append(display_sequence(binding.keys))
    calls: list[ActionCall] = []
    for spec in ACTIONS.values():
        if spec.name in ("none", "activate_key_table", "pop_key_table", "filter"):
            continue
        if spec.name == "copy":
            calls.extend(ActionCall("copy", (("field", f),)) for f in COPY_FIELDS)
        elif spec.name == "sort":
            calls.extend(ActionCall("sort", (("by", s),)) for s in SORT_FIELDS)
        else:
            calls.append(ActionCall(spec.name))
    calls.extend(c for c in bound if c.name == "filter" and c not in calls)
    for call in calls:
        spec = ACTIONS[call.name]
        keys = ", ".join(sorted(set(bound.get(call, [])))) or "unbound"
        title = spec.description if not call.args else f"{spec.description}: {call.label}"
        yield call, title, f"{call.label}  ·  keys: {keys}"


class ActionCommands(Provider):
    """Lists notesift's actions in Textual's command palette."""

    async def discover(self) -> Hits:
        app: NotesiftApp = self.app  # type: ignore[assignment]
        for call, title, help_text in palette_calls(app):
            yield DiscoveryHit(title, partial(app.run_action_call, call), help=help_text)

    async def search(self, query: str) -> Hits:
        app: NotesiftApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        for call, title, help_text in palette_calls(app):
            score = matcher.match(f"{title} {call.label}")
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(app.run_action_call, call),
                    help=help_text,
                )
