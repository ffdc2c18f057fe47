"""The terminal writer thread, and a way to let it write a frame at once.

Textual hands each frame to a writer thread (so a slow terminal never blocks the
app) and returns; the writer needs the GIL to send it, which the UI thread keeps
while it goes on with the turn (the status line, queued messages): up to a switch
interval (1 ms) and more before an answer's bytes left, 1.4-2.0 ms p50 from the
frame's end in traced terminal runs at 10k. `FlushedWriter` counts what it has sent,
so the UI thread can wait for its frame (blocked, the GIL free) before going on,
never longer than `WRITE_WAIT_S` (a terminal that stopped reading costs that much).
"""

from __future__ import annotations

import threading

from textual.drivers._writer_thread import WriterThread

WRITE_WAIT_S = 0.005


class FlushedWriter(WriterThread):
    """Textual's `WriterThread` that tells when what was queued has been sent."""

    def __init__(self, file: object) -> None:
        super().__init__(file)  # type: ignore[arg-type]
        self._sent = threading.Condition()
        self._queued = 0  # texts put on the queue (by the UI thread)
        self._flushed = 0  # texts written and flushed

    def write(self, text: str) -> None:
        self._queued += 1  # only the UI thread writes; the writer reads it under the lock
        super().write(text)

    def run(self) -> None:
        """Textual's loop (write, flush at a break), counting what was flushed."""
        write, flush = self._file.write, self._file.flush
        get, qsize = self._queue.get, self._queue.qsize
        taken = 0
        while True:
            text = get()
            if text is None:
                break
            write(text)
            taken += 1
            if qsize() == 0:
                flush()
                self.sent(taken)
        flush()

    def sent(self, count: int) -> None:
        """`count` texts have reached the terminal (called by `run` after a flush)."""
        with self._sent:
            self._flushed = count
            self._sent.notify_all()

    def wait_sent(self, timeout: float = WRITE_WAIT_S) -> bool:
        """Wait until everything queued so far was sent (at most `timeout` seconds)."""
        target = self._queued
        with self._sent:
            return self._sent.wait_for(lambda: self._flushed >= target, timeout)


def use_flushed_writer(driver: object) -> None:
    """Give `driver` (in application mode) a `FlushedWriter` in place of Textual's."""
    writer = getattr(driver, "_writer_thread", None)
    if type(writer) is not WriterThread:
        return  # no writer (headless), or one this module does not know
    writer.stop()  # sends what was queued, then ends
    replacement = FlushedWriter(writer._file)
    replacement.start()
    driver._writer_thread = replacement  # type: ignore[attr-defined]


def wait_sent(driver: object, timeout: float = WRITE_WAIT_S) -> None:
    """Let `driver`'s writer send what was queued before going on (no-op without one)."""
    writer = getattr(driver, "_writer_thread", None)
    if isinstance(writer, FlushedWriter):
        writer.wait_sent(timeout)
