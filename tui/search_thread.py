"""The thread the app's searches run on: one, kept for the app's life.

Textual's thread workers start each search through the event loop (a task, then
the executor's queue) and post state messages the UI thread handles while the
search runs: about a millisecond between the echo and the search at 10k, more
under load. Here the UI thread hands the job over and the waiting thread takes it.

A search asked for by a typed key first gives way for `ECHO_YIELD_S`: the echo was
just written, and the terminal has to read and draw it. A thread taking the CPU at
once competes with the terminal for a core right then: in the terminal benchmark a
stand-in program's echo showed p50/p75 4.4/5.4 and 2.5/4.4 ms with a CPU-bound
thread started right after it, 2.4/2.7 and 0.7/2.7 ms with a 0.3 ms pause first
(as with 1 ms: 2.4/2.5 and 2.5/2.8; load 3.5-7, 150 keys each). The pause only has
to let the core go idle once; each typed key's answer waits that long.
"""

from __future__ import annotations

import contextvars
import threading
import time
from collections.abc import Callable

ECHO_YIELD_S = 0.0003


class SearchThread:
    """Runs one job at a time, the latest handed over (the app asks for one at a time)."""

    def __init__(self, on_error: Callable[[BaseException], None],
                 echo_yield: float = ECHO_YIELD_S,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._ready = threading.Condition()
        self._job: tuple[Callable[[], None], bool] | None = None
        self._stopped = False
        self._thread: threading.Thread | None = None
        self._on_error = on_error
        self.echo_yield = echo_yield
        self._sleep = sleep

    def submit(self, job: Callable[[], None], *, after_echo: bool = False) -> None:
        """Run `job` on the thread; `after_echo`: a typed key's echo was just written."""
        with self._ready:
            if self._stopped:
                return
            self._job = (job, after_echo)
            self._ready.notify()
        if self._thread is None:  # started here, in the app's context (its active app)
            context = contextvars.copy_context()
            self._thread = threading.Thread(target=context.run, args=(self._run,),
                                            name="notesift-search", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """No more jobs; the thread ends after the one it runs."""
        with self._ready:
            self._stopped = True
            self._job = None
            self._ready.notify()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the thread to end (after `stop`); True when it has (or never started)."""
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    def _run(self) -> None:
        while True:
            with self._ready:
                while self._job is None and not self._stopped:
                    self._ready.wait()
                if self._stopped:
                    return
                job, after_echo = self._job  # type: ignore[misc]
                self._job = None
            if after_echo and self.echo_yield > 0:
                self._sleep(self.echo_yield)
            try:
                job()
            except Exception as error:  # a worker's error would not end the app either
                self._on_error(error)
