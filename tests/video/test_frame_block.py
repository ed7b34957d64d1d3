"""The shared-memory frame block: what the capture host writes is what the window reads."""

from __future__ import annotations

import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest

from commandroom.video import frame_block as fb
from commandroom.video.api import CameraState, CameraStats, Frame


def _frame(seq: int, value: int, size: tuple[int, int] = (32, 18)) -> Frame:
    image = np.full((size[1], size[0], 4), value, np.uint8)
    return Frame(seq, image, 1000.0 + seq, 50.0 + seq, (640, 360))


@pytest.fixture
def pair() -> tuple[fb.FrameBlock, fb.FrameBlock]:
    writer = fb.FrameBlock.create(frame_bytes=64 * 36 * 4)
    reader = fb.FrameBlock.attach(writer.location, frame_bytes=64 * 36 * 4)
    writer.unlink()  # as the window does once attached: the mappings stay
    return writer, reader


def test_frames_round_trip_in_a_ring(pair: tuple[fb.FrameBlock, fb.FrameBlock]) -> None:
    writer, reader = pair
    assert reader.read_frame() is None and reader.newest_seq() == 0
    views = []
    for seq in range(1, 7):
        assert writer.write_frame(_frame(seq, seq * 10))
        got = reader.read_frame()
        assert got is not None and got.seq == seq and reader.newest_seq() == seq
        assert got.image.shape == (18, 32, 4) and int(got.image[5, 5, 0]) == seq * 10
        assert (got.wall_time, got.mono_time, got.source_size) == (
            1000.0 + seq,
            50.0 + seq,
            (640, 360),
        )
        views.append(got)
    # a frame read stays intact until SLOTS - 1 newer ones were written (seq 4 of 6 here)
    assert int(views[-(fb.SLOTS - 1)].image[0, 0, 0]) == 40
    assert not writer.write_frame(_frame(7, 1, size=(128, 72))), "larger than a slot"


def test_a_slot_read_again_is_the_same_array(pair: tuple[fb.FrameBlock, fb.FrameBlock]) -> None:
    """So the window wraps each slot in a QImage once (``Tile._wrap``), not once a frame."""
    writer, reader = pair
    arrays = []
    for seq in range(1, 2 * fb.SLOTS + 1):
        assert writer.write_frame(_frame(seq, seq))
        got = reader.read_frame()
        assert got is not None and int(got.image[0, 0, 0]) == seq
        arrays.append(got.image)
    assert len({id(a) for a in arrays}) == fb.SLOTS
    assert all(arrays[i] is arrays[i + fb.SLOTS] for i in range(fb.SLOTS))
    assert writer.write_frame(_frame(99, 7, size=(64, 36)))  # the tile grew: a view of its size
    got = reader.read_frame()
    assert got is not None and got.image.shape == (36, 64, 4) and int(got.image[0, 0, 0]) == 7


def test_the_frames_before_the_newest_are_read_by_number_while_their_slot_is_safe(
    pair: tuple[fb.FrameBlock, fb.FrameBlock],
) -> None:
    """``read_seq`` serves a display pacing a burst: frames the writer cannot be rewriting."""
    writer, reader = pair
    assert reader.read_seq(1) is None, "nothing written yet"
    for seq in range(1, 7):
        writer.write_frame(_frame(seq, seq * 10))
    for seq in (6, 5, 4):
        got = reader.read_seq(seq)
        assert got is not None and got.seq == seq and int(got.image[0, 0, 0]) == seq * 10
        assert got.mono_time == 50.0 + seq
    view = writer.frame_buffer(32, 18)  # the next frame goes into seq 3's slot
    assert view is not None
    view[:] = 77
    assert reader.read_seq(3) is None, "its slot is the one being written"
    assert reader.read_seq(7) is None and reader.read_seq(0) is None


def test_frames_scaled_into_their_slot_are_published_in_place(
    pair: tuple[fb.FrameBlock, fb.FrameBlock],
) -> None:
    """The worker scales into ``frame_buffer``'s view; ``write_frame`` only publishes it."""
    writer, reader = pair
    for seq in range(1, 2 * fb.SLOTS):
        view = writer.frame_buffer(32, 18)
        assert view is not None and view.shape == (18, 32, 4)
        assert writer.frame_buffer(32, 18) is not None  # asked again: the same claimed slot
        assert reader.newest_seq() == seq - 1, "nothing published before write_frame"
        view[:] = seq
        assert writer.write_frame(Frame(seq, view, 1000.0, 50.0, (640, 360)))
        got = reader.read_frame()
        assert got is not None and got.seq == seq and int(got.image[17, 31, 3]) == seq
    assert writer.frame_buffer(128, 72) is None, "larger than a slot"


