"""Command palette providers: notesift's actions with their keys, themes, query history.

Textual's own system commands are trimmed to what notesift does not already
offer (its Quit and Keys duplicate `quit` and the cheat sheet), so every
action is listed once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import partial
from typing import TYPE_CHECKING

from textual.app import SystemCommand
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.screen import Screen

from tui.core.keys.actions import ACTIONS, COPY_FIELDS, SORT_FIELDS, ActionCall
from tui.core.keys.notation import display_sequence

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


def system_commands(app: NotesiftApp, screen: Screen) -> Iterable[SystemCommand]:
    """Textual's system commands that notesift has no action for (theme, screenshot)."""
    yield SystemCommand("Theme", "Change the colour theme (notesift's themes first)",
                        app.action_change_theme)
    yield SystemCommand(
        "Screenshot", "Save an SVG screenshot of the screen",
        lambda: app.set_timer(0.1, app.deliver_screenshot),
    )


def themes_in_order(app: NotesiftApp) -> list[str]:
    """notesift's own themes (shipped, then the user's) first, then Textual's."""
    own = [name for name in app.own_themes if name in app.available_themes]
    return own + sorted(name for name in app.available_themes if name not in own)


class ThemeCommands(Provider):
    """The theme picker: notesift's themes first, each applied when chosen."""

    def _choose(self, name: str) -> None:
        self.app.theme = name

    async def discover(self) -> Hits:
        app: NotesiftApp = self.app  # type: ignore[assignment]
        own = set(app.own_themes)
        for name in themes_in_order(app):
            help_text = "notesift theme" if name in own else "Textual theme"
            yield DiscoveryHit(name, partial(self._choose, name), help=help_text)

    async def search(self, query: str) -> Hits:
        app: NotesiftApp = self.app  # type: ignore[assignment]
        matcher = self.matcher(query)
        own = set(app.own_themes)
        for name in themes_in_order(app):
            score = matcher.match(name)
            if score > 0:
                # Ties go to notesift's themes.
                yield Hit(score if name in own else score * 0.9, matcher.highlight(name),
                          partial(self._choose, name))
