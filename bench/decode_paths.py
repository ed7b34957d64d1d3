"""Compare decode paths for the wall on 16 RTSP streams; prints one JSON object.

    .venv/bin/python bench/decode_paths.py [--streams 16] [--seconds 10] [--only rtp,pyav]
        [--kbps 1024] [--urls URL...]

Starts its own RTSP server (tests/rtsp_serve.py, Debian's gst-rtsp-server) with N moving
640x360@15 mounts whose pixels carry the server's clock (commandroom.video.stamp), then runs
each candidate in a fresh subprocess (so environment variables, thread pools and CPU counters
do not leak between them). Every candidate does the same work per frame: decode, scale to a
480x270 BGRA tile, read the stamp. Figures per candidate:

- ``all_live_s``: from starting all opens (in parallel) until every stream delivered a frame;
  ``blackhole_all_live_s``: the same for 15 healthy streams while a 16th URL points at a
  port that accepts and never answers (must not be slower);
- ``fps_min`` / ``fps_mean`` per stream over the window;
- ``cpu_ms_per_frame``: CPU time of the reader (plus its child processes) / frames delivered;
- ``latency_p50_ms`` / ``latency_p95_ms``: arrival wall time minus the stamp in the pixels.

The anchor is ``ffmpeg -rtsp_transport tcp -i URL -f null -`` per stream (decode only), and
``cpu_ratio`` is each candidate's CPU per frame over the anchor's.

Candidates: ``opencv`` (cv2 FFmpeg backend configured as issue 3 measured: thread-safe opens,
``rtsp_transport;tcp|analyzeduration;100000``, ``CAP_PROP_N_THREADS=1``), ``pyav`` (``av.open``
demuxer, one decode thread), ``rtp`` (commandroom.video.rtsp client + PyAV decoder, the
marker bit ends a frame), ``gst`` (a gst-launch-1.0 process per camera writing BGRx to a
pipe), and ``capture``: the chosen path as the product runs it (``open_camera``: worker,
slot, state, frozen check). A candidate whose module is missing reports ``{"error": ...}``;
``gst`` needs gstreamer1.0-tools and gstreamer1.0-libav, the anchor needs ffmpeg.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TILE = (480, 270)
CANDIDATES = ["capture", "rtp", "pyav", "opencv", "gst"]
FFMPEG_ANCHOR = ["ffmpeg", "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp", "-i"]
FFMPEG_SINK = ["-f", "null", "-", "-progress", "pipe:1", "-stats_period", "0.25"]
CLOCK_TICK = os.sysconf("SC_CLK_TCK")


def proc_cpu_s(pid: int) -> float:
    """utime+stime of one live process, from /proc (children's times are not included)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICK


def self_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Stream:
    """Per-stream counters shared by all candidates."""

    def __init__(self) -> None:
        self.first: float | None = None
        self.frames = 0
        self.latencies: list[float] = []
        self.measuring = False
        self.error = ""

    def deliver(self, image: Any) -> None:
        from commandroom.video.stamp import FrameStamp

        now_ms = time.time() * 1000
        if self.first is None:
            self.first = time.monotonic()
        if self.measuring:
            self.frames += 1
            stamp = FrameStamp.decode(image)
            if stamp is not None:
                self.latencies.append(now_ms - stamp)


# -- candidates (run inside the worker subprocess) --------------------------------------------


def run_opencv(url: str, stream: Stream, stop: threading.Event) -> None:
    import cv2

    params = [
        cv2.CAP_PROP_OPEN_TIMEOUT_MSEC, 5000,
        cv2.CAP_PROP_READ_TIMEOUT_MSEC, 5000,
        cv2.CAP_PROP_N_THREADS, 1,
    ]  # fmt: skip
    cap = cv2.VideoCapture(url, cv2.CAP_FFMPEG, params)
    try:
        while not stop.is_set() and cap.isOpened():
            ok, bgr = cap.read()
            if not ok:
                break
            tile = cv2.cvtColor(
                cv2.resize(bgr, TILE, interpolation=cv2.INTER_LINEAR), cv2.COLOR_BGR2BGRA
            )
            stream.deliver(tile)
    finally:
        cap.release()


def run_pyav(url: str, stream: Stream, stop: threading.Event) -> None:
    import av
    from av.video.reformatter import VideoReformatter

    options = {"rtsp_transport": "tcp", "analyzeduration": "100000", "probesize": "100000"}
    scaler = VideoReformatter()  # keeps its SwsContext: frame.reformat() builds one per call
    with av.open(url, options=options, timeout=(5.0, 5.0)) as container:
        video = container.streams.video[0]
        video.codec_context.thread_count = 1
        for packet in container.demux(video):
            if stop.is_set():
                break
            for frame in packet.decode():
                stream.deliver(scaler.reformat(frame, *TILE, "bgra").to_ndarray())


def run_rtp(url: str, stream: Stream, stop: threading.Event) -> None:
    import av
    from av.video.reformatter import VideoReformatter

    from commandroom.video.rtsp import RtspClient

    client = RtspClient(url, timeout=5.0)
    try:
        info = client.open()
        codec = av.CodecContext.create(info.codec, "r")
        codec.thread_count = 1
        prefix = info.parameter_sets
        scaler = VideoReformatter()
        while not stop.is_set():
            unit = client.read()
            for frame in codec.decode(av.Packet(prefix + unit.data)):
                stream.deliver(scaler.reformat(frame, *TILE, "bgra").to_ndarray())
            prefix = b""
    finally:
        client.close()


GST_CHILDREN: list[subprocess.Popen[bytes]] = []


def run_gst(url: str, stream: Stream, stop: threading.Event) -> None:
    import numpy as np

    width, height = TILE
    cmd = [
        "gst-launch-1.0", "-q",
        "rtspsrc", f"location={url}", "latency=0", "protocols=tcp", "tcp-timeout=5000000",
        "!", "rtph264depay", "!", "avdec_h264", "max-threads=1",
        "!", "videoscale", "!", "videoconvert",
        "!", f"video/x-raw,format=BGRx,width={width},height={height}",
        "!", "fdsink", "fd=1", "sync=false",
    ]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    GST_CHILDREN.append(proc)
    size = width * height * 4
    assert proc.stdout is not None
    try:
        while not stop.is_set():
            buf = bytearray(size)
            view = memoryview(buf)
            got = 0
            while got < size:
                n = proc.stdout.readinto(view[got:])
                if not n:
                    assert proc.stderr is not None
                    stream.error = proc.stderr.read().decode(errors="replace")[-300:]
                    return
                got += n
            stream.deliver(np.frombuffer(buf, np.uint8).reshape(height, width, 4))
    finally:
        proc.kill()
        proc.wait()


_POLLED: list[tuple[Any, Stream, list[int]]] = []
_POLL_LOCK = threading.Lock()


def _poll_captures(stop: threading.Event) -> None:
    """One consumer thread for all captures, like the wall's display timer (every 10 ms)."""
    from commandroom.video.stamp import FrameStamp

    while not stop.is_set():
        with _POLL_LOCK:
            polled = list(_POLLED)
        for capture, stream, seen in polled:
            frame = capture.latest()
            if frame is None or frame.seq == seen[0]:
                continue
            if stream.first is None:
                stream.first = frame.mono_time
            if stream.measuring:
                stream.frames += frame.seq - seen[0] if seen[0] else 1
                stamp = FrameStamp.decode(frame.image)
                if stamp is not None:
                    stream.latencies.append(frame.wall_time * 1000 - stamp)
            seen[0] = frame.seq
        stop.wait(0.01)


def run_capture(url: str, stream: Stream, stop: threading.Event) -> None:
    """The product path: ``commandroom.video.open_camera`` (worker thread, slot, states).

    One poller reads every slot each 10 ms; frames are counted by sequence number and
    latency is taken from ``Frame.wall_time`` (when the frame reached the slot), so polling
    adds nothing to either figure.
    """
    from commandroom.video import open_camera

    capture = open_camera(url, size=TILE)
    with _POLL_LOCK:
        if not _POLLED:
            threading.Thread(target=_poll_captures, args=(stop,), daemon=True).start()
        _POLLED.append((capture, stream, [0]))
    try:
        stop.wait()
    finally:
        capture.close()


RUNNERS: dict[str, Callable[[str, Stream, threading.Event], None]] = {
    "capture": run_capture,
    "opencv": run_opencv,
    "pyav": run_pyav,
    "rtp": run_rtp,
    "gst": run_gst,
}


def worker(candidate: str, urls: list[str], healthy: int, seconds: float) -> dict[str, Any]:
    """Open every URL at once; measure the first ``healthy`` streams."""
    if candidate == "opencv":
        os.environ["OPENCV_FFMPEG_IS_THREAD_SAFE"] = "1"
        os.environ["OPENCV_FFMPEG_CAPTURE_OPTIONS"] = (
            "rtsp_transport;tcp|analyzeduration;100000|probesize;100000"
        )
    runner = RUNNERS[candidate]
    stop = threading.Event()
    streams = [Stream() for _ in urls]

    def guarded(url: str, stream: Stream) -> None:
        try:
            runner(url, stream, stop)
        except Exception as exc:  # reported in the JSON
            stream.error = f"{type(exc).__name__}: {exc}"

    started = time.monotonic()
    threads = [
        threading.Thread(target=guarded, args=(u, s), daemon=True)
        for u, s in zip(urls, streams, strict=True)
    ]
    for thread in threads:
        thread.start()
    watched = streams[:healthy]
    deadline = started + 30
    while time.monotonic() < deadline and any(s.first is None for s in watched):
        time.sleep(0.005)
    firsts = [s.first for s in watched]
    result: dict[str, Any] = {
        "all_live_s": round(max(firsts) - started, 3) if all(firsts) else None,  # type: ignore[type-var]
        "errors": sorted({s.error for s in streams if s.error}),
    }
    if seconds > 0 and result["all_live_s"] is not None:
        time.sleep(1.0)  # settle
        cpu0 = self_cpu_s() + sum(proc_cpu_s(p.pid) for p in GST_CHILDREN)
        t0 = time.monotonic()
        for s in watched:
            s.measuring = True
        time.sleep(seconds)
        for s in watched:
            s.measuring = False
        elapsed = time.monotonic() - t0
        cpu = self_cpu_s() + sum(proc_cpu_s(p.pid) for p in GST_CHILDREN) - cpu0
        frames = sum(s.frames for s in watched)
        lat = sorted(x for s in watched for x in s.latencies)
        fps = [s.frames / elapsed for s in watched]
        result.update(
            fps_min=round(min(fps), 2),
            fps_mean=round(statistics.fmean(fps), 2),
            cpu_cores=round(cpu / elapsed, 3),
            cpu_ms_per_frame=round(1000 * cpu / frames, 3) if frames else None,
            latency_p50_ms=round(lat[len(lat) // 2], 1) if lat else None,
            latency_p95_ms=round(lat[int(len(lat) * 0.95)], 1) if lat else None,
            stamped=len(lat),
        )
    stop.set()
    for proc in GST_CHILDREN:
        proc.kill()
    return result


# -- anchor and driver (main process) ----------------------------------------------------------


def ffmpeg_anchor(urls: list[str], seconds: float) -> dict[str, Any]:
    """Decode-only CPU per frame of ``ffmpeg -rtsp_transport tcp -i URL -f null -``."""
    if not shutil.which("ffmpeg"):
        return {"error": "ffmpeg not installed (apt-get install ffmpeg)"}
    procs = [
        subprocess.Popen(
            [*FFMPEG_ANCHOR, url, *FFMPEG_SINK],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        for url in urls
    ]
    counts = [0] * len(procs)
    first: list[float | None] = [None] * len(procs)
    started = time.monotonic()

    def follow(i: int, proc: subprocess.Popen[str]) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("frame="):
                counts[i] = int(line.split("=", 1)[1])
                if counts[i] > 0 and first[i] is None:
                    first[i] = time.monotonic()

    readers = [
        threading.Thread(target=follow, args=(i, p), daemon=True) for i, p in enumerate(procs)
    ]
    for reader in readers:
        reader.start()
    try:
        deadline = started + 30
        while time.monotonic() < deadline and any(f is None for f in first):
            time.sleep(0.01)
        time.sleep(1.0)
        cpu0 = sum(proc_cpu_s(p.pid) for p in procs)
        frames0 = sum(counts)
        t0 = time.monotonic()
        time.sleep(seconds)
        elapsed = time.monotonic() - t0
        cpu = sum(proc_cpu_s(p.pid) for p in procs) - cpu0
        frames = sum(counts) - frames0
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    live = [f for f in first if f is not None]
    return {
        "all_live_s": round(max(live) - started, 3) if len(live) == len(procs) else None,
        "fps_mean": round(frames / elapsed / len(procs), 2),
        "cpu_cores": round(cpu / elapsed, 3),
        "cpu_ms_per_frame": round(1000 * cpu / frames, 3) if frames else None,
    }


def run_candidate(candidate: str, urls: list[str], healthy: int, seconds: float) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--worker", candidate, "--healthy", str(healthy)]
    cmd += ["--seconds", str(seconds), "--urls", *urls]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    lines = [line for line in out.stdout.splitlines() if line.startswith("{")]
    if not lines:
        return {"error": (out.stderr.strip().splitlines() or ["no output"])[-1]}
    return dict(json.loads(lines[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--streams", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--only", default=",".join(CANDIDATES))
    parser.add_argument("--kbps", type=int, default=1024, help="bitrate of the test streams")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--healthy", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--urls", nargs="*", help="measure these instead of our own server")
    args = parser.parse_args()

    if args.worker:
        urls = args.urls or []
        result = worker(args.worker, urls, args.healthy or len(urls), args.seconds)
        print(json.dumps(result), flush=True)
        os._exit(0)  # a black-hole open may still be blocked in C; do not wait for it

    from tests.rtsp_server import BlackHole, RtspServer

    names = [f"cam{i + 1:02d}" for i in range(args.streams)]
    server = RtspServer(mounts=names, kbps=args.kbps) if not args.urls else None
    report: dict[str, Any] = {
        "streams": len(args.urls or names),
        "size": "640x360@15",
        "kbps": args.kbps if not args.urls else None,
        "tile": f"{TILE[0]}x{TILE[1]}",
        "window_s": args.seconds,
        "cpus": os.cpu_count(),
    }
    try:
        if server:
            server.start()
        urls = args.urls or [server.url(n) for n in names]  # type: ignore[union-attr]
        report["ffmpeg"] = ffmpeg_anchor(urls, args.seconds)
        anchor = report["ffmpeg"].get("cpu_ms_per_frame")
        for candidate in args.only.split(","):
            if server:
                server.restart()  # every candidate starts from fresh media (first frame: IDR)
            result = run_candidate(candidate, urls, len(urls), args.seconds)
            if server:
                server.restart()
            with BlackHole() as hole:
                healthy = urls[:-1]
                blackhole = run_candidate(candidate, [*healthy, hole.url()], len(healthy), 0)
            result["blackhole_all_live_s"] = blackhole.get("all_live_s")
            if blackhole.get("errors"):
                result["blackhole_errors"] = blackhole["errors"]
            if anchor and result.get("cpu_ms_per_frame"):
                result["cpu_ratio"] = round(result["cpu_ms_per_frame"] / anchor, 3)
            report[candidate] = result
    finally:
        if server:
            server.stop()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
