"""The benches' own cameras: an RTSP server (tests/rtsp_server.py) with N moving mounts.

How they encode (``--encoding``): ``camera`` as IP cameras' substreams do (x264 superfast, Main
profile, so CABAC and the deblocking filter are on); ``test`` the tests' cheapest stream
(ultrafast, constrained baseline: neither), which ffmpeg decodes for about 40 % less.

How they send (``--server``): ``replay`` (the default) encodes each stream once when the server
starts and then sends it on the clock, each camera at its own moment in the frame interval,
as cameras elsewhere on the network do: the server takes little of the two cores beyond
packetising. ``live`` encodes as it sends: 16 x264 encoders take about one of the two cores,
which whatever is measured then competes with (the figures before 2026-11-28 19:40 UTC).
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from tests.rtsp_server import RtspServer

# x264 settings: (speed-preset, H.264 profile).
ENCODINGS = {"camera": ("superfast", "main"), "test": ("ultrafast", "constrained-baseline")}
SERVERS = ("replay", "live")
# Seconds of each camera's stream a replaying server encodes at start.
REPLAY_S = 4


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """``--encoding`` and ``--server``, as above."""
    parser.add_argument(
        "--encoding",
        choices=sorted(ENCODINGS),
        default="camera",
        help="how the bench's own cameras encode (camera: Main profile as IP cameras send)",
    )
    parser.add_argument(
        "--server",
        choices=SERVERS,
        default="replay",
        help="how they send: replay (encoded once at start, then sent on the clock, as cameras"
        " elsewhere cost this machine nothing) or live (encoded as sent: about one core)",
    )


def start(mounts: Sequence[str], args: argparse.Namespace) -> RtspServer:
    """A started server with ``mounts`` at 640x360@15, as ``--encoding``/``--server`` say."""
    preset, profile = ENCODINGS[args.encoding]
    return RtspServer(
        mounts=list(mounts),
        width=640,
        height=360,
        fps=15,
        preset=preset,
        profile=profile,
        replay=REPLAY_S if args.server == "replay" else 0,
    ).start()
