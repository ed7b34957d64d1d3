"""bench/capture_side: what the wall's capture workers alone cost against ffmpeg, no window.

    .venv/bin/python bench/capture_side.py --json [--encoding test]

Splits bench/wall's ratio: the 16 capture workers (our RTSP client, libavcodec, the tile
scaler) run in this process as the capture host runs them, each scaling into a frame block,
with nothing painting; then again with the scaling switched off (what would be left on the
CPU if a GPU scaled and converted the tiles). The ffmpeg anchor runs before and after, on the
same server. Between them, ``bench/gst_client.py`` (Debian's GStreamer, no Python per frame)
does the same work natively, decoding only and decoding + scaling to the tile, as a second
reference: what a native pipeline costs here. ``bench/paint_floor.py`` gives the least a Qt
window spends painting 16 tiles; added to the workers' cost it is the floor of the wall's
design (``with_paint_floor_ratio``). Prints CPU ms per frame of each and the
ratios; never asserts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import cameras
from bench.wall import ROOT, ensure_packages, ffmpeg_anchor, rounded
from commandroom.video.capture import StreamCapture
from commandroom.video.frame_block import FrameBlock
from commandroom.video.tile_scaler import TileScaler
from tests.rtsp_server import SYSTEM_PYTHON

TILE = (480, 270)


def captures_ms_per_frame(urls: Sequence[str], warm_s: float, seconds: float) -> float | None:
    """Process CPU per published frame of one capture worker per URL, into frame blocks."""
    running: list[tuple[StreamCapture, FrameBlock]] = []
    try:
        for url in urls:
            capture = StreamCapture(url, size=TILE)
            block = FrameBlock.create(TILE[0] * TILE[1] * 4)
            capture.frame_target = block.frame_buffer
            capture.on_publish = block.write_frame
            running.append((capture, block))
        time.sleep(warm_s)
        seq0, cpu0 = sum(b.newest_seq() for _, b in running), time.process_time()
        time.sleep(seconds)
        seq1, cpu1 = sum(b.newest_seq() for _, b in running), time.process_time()
    finally:
        for capture, block in running:
            capture.close()
            block.unlink()
    return rounded(1000 * (cpu1 - cpu0) / (seq1 - seq0), 3) if seq1 > seq0 else None


def native_gstreamer(
    urls: Sequence[str], warm_s: float, seconds: float, scale: bool
) -> float | None:
    """CPU ms per frame of Debian's GStreamer doing the capture natively (bench/gst_client)."""
    ensure_packages("gstreamer1.0-libav")
    args = [SYSTEM_PYTHON, str(ROOT / "bench" / "gst_client.py")]
    args += ["--warm", str(warm_s), "--seconds", str(seconds), *urls]
    if scale:
        args += ["--scale", f"{TILE[0]}x{TILE[1]}"]
    out = subprocess.run(
        args, check=True, capture_output=True, text=True, timeout=warm_s + seconds + 60
    )
    result = json.loads(out.stdout)
    if result["streams_running"] != len(urls):
        raise SystemExit(f"gst_client: only {result['streams_running']} of {len(urls)} streams ran")
    return rounded(result["cpu_ms_per_frame"], 3)


def paint_floor(seconds: float) -> float | None:
    """GUI-thread ms per frame of the least Qt window showing 16 tiles (bench/paint_floor)."""
    args = [sys.executable, str(ROOT / "bench" / "paint_floor.py"), "--seconds", str(seconds)]
    out = subprocess.run(args, check=True, capture_output=True, text=True, timeout=seconds + 60)
    return rounded(json.loads(out.stdout)["gui_ms_per_frame"], 3)


def _no_scaling(_: TileScaler, __: object, out: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cameras", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warm", type=float, default=4.0)
    cameras.add_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)

    mounts = [f"cam{i}" for i in range(1, args.cameras + 1)]
    server = cameras.start(mounts, args)
    urls = [server.url(m) for m in mounts]
    result: dict[str, object] = {"cameras": len(urls), "encoding": args.encoding}
    result["server"] = args.server
    try:
        before = ffmpeg_anchor(urls, args.warm, args.seconds)["ffmpeg_cpu_ms_per_frame"]
        scaled = captures_ms_per_frame(urls, args.warm, args.seconds)
        TileScaler.__call__ = _no_scaling  # type: ignore[assignment,method-assign]
        unscaled = captures_ms_per_frame(urls, args.warm, args.seconds)
        gst_scaled = native_gstreamer(urls, args.warm, args.seconds, scale=True)
        gst = native_gstreamer(urls, args.warm, args.seconds, scale=False)
        painting = paint_floor(args.seconds)
        after = ffmpeg_anchor(urls, args.warm, args.seconds)["ffmpeg_cpu_ms_per_frame"]
    finally:
        server.stop()
    anchors = [a for a in (before, after) if a is not None]
    anchor = statistics.fmean(anchors) if anchors else None
    result |= {
        "ffmpeg_cpu_ms_per_frame_before": before,
        "ffmpeg_cpu_ms_per_frame_after": after,
        "captures_ms_per_frame": scaled,
        "captures_unscaled_ms_per_frame": unscaled,
        "captures_ratio": rounded(scaled / anchor, 3) if scaled and anchor else None,
        "captures_unscaled_ratio": rounded(unscaled / anchor, 3) if unscaled and anchor else None,
        "paint_floor_ms_per_frame": painting,
        "with_paint_floor_ratio": (
            rounded((scaled + painting) / anchor, 3) if scaled and painting and anchor else None
        ),
        "gstreamer_ms_per_frame": gst_scaled,
        "gstreamer_unscaled_ms_per_frame": gst,
        "gstreamer_ratio": rounded(gst_scaled / anchor, 3) if gst_scaled and anchor else None,
        "gstreamer_unscaled_ratio": rounded(gst / anchor, 3) if gst and anchor else None,
    }
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for key, value in result.items():
            print(f"{key:<34}  {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
