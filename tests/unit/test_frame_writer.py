"""The writer thread that tells when a frame has been sent: the UI thread may wait
for it, never past the limit when the terminal stops reading."""

from __future__ import annotations

import io
import threading

from textual.drivers._writer_thread import WriterThread

from tui.frame_writer import FlushedWriter, use_flushed_writer, wait_sent

WAIT_S = 30.0  # a hang, not a timing: the waits below end as soon as the text is sent


class Terminal(io.StringIO):
    """A terminal that can stop reading (its writes block until it reads again)."""

    def __init__(self) -> None:
        super().__init__()
        self.reading = threading.Event()
        self.reading.set()
        self.flushes = 0

    def write(self, text: str) -> int:
        assert self.reading.wait(WAIT_S)
        return super().write(text)

    def flush(self) -> None:
        self.flushes += 1


def test_waiting_returns_once_what_was_queued_is_sent() -> None:
    terminal = Terminal()
    writer = FlushedWriter(terminal)
    writer.start()
    try:
        for part in ("\x1b[?2026h", "frame", "\x1b[?2026l"):
            writer.write(part)
        assert writer.wait_sent(WAIT_S)
        assert terminal.getvalue() == "\x1b[?2026hframe\x1b[?2026l"
        assert terminal.flushes >= 1
    finally:
        writer.stop()


def test_a_terminal_that_stops_reading_holds_the_wait_only_to_its_limit() -> None:
    terminal = Terminal()
    writer = FlushedWriter(terminal)
    writer.start()
    try:
        terminal.reading.clear()
        writer.write("frame")
        assert not writer.wait_sent(0.01)  # the app goes on; the frame follows later
        terminal.reading.set()
        assert writer.wait_sent(WAIT_S)
        assert terminal.getvalue() == "frame"
    finally:
        writer.stop()


def test_a_driver_gets_the_counting_writer_and_keeps_what_was_queued() -> None:
    class Driver:
        pass

    terminal = Terminal()
    driver = Driver()
    old = WriterThread(terminal)  # type: ignore[arg-type]
    old.start()
    old.write("before")
    driver._writer_thread = old  # type: ignore[attr-defined]
    use_flushed_writer(driver)
    writer = driver._writer_thread  # type: ignore[attr-defined]
    try:
        assert isinstance(writer, FlushedWriter)
        assert not old.is_alive()
        writer.write(" after")
        wait_sent(driver, WAIT_S)
        assert terminal.getvalue() == "before after"
    finally:
        writer.stop()


def test_no_writer_no_wait() -> None:
    wait_sent(None)
    wait_sent(object())  # a headless driver has no writer thread
