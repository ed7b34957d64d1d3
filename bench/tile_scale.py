"""bench/tile_scale: what scaling one decoded frame to a tile costs, at the sizes walls ask for.

    .venv/bin/python bench/tile_scale.py [--json] [--source 640x360]

For each layout on a 1920x1080 screen, the tile's picture size as the wall computes it, the
size the capture scales to (``tile_scaler.fast_size``: a factor libyuv has a kernel of its
own for, when one is within 2 %), and the CPU ms per frame of ``TileScaler`` at both, in
one thread with the caches warm (a lower bound: in the wall the decoder evicts them
between frames). Not a test: it prints figures and never asserts.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import av
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from commandroom.ui.wall.layout import Grid  # noqa: E402
from commandroom.ui.wall.tile import fit_size  # noqa: E402
from commandroom.ui.wall.wall_widget import SPACING  # noqa: E402
from commandroom.video.tile_scaler import TileScaler, backend, fast_size, new_tile  # noqa: E402

SCREEN = (1920, 1080)
LAYOUTS = {"1×1": (1, 1), "2×2": (2, 2), "3×3": (3, 3), "4×4": (4, 4), "2×5": (2, 5)}


def tile_size(rows: int, cols: int, aspect: float) -> tuple[int, int]:
    """The picture size the wall asks for in a cell of that grid on the screen."""
    _, _, width, height = Grid.make(rows, cols).cell_rect(0, *SCREEN, SPACING)
    return fit_size(width, height, aspect)


def frame_of(width: int, height: int) -> av.VideoFrame:
    """A 4:2:0 frame with detail everywhere (noise: no scaler can take a shortcut on it)."""
    rgb = np.random.default_rng(7).integers(0, 255, (height, width, 3), np.uint8)
    return av.VideoFrame.from_ndarray(rgb, format="rgb24").reformat(format="yuv420p")


def ms_per_frame(frame: av.VideoFrame, size: tuple[int, int], rounds: int = 5) -> float:
    """Best of ``rounds`` of 400 frames, thread CPU time."""
    scaler, out = TileScaler(), new_tile(*size)
    for _ in range(50):
        scaler(frame, out)
    best = float("inf")
    for _ in range(rounds):
        started = time.thread_time()
        for _ in range(400):
            scaler(frame, out)
        best = min(best, (time.thread_time() - started) / 400 * 1000)
    return round(best, 4)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--source", default="640x360", help="the decoded stream's size")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    sw, sh = (int(v) for v in args.source.lower().split("x"))
    frame = frame_of(sw, sh)
    result: dict[str, object] = {"source": [sw, sh], "scaler": backend(), "layouts": {}}
    layouts: dict[str, object] = {}
    for name, (rows, cols) in LAYOUTS.items():
        asked = tile_size(rows, cols, sw / sh)
        given = fast_size((sw, sh), asked)
        layouts[name] = {
            "asked": list(asked),
            "given": list(given),
            "asked_ms": ms_per_frame(frame, asked),
            "given_ms": ms_per_frame(frame, given) if given != asked else None,
        }
    result["layouts"] = layouts
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for name, row in layouts.items():
            print(name, row)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
