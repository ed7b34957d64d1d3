"""The tile scaler: libyuv (what the wall uses where Debian's libyuv0 is installed, as the
test command installs it) must give the picture swscale gives, in every colour space."""

from __future__ import annotations

import av
import numpy as np
import numpy.typing as npt
import pytest

from commandroom.video import tile_scaler
from commandroom.video.tile_scaler import TileScaler, new_tile

AVCOL_SPC_BT709 = 1
AVCOL_SPC_BT2020 = 9
AVCOL_RANGE_JPEG = 2


def _frame(width: int = 640, height: int = 360, fmt: str = "yuv420p") -> av.VideoFrame:
    """A smooth, colourful 4:2:0 picture (gradients and waves: what bilinear scalers agree on)."""
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    luma = 128 + 80 * np.sin(xx / 23.0) * np.cos(yy / 31.0)
    cy, cx = np.mgrid[0 : (height + 1) // 2, 0 : (width + 1) // 2].astype(np.float32)
    planes = (
        luma.astype(np.uint8),
        (128 + 90 * np.sin(cx / 17.0)).astype(np.uint8),
        (128 + 90 * np.cos(cy / 13.0)).astype(np.uint8),
    )
    frame = av.VideoFrame(width, height, fmt)
    for plane, values in zip(frame.planes, planes, strict=True):
        rows = np.frombuffer(plane, np.uint8).reshape(plane.height, plane.line_size)
        rows[:, : values.shape[1]] = values
    return frame


def _diff(a: npt.NDArray[np.uint8], b: npt.NDArray[np.uint8]) -> tuple[float, int]:
    d = np.abs(a.astype(np.int16) - b.astype(np.int16))[:, :, :3]
    return float(d.mean()), int(d.max())


def test_libyuv_is_the_backend_here() -> None:
    # scripts/test.sh installs libyuv0; without it every tile costs twice the CPU
    assert tile_scaler.backend() == "libyuv"


def test_the_swscale_fallback_can_be_forced(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMANDROOM_SCALER", "swscale")
    tile_scaler._libyuv.cache_clear()
    try:
        assert tile_scaler.backend() == "swscale"
        out = TileScaler()(_frame(), new_tile(480, 270))
        assert (out[:, :, 3] == 255).all() and out[:, :, :3].std() > 10
    finally:
        monkeypatch.delenv("COMMANDROOM_SCALER")
        tile_scaler._libyuv.cache_clear()
    assert tile_scaler.backend() == "libyuv"


@pytest.mark.parametrize("size", [(480, 270), (481, 271), (1280, 720), (640, 360)])
def test_libyuv_matches_swscale(size: tuple[int, int]) -> None:
    frame = _frame()
    scaler = TileScaler()
    width, height = size
    ours = scaler(frame, new_tile(width, height))
    reference = scaler._swscale(frame, width, height)
    mean, worst = _diff(ours, reference)
    # measured: mean 0.8-1.9, worst 3-13 (rounding and chroma siting at odd sizes); a swapped
    # channel or a wrong matrix is off by tens
    assert mean < 2.5, f"libyuv differs from swscale by {mean:.2f} on average at {size}"
    assert worst <= 20, f"libyuv differs from swscale by {worst} somewhere at {size}"
    assert (ours[:, :, 3] == 255).all(), "tiles are opaque"


@pytest.mark.parametrize(
    ("colorspace", "color_range", "fmt"),
    [(None, None, "yuv420p"), (AVCOL_SPC_BT709, None, "yuv420p"), (None, None, "yuvj420p"),
     (None, AVCOL_RANGE_JPEG, "yuv420p"), (AVCOL_SPC_BT2020, None, "yuv420p")],
)  # fmt: skip
def test_colour_space_and_range_follow_the_stream(
    colorspace: int | None, color_range: int | None, fmt: str
) -> None:
    frame = _frame(64, 36, fmt)
    if colorspace is not None:
        frame.colorspace = colorspace
    if color_range is not None:
        frame.color_range = color_range
    scaler = TileScaler()
    ours = scaler(frame, new_tile(64, 36))
    mean, worst = _diff(ours, scaler._swscale(frame, 64, 36))
    # measured: worst 1-6 (libyuv's fixed-point constants); 601 vs 709 alone differ by 10+
    assert mean < 1.0 and worst <= 8, f"{fmt} {colorspace=} {color_range=}: {mean=:.2f} {worst=}"


def test_bt709_and_bt601_differ() -> None:
    """The matrix is chosen per frame: a 709-tagged frame must not be converted as 601."""
    frame = _frame(64, 36)
    as_601 = TileScaler()(frame, new_tile(64, 36)).copy()
    frame.colorspace = AVCOL_SPC_BT709
    as_709 = TileScaler()(frame, new_tile(64, 36))
    assert _diff(as_601, as_709)[1] >= 10


def test_writes_into_a_strided_view_and_leaves_the_rest() -> None:
    """The destination may be a view into a larger buffer (a frame block's slot)."""
    big = np.zeros((300, 500, 4), np.uint8)
    view = big[10:280, 0:480]  # rows of 500 pixels
    TileScaler()(_frame(), view)
    assert view[:, :, 3].min() == 255
    assert not big[:10].any() and not big[280:].any() and not big[10:280, 480:].any()


def test_rejects_a_destination_it_cannot_fill() -> None:
    scaler = TileScaler()
    with pytest.raises(ValueError, match="height, width, 4"):
        scaler(_frame(), np.zeros((270, 480, 3), np.uint8))
    with pytest.raises(ValueError, match="height, width, 4"):
        scaler(_frame(), np.zeros((270, 480, 4), np.uint8)[:, ::2])


def test_other_pixel_formats_go_through_swscale() -> None:
    frame = _frame().reformat(format="yuv444p")
    out = TileScaler()(frame, new_tile(480, 270))
    reference = TileScaler()(_frame(), new_tile(480, 270))
    assert _diff(out, reference)[0] < 3.0


@pytest.mark.parametrize(
    ("source", "wanted", "given"),
    [
        ((640, 360), (476, 268), (480, 270)),  # a 4×4 wall's tile on 1920x1080: 3/4
        ((640, 360), (636, 358), (640, 360)),  # a 3×3 wall's: the stream as it is
        ((1920, 1080), (956, 538), (960, 540)),  # a main stream on a 2×2 wall: 1/2
        ((1920, 1080), (476, 268), (476, 268)),  # 1/4 is no faster than any other factor
        ((1280, 720), (484, 272), (480, 270)),  # 3/8, a little smaller than asked
        ((640, 360), (324, 182), (320, 180)),  # 1/2
        ((640, 360), (470, 264), (470, 264)),  # 3/4 would crop more than 2 %
        ((640, 360), (384, 216), (384, 216)),  # no fast factor near: as asked
        ((704, 576), (528, 432), (528, 432)),  # D1 at 3/4 exactly
        ((650, 362), (486, 270), (486, 270)),  # 3/4 of 650 is no whole pixel
    ],
)
def test_a_tile_near_a_fast_factor_gets_that_factor(
    source: tuple[int, int], wanted: tuple[int, int], given: tuple[int, int]
) -> None:
    assert tile_scaler.fast_size(source, wanted) == given


def test_the_swscale_fallback_keeps_the_size_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMMANDROOM_SCALER", "swscale")
    tile_scaler._libyuv.cache_clear()
    try:
        assert tile_scaler.fast_size((640, 360), (476, 268)) == (476, 268)
    finally:
        monkeypatch.delenv("COMMANDROOM_SCALER")
        tile_scaler._libyuv.cache_clear()
