"""Both decode paths against the real RTSP server: a reader that falls behind catches up.

The server stamps its clock into each frame's pixels (``FrameStamp``), so how old a decoded
picture is can be read off the picture itself.
"""

from __future__ import annotations

import time

import av
import pytest

from commandroom.video import FrameStamp
from commandroom.video.lag import LAG_LIMIT_S
from commandroom.video.sources import AvSource, RtpSource, Source
from tests.rtsp_server import RtspServer

SLEPT_S = 2.5


def _age_ms(frame: av.VideoFrame) -> float:
    stamp = FrameStamp.decode(frame.to_ndarray(format="bgra"))
    assert stamp is not None, "the server's pixel clock"
    return time.time() * 1000 - stamp


def _frames_for(source: Source, seconds: float) -> list[av.VideoFrame]:
    frames: list[av.VideoFrame] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        frames += source.read(0.2)
    return frames


def _next_frame(source: Source) -> av.VideoFrame:
    end = time.monotonic() + 10.0
    while time.monotonic() < end:
        frames = source.read(0.2)
        if frames:
            return frames[0]
    raise AssertionError("no frame within 10 s")


@pytest.mark.parametrize("kind", [RtpSource, AvSource], ids=["ours", "libavformat"])
def test_a_reader_that_fell_behind_skips_to_the_present(
    rtsp_server: RtspServer, kind: type[RtpSource] | type[AvSource]
) -> None:
    source = kind(rtsp_server.url("cam1"), timeout=5.0)
    source.open()
    try:
        on_time = _frames_for(source, 1.5)
        assert len(on_time) >= 10 and source.skipped == 0, "read as it comes: nothing skipped"
        time.sleep(SLEPT_S)  # a starved worker: the camera's frames wait in the socket
        first = _next_frame(source)
        assert source.skipped > 0, f"what waited was skipped, not decoded ({_age_ms(first):.0f} ms)"
        assert source.source_skips() == source.skipped and source.source_skips() == 0
        # not the picture from 2.5 s ago: one read at most LAG_LIMIT_S late (CI slack added)
        age = _age_ms(first)
        assert age < 1000 * (LAG_LIMIT_S + 0.4), f"{age:.0f} ms old, {source.skipped} skipped"
        after = _frames_for(source, 1.0)
        last = _age_ms(after[-1]) if after else None
        assert last is not None and last < 1000 * LAG_LIMIT_S, f"and on time after it: {last}"
    finally:
        source.close()
