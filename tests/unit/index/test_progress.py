"""The build progress line: counts with separators, an estimate once it means something."""

from __future__ import annotations

from fake_clock import FakeClock

from tui.core.index.progress import BuildProgress


def test_progress_counts_and_estimates_the_time_left() -> None:
    clock = FakeClock()
    progress = BuildProgress(clock=clock)
    progress.start()
    assert progress.text() == "indexing: looking for notes…"
    progress.update(0, 2159)
    assert progress.text() == "indexing 0/2,159 files"
    clock.now += 0.5
    progress.update(64, 2159)
    assert progress.text() == "indexing 64/2,159 files"  # too early to guess
    clock.now += 9.5
    progress.update(1234, 2159)
    # 1,234 files in 10 s: 925 more take 7.5 s
    assert progress.text() == "indexing 1,234/2,159 files · 7 s left"


def test_long_builds_are_estimated_in_minutes() -> None:
    clock = FakeClock()
    progress = BuildProgress(clock=clock)
    progress.start()
    clock.now += 30
    progress.update(10_000, 100_000)
    assert progress.text() == "indexing 10,000/100,000 files · 4 min 30 s left"


def test_waiting_for_another_process_says_so() -> None:
    progress = BuildProgress(clock=FakeClock())
    progress.start()
    progress.waiting = True
    assert "another notesift" in progress.text()


def test_once_every_file_is_read_it_says_finishing_not_seconds_left() -> None:
    """The words and the merge come after the last file: `<1 s left` stood on screen
    for 10 s of them (TRY3 #6)."""
    clock = FakeClock()
    progress = BuildProgress(clock=clock)
    progress.start()
    clock.now += 18
    progress.update(420, 420)
    assert progress.text() == "indexing 420/420 files · finishing…"


def test_the_estimate_counts_down_while_a_batch_is_written() -> None:
    """Batches are committed seconds apart: the time left must not climb between
    them as if the build slowed down (TRY4 §9)."""
    clock = FakeClock()
    progress = BuildProgress(clock=clock)
    progress.start()
    clock.now += 10
    progress.update(100, 400)
    assert progress.text() == "indexing 100/400 files · 30 s left"
    said = []
    for _ in range(7):
        clock.now += 1
        said.append(progress.text().rsplit("· ", 1)[1])
    assert said == [f"{n} s left" for n in range(29, 22, -1)]
    clock.now += 1
    progress.update(300, 400)  # 300 files in 18 s: 100 more take 6 s
    assert progress.text() == "indexing 300/400 files · 6 s left"
