"""``LagMeter``: how far behind the camera a stream is read, from RTP time and arrival time.

Pure arithmetic, with made-up timestamps; what a worker does with it is tested against the
real server in ``test_sources.py``.
"""

from __future__ import annotations

import pytest

from commandroom.video.lag import WINDOW_S, LagMeter

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