def test_a_tile_that_changes_size_gets_views_of_its_new_size(
    pair: tuple[fb.FrameBlock, fb.FrameBlock],
) -> None:
    writer, reader = pair
    for seq, (width, height) in enumerate([(32, 18), (16, 8), (32, 18), (64, 36)] * 3, 1):
        view = writer.frame_buffer(width, height)
        assert view is not None and view.shape == (height, width, 4)
        view[:] = seq
        assert writer.write_frame(Frame(seq, view, 1000.0, 50.0, (640, 360)))
        got = reader.read_frame()
        assert got is not None and got.image.shape == (height, width, 4)
        assert int(got.image[height - 1, width - 1, 0]) == seq
        copied = np.full((height, width, 4), 200, np.uint8)  # same size, not the lent view
        writer.frame_buffer(width, height)
        assert writer.write_frame(Frame(seq + 100, copied, 1000.0, 50.0, (640, 360)))
        got = reader.read_frame()
        assert got is not None and int(got.image[0, 0, 0]) == 200


def test_a_claimed_slot_is_never_the_one_readers_were_given(
    pair: tuple[fb.FrameBlock, fb.FrameBlock],
) -> None:
    writer, reader = pair
    writer.write_frame(_frame(1, 10))
    shown = reader.read_frame()
    view = writer.frame_buffer(32, 18)
    assert view is not None and shown is not None
    view[:] = 99  # a frame half scaled (then abandoned: the worker failed)
    assert int(shown.image[0, 0, 0]) == 10 and reader.read_frame() is not None
    assert writer.write_frame(_frame(2, 20)), "a frame from elsewhere reuses the claim"
    got = reader.read_frame()
    assert got is not None and got.seq == 2 and int(got.image[0, 0, 0]) == 20


def test_a_slot_being_written_is_not_read(pair: tuple[fb.FrameBlock, fb.FrameBlock]) -> None:
    writer, reader = pair
    writer.write_frame(_frame(1, 10))
    at = fb.CONTROL_BYTES + 1 * (fb.SLOT_HEADER_BYTES + writer.frame_bytes)  # slot of seq 1
    gen = struct.unpack_from("<Q", writer.mm, at)[0]
    struct.pack_into("<Q", writer.mm, at, gen + 1)  # odd: a writer is in the middle
    assert reader.read_frame() is None
    struct.pack_into("<Q", writer.mm, at, gen)
    assert reader.read_frame() is not None


def test_stats_round_trip_with_words(pair: tuple[fb.FrameBlock, fb.FrameBlock]) -> None:
    writer, reader = pair
    first = reader.read_stats(now=10.0)
    assert first is not None and first.state is CameraState.CONNECTING and first.frame_age_s is None
    stats = CameraStats(
        CameraState.UNAUTHORISED, 0.0, None, 3, 1, 2, 4, "rtsp://***@x: 401 未授权", "unauthorised"
    )
    writer.write_stats(stats, last_frame_mono=7.5)
    got = reader.read_stats(now=10.0)
    assert got == CameraStats(
        CameraState.UNAUTHORISED, 0.0, 2.5, 3, 1, 2, 4, stats.message, "unauthorised"
    )
    behind = CameraStats(CameraState.LIVE, 9.5, 0.1, 0, 0, 0, 0, skipped=37)
    writer.write_stats(behind, last_frame_mono=9.9)
    assert reader.read_stats(now=10.0).skipped == 37  # type: ignore[union-attr]


def test_a_small_dev_shm_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fb, "_free_bytes", lambda path: 64 << 20)  # a container's default
    block = fb.FrameBlock.create(frame_bytes=1024)
    try:
        assert Path(block.location).parent == Path(tempfile.gettempdir())
        assert fb.FrameBlock.attach(block.location, frame_bytes=1024).newest_seq() == 0
    finally:
        block.unlink()
    with pytest.raises(ValueError):
        fb.FrameBlock.attach("/etc/passwd")
