"""The garbage collector waits for a pause in typing (a full pass took 110-220 ms under
load, landing on a random keystroke); the fake clock stands for time and timers."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_clock import FakeClock
from tui_helpers import app_settings, ready, type_text, until

from tui.app import make_app
from tui.idle_gc import FULL_EVERY, FULL_IDLE_S, FULL_OVERDUE, IDLE_S, YOUNG_LIMIT, IdleCollector


@pytest.fixture
def collector() -> Iterator[tuple[IdleCollector, FakeClock, dict[str, object]]]:
    clock = FakeClock()
    state: dict[str, object] = {"busy": False, "pending": 0}
    idle = IdleCollector(clock, busy=lambda: bool(state["busy"]), collect=lambda g: 0,
                         pending=lambda: int(state["pending"]))  # type: ignore[call-overload]
    try:
        yield idle, clock, state
    finally:
        idle.stop()
    assert gc.isenabled()


def _type(idle: IdleCollector, clock: FakeClock, keys: int, gap: float) -> None:
    for _ in range(keys):
        idle.activity()
        clock.advance(gap)


def test_nothing_is_collected_while_keys_keep_coming_then_a_full_pass_in_the_pause(
    collector: tuple[IdleCollector, FakeClock, dict[str, object]],
) -> None:
    idle, clock, _ = collector
    idle.start()
    assert not gc.isenabled(), "automatic collection is off once the index is ready"
    _type(idle, clock, 30, IDLE_S / 2)
    assert idle.collections == []
    clock.advance(IDLE_S)
    assert idle.collections == [2], "the first pause after the start: a full pass"


def test_pauses_collect_the_young_generations_and_a_long_pause_after_ten_all(
    collector: tuple[IdleCollector, FakeClock, dict[str, object]],
) -> None:
    idle, clock, _ = collector
    idle.start()
    clock.advance(IDLE_S * 2)
    idle.collections.clear()
    for _ in range(FULL_EVERY):
        _type(idle, clock, 3, IDLE_S / 4)
        clock.advance(IDLE_S * 2)
    assert idle.collections == [1] * FULL_EVERY, "short pauses: young generations only"
    clock.advance(FULL_IDLE_S)
    assert idle.collections == [1] * FULL_EVERY + [2], "the tenth pause grew long: all"


def test_a_full_pass_comes_at_a_short_pause_when_long_ones_never_do(
    collector: tuple[IdleCollector, FakeClock, dict[str, object]],
) -> None:
    idle, clock, _ = collector
    idle.start()
    clock.advance(IDLE_S * 2)
    idle.collections.clear()
    for _ in range(FULL_EVERY * FULL_OVERDUE):
        _type(idle, clock, 2, IDLE_S / 4)
        clock.advance(IDLE_S * 2)
    assert idle.collections.count(2) == 1 and idle.collections[-1] == 2


def test_a_running_search_postpones_the_collection(
    collector: tuple[IdleCollector, FakeClock, dict[str, object]],
) -> None:
    idle, clock, state = collector
    idle.start()
    state["busy"] = True
    clock.advance(IDLE_S * 10)
    assert idle.collections == []
    state["busy"] = False
    clock.advance(IDLE_S)
    assert idle.collections == [2]


def test_a_long_burst_without_pauses_still_collects_the_youngest_generation(
    collector: tuple[IdleCollector, FakeClock, dict[str, object]],
) -> None:
    idle, clock, state = collector
    idle.start()
    state["pending"] = YOUNG_LIMIT + 1
    _type(idle, clock, 2, IDLE_S / 4)
    assert idle.collections == [0, 0]


def test_before_the_start_and_after_the_stop_the_collector_is_cpythons(
    collector: tuple[IdleCollector, FakeClock, dict[str, object]],
) -> None:
    idle, clock, _ = collector
    _type(idle, clock, 3, IDLE_S * 2)
    assert idle.collections == [] and gc.isenabled()
    idle.start()
    idle.stop()
    assert gc.isenabled()
    clock.advance(IDLE_S * 3)
    assert idle.collections == []


@pytest.mark.asyncio
async def test_the_app_collects_in_the_pause_after_typing_and_restores_gc_on_exit(
    tmp_path: Path,
) -> None:
    root = tmp_path / "notes"
    root.mkdir()
    (root / "a.md").write_text("# Alpha\nbody\n", "utf-8")
    clock = FakeClock()
    app = make_app(app_settings(root, tmp_path, clock=clock))
    async with app.run_test(size=(100, 30)) as pilot:
        await ready(pilot, app)
        await until(pilot, lambda: not gc.isenabled(), "collection waiting for pauses")
        clock.advance(IDLE_S * 2)
        assert app.idle_gc.collections == [2]
        await type_text(pilot, app, "alp")
        assert app.idle_gc.collections == [2], "no pass while typing"
        clock.advance(IDLE_S * 2)
        assert app.idle_gc.collections == [2, 1]
    assert gc.isenabled()


def test_steady_typing_keeps_one_pending_check_instead_of_a_timer_per_key(
    collector: tuple[IdleCollector, FakeClock, dict[str, object]],
) -> None:
    """Each timer is a task on the event loop, made on the keystroke's own time."""
    idle, clock, _ = collector
    idle.start()
    scheduled: list[float] = []
    call_later = clock.call_later

    def counting(seconds: float, callback):  # type: ignore[no-untyped-def]
        scheduled.append(seconds)
        return call_later(seconds, callback)

    clock.call_later = counting  # type: ignore[method-assign]
    _type(idle, clock, 40, IDLE_S / 8)
    assert idle.collections == []
    assert len(scheduled) <= 40 // 8 + 2, "about one check per IDLE_S, not one per key"
    clock.advance(IDLE_S)
    assert idle.collections == [2], "the pause after the keys is still collected in time"
