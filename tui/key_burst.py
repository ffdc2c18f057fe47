"""Typing bursts: thousands of keys from the terminal reach the app as a few messages.

A paste without bracketed paste (tmux `paste-buffer` without `-p`, a slow
terminal, a stuck key) arrives as one key event per character. Textual's driver
hands each one from its input thread to the event loop separately, and that
hand-over alone costs more than a millisecond per key under load: 30,000
characters froze the app for over a minute and `C-u` waited behind them.

`coalescing_driver` wraps the platform driver so that messages parsed by the
input thread are queued and handed over in batches (one loop wake-up per batch),
with runs of plain printable keys packed into one `KeyBurst`. The app feeds a
burst's keys through its keymap one by one (so bindings still work) without the
per-event cost, and holds the typed characters for one prompt edit.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from textual import events
from textual.driver import Driver
from textual.message import Message
from textual.widgets import Input

from tui.frame_writer import use_flushed_writer

if TYPE_CHECKING:
    from textual.app import App


class KeyBurst(Message):
    """Consecutive plain printable keys, in order, as the terminal sent them."""

    def __init__(self, keys: list[events.Key]) -> None:
        super().__init__()
        self.keys = keys


def is_plain_key(message: Message) -> bool:
    """A printable character typed without Ctrl/Alt (what a paste is made of)."""
    if not isinstance(message, events.Key):
        return False
    char = message.character
    return (
        char is not None and len(char) == 1 and char.isprintable() and "+" not in message.key
    )


def coalesce(messages: Iterable[Message]) -> Iterator[Message]:
    """`messages` in order, with each run of 2+ plain keys packed into a `KeyBurst`."""
    run: list[events.Key] = []
    for message in messages:
        if is_plain_key(message):
            run.append(message)  # type: ignore[arg-type]
            continue
        if run:
            yield KeyBurst(run) if len(run) > 1 else run[0]
            run = []
        yield message
    if run:
        yield KeyBurst(run) if len(run) > 1 else run[0]


def coalescing_driver(base: type[Driver]) -> type[Driver]:
    """`base` with batched, coalesced hand-over of input messages to the app."""

    class CoalescingDriver(base):  # type: ignore[valid-type, misc]
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self._batch: list[Message] = []
            self._batch_lock = threading.Lock()

        def send_message(self, message: Message) -> None:
            with self._batch_lock:
                self._batch.append(message)
                if len(self._batch) > 1:
                    return  # a drain is already scheduled
            with contextlib.suppress(RuntimeError):  # the loop closed while shutting down
                self._loop.call_soon_threadsafe(self._drain)

        def start_application_mode(self) -> None:
            super().start_application_mode()
            use_flushed_writer(self)  # frames can be waited for (tui.frame_writer)

        def _drain(self) -> None:
            with self._batch_lock:
                batch, self._batch = self._batch, []
            for message in coalesce(batch):
                self._app.post_message(message)

    CoalescingDriver.__name__ = f"Coalescing{base.__name__}"
    return CoalescingDriver


async def edit_input_in_order(app: App, key: events.Key) -> bool:
    """Apply a key to the focused `Input` now, in the order the keys were typed.

    Textual hands a key to the focused input through its queue, where a letter is
    inserted at once but Backspace bubbles up to the app's bindings first: keys read
    together came out of order (`abc`, then Backspace x y in one read, gave `abcx`;
    a tag typed that way was written wrong). Here the app applies them one by one.
    False when the focus is not an input or the key is not an input's to handle.
    """
    focused = app.focused
    if not isinstance(focused, Input):
        return False
    if await app._check_bindings(key.key, priority=True):
        return True
    if key.is_printable and key.character:
        selection = focused.selection
        if selection.is_empty:
            focused.insert_text_at_cursor(key.character)
        else:
            focused.replace(key.character, *selection)
        return True
    return await app._check_bindings(key.key)
