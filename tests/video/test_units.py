"""Rules of video/ on plain numbers, numpy frames and the demo source (no server)."""

from __future__ import annotations

import itertools
import random
import struct
import threading
import zlib

import av
import numpy as np
import pytest

from commandroom.video import CameraState, FrameStamp, mask_url, open_camera
from commandroom.video.demo import DemoSpec, render, text_mask
from commandroom.video.policy import (
    CapturePolicy,
    FrozenDetector,
    RateMeter,
    backoff_delay,
)
from commandroom.video.snapshot import encode, encode_png
from tests.video.conftest import wait_for, wait_until

# -- mask_url ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "masked"),
    [
        ("rtsp://admin:pa55@10.0.0.5:554/Streaming/101", "rtsp://***@10.0.0.5:554/Streaming/101"),
        ("rtsp://admin@cam.local/live", "rtsp://***@cam.local/live"),
        ("rtsp://u:p@ss:w@rd@host/x", "rtsp://***@host/x"),  # unescaped @ in the password
        ("rtsp://10.0.0.5/live?user=a", "rtsp://10.0.0.5/live?user=a"),
        ("rtsp://host/path/with@at", "rtsp://host/path/with@at"),  # @ after the host is kept
        ("demo://Gate-1?fps=5", "demo://Gate-1?fps=5"),
        ("user:secret@host", "***"),  # no scheme: mask it all rather than guess
    ],
)
def test_mask_url_hides_credentials(url: str, masked: str) -> None:
    assert mask_url(url) == masked


# -- backoff ----------------------------------------------------------------------------------


def test_backoff_first_retry_within_a_second_then_slower_capped_with_jitter() -> None:
    rng = random.Random(7)
    policy = CapturePolicy()
    first = [backoff_delay(1, policy, rng) for _ in range(200)]
    assert max(first) < 1.0
    assert len({round(d, 6) for d in first}) > 100  # jitter: cameras do not retry in lockstep
    means = [sum(backoff_delay(n, policy, rng) for _ in range(200)) / 200 for n in range(1, 12)]
    assert all(b >= a * 0.9 for a, b in itertools.pairwise(means))
    assert means[-1] > 20
    assert max(backoff_delay(n, policy, rng) for n in range(1, 100)) <= 30 * 1.2 + 1e-9


def test_backoff_is_reproducible_with_a_seeded_rng() -> None:
    a = [backoff_delay(n, rng=random.Random(1)) for n in range(1, 8)]
    b = [backoff_delay(n, rng=random.Random(1)) for n in range(1, 8)]
    assert a == b


# -- frozen detector and rate meter ------------------------------------------------------------


def _frame(seed: int, size: tuple[int, int] = (270, 480)) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (*size, 4), dtype=np.uint8)


def test_frozen_detector_needs_an_unchanged_picture_for_the_whole_window() -> None:
    detector = FrozenDetector(after_s=2.0)
    still = _frame(1)
    t = 0.0
    while t < 1.9:
        assert not detector.update(still, t)
        t += 0.25
    assert detector.update(still, 2.1)
    # compression-like noise (±2 levels) on the same picture is still frozen
    noisy = np.clip(
        still.astype(np.int16) + np.random.default_rng(2).integers(-2, 3, still.shape), 0, 255
    )
    assert detector.update(noisy.astype(np.uint8), 2.4)
    # a small change (a clock digit: one 16x16 patch) thaws it
    changed = still.copy()
    changed[100:116, 200:216, :3] = 255 - changed[100:116, 200:216, :3] // 4
    assert not detector.update(changed, 2.7)
    assert not detector.update(changed, 4.6)
    assert not detector.update(changed, 4.8), "looked at 0.2 s ago: the answer stands"
    assert detector.update(changed, 5.2)


def test_frozen_detector_never_fires_on_a_moving_picture() -> None:
    detector = FrozenDetector(after_s=2.0)
    spec = DemoSpec(name="X")
    assert not any(detector.update(render(spec, (480, 270), t / 15), t / 15) for t in range(90))


def test_rate_meter_counts_the_last_window() -> None:
    meter = RateMeter(window_s=2.0)
    for i in range(31):
        meter.add(i / 15)
    assert meter.rate(2.0) == pytest.approx(15.0, rel=0.05)
    assert meter.rate(10.0) == 0.0


# -- pixel clock --------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(640, 360), (480, 270), (320, 180), (1920, 1080)])
def test_stamp_round_trip_at_any_scale(size: tuple[int, int]) -> None:
    value = 1_764_000_123_456
    source = _frame(3, (360, 640))
    FrameStamp.encode(source, value)
    assert FrameStamp.decode(source) == value
    scaled = av.VideoFrame.from_ndarray(source, format="bgra").reformat(*size, format="bgra")
    assert FrameStamp.decode(scaled.to_ndarray()) == value


def test_stamp_rejects_pictures_without_one() -> None:
    assert FrameStamp.decode(_frame(4)) is None
    assert FrameStamp.decode(np.zeros((360, 640, 4), np.uint8)) is None
    assert FrameStamp.decode(np.full((360, 640, 4), 255, np.uint8)) is None
    stamped = np.zeros((360, 640, 4), np.uint8)
    FrameStamp.encode(stamped, 123456789)
    stamped[:10, 200:210, :3] = 255 - stamped[:10, 200:210, :3]  # one value cell flipped
    assert FrameStamp.decode(stamped) is None  # checksum catches it


