"""A native GStreamer client on N RTSP URLs in one process: what a pipeline with no Python
per frame costs for the wall's work. Run by Debian's ``/usr/bin/python3`` (PyGObject).

    /usr/bin/python3 bench/gst_client.py --seconds 15 [--scale 480x270] URL...

Each URL gets ``rtspsrc (TCP, latency 0) ! rtph264depay ! avdec_h264 (one thread)``, then with
``--scale`` ``videoscale ! videoconvert`` to a BGRx tile (as the wall's tiles), into a
``fakesink``. Python only builds the pipelines and reads each sink's ``stats`` (frames
rendered) at the start and end of the window, so the CPU measured is GStreamer's and
libavcodec's own. Prints one JSON object: ``cpu_ms_per_frame``, ``frames``, ``fps_mean``,
``streams_running``; ``bench/capture_side.py`` runs it beside its ffmpeg anchor.
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
import time

import gi

gi.require_version("Gst", "1.0")
from gi.repository import GLib, Gst  # noqa: E402


def pipeline_text(url: str, scale: tuple[int, int] | None) -> str:
    text = (
        f"rtspsrc location={url} protocols=tcp latency=0 ! rtph264depay "
        "! avdec_h264 max-threads=1 ! "
    )
    if scale is not None:
        text += (
            f"videoscale ! video/x-raw,width={scale[0]},height={scale[1]} "
            "! videoconvert ! video/x-raw,format=BGRx ! "
        )
    return text + "fakesink name=sink sync=false"


def rendered(pipeline: Gst.Pipeline) -> int:
    stats = pipeline.get_by_name("sink").get_property("stats")
    ok, value = stats.get_uint64("rendered")
    return int(value) if ok else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--warm", type=float, default=4.0)
    parser.add_argument("--scale", default="", help="WIDTHxHEIGHT of the tile, or none")
    args = parser.parse_args()
    scale = tuple(int(v) for v in args.scale.split("x")) if args.scale else None

    Gst.init(None)
    loop = GLib.MainLoop()
    threading.Thread(target=loop.run, daemon=True).start()
    pipelines = [Gst.parse_launch(pipeline_text(url, scale)) for url in args.urls]
    try:
        for pipeline in pipelines:
            pipeline.set_state(Gst.State.PLAYING)
        time.sleep(args.warm)
        frames0, cpu0 = sum(map(rendered, pipelines)), time.process_time()
        time.sleep(args.seconds)
        frames1, cpu1 = sum(map(rendered, pipelines)), time.process_time()
        running = sum(
            1 for p in pipelines if p.get_state(0)[1] == Gst.State.PLAYING and rendered(p) > 0
        )
    finally:
        for pipeline in pipelines:
            pipeline.set_state(Gst.State.NULL)
        loop.quit()
    frames = frames1 - frames0
    print(
        json.dumps(
            {
                "cpu_ms_per_frame": round(1000 * (cpu1 - cpu0) / frames, 3) if frames else None,
                "frames": frames,
                "fps_mean": round(frames / args.seconds / len(pipelines), 2),
                "streams_running": running,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
