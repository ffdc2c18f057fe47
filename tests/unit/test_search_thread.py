"""The app's search thread: jobs in the order handed over, the latest one waiting,
errors reported without ending the thread, a typed key's echo given way to first."""

from __future__ import annotations

import threading

from tui.search_thread import SearchThread

WAIT_S = 30.0  # a hang, not a timing: each wait here ends as soon as the thread acts


def test_jobs_run_on_one_thread_and_the_latest_waiting_one_replaces_the_others() -> None:
    ran: list[tuple[str, str]] = []
    release = threading.Event()
    done = threading.Event()
    thread = SearchThread(on_error=lambda error: None, sleep=lambda s: None)

    def job(name: str):  # type: ignore[no-untyped-def]
        def run() -> None:
            ran.append((name, threading.current_thread().name))
            if name == "first":
                release.wait(WAIT_S)
            if name == "third":
                done.set()
        return run

    thread.submit(job("first"))
    assert _wait_for(lambda: ran)  # the first runs (and waits) before the others come
    thread.submit(job("second"))  # waits behind the first, then is replaced
    thread.submit(job("third"))
    release.set()
    assert done.wait(WAIT_S)
    thread.stop()
    assert thread.join(WAIT_S)
    assert [name for name, _ in ran] == ["first", "third"]
    assert {where for _, where in ran} == {"notesift-search"}


def test_an_error_is_reported_and_the_next_job_still_runs() -> None:
    errors: list[BaseException] = []
    done = threading.Event()
    thread = SearchThread(on_error=errors.append, sleep=lambda s: None)

    def failing() -> None:
        raise ValueError("bad query")

    thread.submit(failing)
    assert _wait_for(lambda: errors)
    thread.submit(done.set)
    assert done.wait(WAIT_S)
    thread.stop()
    assert thread.join(WAIT_S)
    assert [type(e) for e in errors] == [ValueError]


def test_a_search_after_an_echo_gives_way_first_and_others_do_not() -> None:
    events: list[str] = []
    done = threading.Event()
    thread = SearchThread(on_error=lambda error: None, echo_yield=0.25,
                          sleep=lambda s: events.append(f"yield {s}"))
    thread.submit(lambda: events.append("refresh"))
    assert _wait_for(lambda: "refresh" in events)
    thread.submit(lambda: (events.append("typed"), done.set()), after_echo=True)
    assert done.wait(WAIT_S)
    thread.stop()
    assert thread.join(WAIT_S)
    assert events == ["refresh", "yield 0.25", "typed"]


def test_a_stopped_thread_takes_no_more_jobs() -> None:
    ran: list[int] = []
    thread = SearchThread(on_error=lambda error: None, sleep=lambda s: None)
    thread.submit(lambda: ran.append(1))
    assert _wait_for(lambda: ran)
    thread.stop()
    assert thread.join(WAIT_S)
    thread.submit(lambda: ran.append(2))
    assert thread.join(WAIT_S)
    assert ran == [1]


def _wait_for(condition) -> bool:  # type: ignore[no-untyped-def]
    event = threading.Event()
    for _ in range(3000):
        if condition():
            return True
        event.wait(0.01)
    return bool(condition())