# -- snapshot ---------------------------------------------------------------------------------


def _decode_png(data: bytes) -> np.ndarray:
    """A minimal PNG reader for what encode_png writes (8-bit RGB, filter 0)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height = 8, b"", 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) == crc
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert (depth, colour) == (8, 2)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    rows = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(height, 1 + width * 3)
    assert not rows[:, 0].any()
    return rows[:, 1:].reshape(height, width, 3)


def test_png_snapshot_decodes_to_the_same_pixels() -> None:
    image = _frame(5, (90, 160))
    rgb = _decode_png(encode_png(image))
    assert np.array_equal(rgb, image[:, :, 2::-1])
    # and a real decoder agrees
    with av.open(__import__("io").BytesIO(encode(image, "png"))) as container:
        frame = next(container.decode(video=0))
        assert np.array_equal(frame.to_ndarray(format="rgb24"), image[:, :, 2::-1])


def test_jpeg_snapshot_is_a_jpeg_of_the_right_size() -> None:
    image = render(DemoSpec(name="JPEG"), (640, 360), 1_700_000_000.0)
    data = encode(image, "jpeg")
    assert data[:2] == b"\xff\xd8" and data[-2:] == b"\xff\xd9"
    with av.open(__import__("io").BytesIO(data)) as container:
        frame = next(container.decode(video=0))
        assert (frame.width, frame.height) == (640, 360)
        decoded = frame.to_ndarray(format="bgr24").astype(int)
        assert np.abs(decoded - image[:, :, :3]).mean() < 8
    with pytest.raises(ValueError, match="png, jpeg"):
        encode(image, "gif")


# -- demo source --------------------------------------------------------------------------------


def test_text_mask_draws_known_glyphs_and_skips_others() -> None:
    assert text_mask("1").sum() == 10  # 1+2+1+1+1+1+3 pixels
    assert text_mask("A东B").shape == text_mask("AB").shape


def test_demo_frames_move_carry_name_size_and_sequence() -> None:
    capture = open_camera("demo://Gate-7?fps=30&stamp=1", size=(320, 180))
    try:
        assert wait_for(capture, CameraState.LIVE) is CameraState.LIVE
        wait_until(lambda: (f := capture.latest()) is not None and f.seq >= 5, "5 frames")
        first = capture.latest()
        assert first is not None
        wait_until(lambda: capture.latest().seq > first.seq + 2, "more frames")  # type: ignore[union-attr]
        later = capture.latest()
        assert later is not None
        assert first.image.shape == (180, 320, 4) and first.image.flags.c_contiguous
        assert first.source_size == (640, 360)
        assert later.mono_time > first.mono_time and later.wall_time > first.wall_time
        assert not np.array_equal(first.image, later.image)  # it moves
        stamp = FrameStamp.decode(later.image)
        assert stamp is not None and abs(later.wall_time * 1000 - stamp) < 1000
        stats = capture.stats()
        assert stats.fps > 0 and stats.frame_age_s is not None and stats.reconnects == 0
        capture.set_size(None)
        wait_until(lambda: capture.latest().image.shape == (360, 640, 4), "native size")  # type: ignore[union-attr]
        capture.set_size((200, 100))
        wait_until(lambda: capture.latest().image.shape == (100, 200, 4), "new size")  # type: ignore[union-attr]
        png = capture.snapshot()
        assert png is not None and _decode_png(png).shape == (360, 640, 3)  # full resolution
        with pytest.raises(ValueError):
            capture.set_size((0, 10))
    finally:
        capture.close()
    assert capture.stats().state is CameraState.CLOSED


def test_demo_frozen_stalled_and_failing_cameras_report_their_state() -> None:
    captures = {
        CameraState.FROZEN: open_camera("demo://still?frozen=1&fps=20"),
        CameraState.STALLED: open_camera(
            "demo://stops?stall_after=0.5", policy=CapturePolicy(stall_after_s=0.5)
        ),
        CameraState.UNAUTHORISED: open_camera("demo://x?fail=unauthorised"),
        CameraState.BAD_ADDRESS: open_camera("demo://x?fail=bad_address"),
        CameraState.OFFLINE: open_camera("demo://x?fail=offline"),
    }
    try:
        for state, capture in captures.items():
            assert wait_for(capture, state) is state
        assert captures[CameraState.STALLED].stats().stalls == 1
        assert captures[CameraState.UNAUTHORISED].latest() is None
        assert captures[CameraState.UNAUTHORISED].snapshot() is None
    finally:
        for capture in captures.values():
            capture.close()


def test_close_is_idempotent_and_joins_the_worker() -> None:
    capture = open_camera("demo://x")
    wait_for(capture, CameraState.LIVE)
    names = {t.name for t in threading.enumerate()}
    assert any(n.startswith("capture:demo://x") for n in names)
    capture.close()
    capture.close()
    assert not any(t.name.startswith("capture:demo://x") for t in threading.enumerate())
