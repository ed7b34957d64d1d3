"""``LagMeter``: how far behind the camera a stream is read, from RTP time and arrival time;
``CatchUp``: which units a reader that fell behind leaves undecoded.

Pure arithmetic, with made-up timestamps; what a worker does with it is tested against the
real server in ``test_sources.py``.
"""

from __future__ import annotations

import itertools

import pytest

from commandroom.video.lag import (
    CALM_UNITS,
    LAG_LIMIT_S,
    MAX_SKIP_S,
    WINDOW_S,
    CatchUp,
    LagMeter,
)

RATE = 90000
FRAME = RATE // 15  # RTP ticks per frame at 15 fps


def test_units_read_as_they_come_are_on_time_whatever_the_clocks_offset() -> None:
    meter = LagMeter(RATE)
    start_rtp, start = 1_234_567, 5000.0  # the camera's clock has nothing to do with ours
    for i in range(100):
        jitter = 0.004 * (i % 3)
        behind = meter.behind(start_rtp + i * FRAME, start + i / 15 + jitter)
        assert 0.0 <= behind <= 0.0081


def test_units_read_late_are_behind_by_how_late() -> None:
    meter = LagMeter(RATE)
    for i in range(30):
        meter.behind(i * FRAME, 100.0 + i / 15)
    # the reader stalls for 2 s, then reads what waited, all at once
    behind = [meter.behind(i * FRAME, 104.0 + 0.001 * (i - 30)) for i in range(30, 45)]
    assert behind[0] == pytest.approx(2.0, abs=0.01)
    assert behind == sorted(behind, reverse=True), "each waiting unit is less late"


def test_the_rtp_clock_wraps_without_a_jump() -> None:
    meter = LagMeter(RATE)
    first = (1 << 32) - 5 * FRAME
    for i in range(20):
        behind = meter.behind((first + i * FRAME) % (1 << 32), 10.0 + i / 15)
        assert behind == pytest.approx(0.0, abs=1e-6)


def test_a_camera_clock_that_runs_slow_is_followed_by_the_window() -> None:
    """200 ppm slow (a cheap camera's crystal): 0.7 s an hour, never a growing lag."""
    meter = LagMeter(RATE)
    worst = 0.0
    for i in range(15 * 3600):  # an hour of frames
        worst = max(worst, meter.behind(round(i * FRAME * (1 - 200e-6)), i / 15))
    assert worst < 2 * WINDOW_S * 200e-6 + 1e-6


def test_reset_forgets_the_reference() -> None:
    meter = LagMeter(RATE)
    meter.behind(0, 0.0)
    assert meter.behind(FRAME, 3.0) > 2.9
    meter.reset()  # a camera whose clock jumped: the next unit is the new reference
    assert meter.behind(10 * FRAME, 3.1) == 0.0
    assert meter.behind(11 * FRAME, 3.1 + 1 / 15) == pytest.approx(0.0, abs=1e-9)


def _on_time(catch_up: CatchUp, frames: int, start: float = 100.0) -> None:
    for i in range(frames):
        assert not catch_up.skip(i * FRAME, start + i / 15, i % 30 == 0, lambda: False)


def test_a_reader_behind_with_more_waiting_skips_until_a_key_frame_read_on_time() -> None:
    catch_up = CatchUp(RATE, "cam")
    _on_time(catch_up, 30)
    # stalled for 2 s: frames 30-59 are read at once at t = 104, the rest as they come
    skipped = [catch_up.skip(i * FRAME, 104.0 + (i - 30) * 0.001, False, lambda: True)
               for i in range(30, 60)]  # fmt: skip
    assert all(skipped[: int(30 - 15 * LAG_LIMIT_S)]), "the ones well behind are skipped"
    assert catch_up.new_skips() == catch_up.skipped > 0 and catch_up.new_skips() == 0
    assert not catch_up.skip(60 * FRAME, 100.0 + 60 / 15, True, lambda: False), "on time"


def test_however_far_behind_a_key_frame_is_let_through_every_max_skip_s() -> None:
    catch_up = CatchUp(RATE, "cam")
    _on_time(catch_up, 30)
    shown = []
    for i in range(30, 120):  # always 3 s behind, always more waiting
        arrival = 100.0 + i / 15 + 3.0
        if not catch_up.skip(i * FRAME, arrival, i % 15 == 0, lambda: True):
            shown.append(arrival)
    assert len(shown) >= 2
    gaps = [b - a for a, b in itertools.pairwise(shown)]
    assert all(gap >= MAX_SKIP_S for gap in gaps) and max(gaps) < MAX_SKIP_S + 1.1


def test_late_with_nothing_waiting_is_a_clock_jump_not_a_reason_to_skip() -> None:
    catch_up = CatchUp(RATE, "cam")
    _on_time(catch_up, 30)
    asked: list[bool] = []

    def nothing_waiting() -> bool:
        asked.append(True)
        return False

    # the camera's clock jumps back 5 s: every unit after looks 5 s late
    for i in range(30, 40):
        assert not catch_up.skip(i * FRAME - 5 * RATE, 100.0 + i / 15, False, nothing_waiting)
    assert catch_up.skipped == 0
    assert len(asked) == CALM_UNITS, "the meter started again on the new clock"


def test_one_late_unit_that_seemed_not_to_wait_does_not_end_the_catch_up() -> None:
    """A reader descheduled while asking may misjudge one unit as not waiting; starting the
    reference again there would decode the rest of the backlog as if on time."""
    catch_up = CatchUp(RATE, "cam")
    _on_time(catch_up, 30)
    waiting = [i != 35 for i in range(30, 50)]  # all waited but one, misjudged
    skipped = [catch_up.skip(i * FRAME, 104.0 + (i - 30) * 0.001, False, lambda w=w: w)
               for i, w in zip(range(30, 50), waiting, strict=True)]  # fmt: skip
    assert skipped[:5] == [True] * 5 and not skipped[5] and all(skipped[6:])
