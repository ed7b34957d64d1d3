"""A real RTSP server for the video tests and bench/, run by Debian's ``/usr/bin/python3``.

It uses gst-rtsp-server through PyGObject (``gir1.2-gst-rtsp-server-1.0``), which only the
system Python has, so this file imports nothing but the standard library and ``gi``: the
venv's packages (numpy, commandroom) are not available here. ``tests/rtsp_server.py`` starts
it as a subprocess; run it by hand with ``/usr/bin/python3 tests/rtsp_serve.py --help``.

Mounts (all H.264 over RTP, 640x360@15 unless told otherwise):

- ``--mount NAME``: a moving picture we generate ourselves (an ``appsrc``), with the mount's
  name and a clock drawn by GStreamer, and the wall-clock milliseconds at which the frame was
  produced written as a row of black/white cells along the top edge. The layout matches
  ``commandroom.video.stamp.FrameStamp``, so a reader can measure latency from the decoded
  picture (the tests check both sides agree through a real decode).
- ``--secure NAME:USER:PASSWORD``: the same, behind RTSP basic authentication.
- ``--replay SECONDS``: the two above are encoded once, at start (before the server listens),
  as a loop of that many seconds, then sent on the wall clock: the server costs packetising
  only, as cameras elsewhere on the network cost a station nothing (16 live encoders take
  about one of this machine's two cores). Each frame's stamp is then its place in the loop,
  which it is sent at (``encode_loop``); ``tests.rtsp_server.RtspServer.latency_ms`` reads it.
- ``--frozen NAME``: static colour bars (``smpte75``: plain ``smpte`` has a noise patch in a
  corner); frames keep arriving but the picture never changes.

Notes learnt the hard way (see issue 3): the server's thread pool defaults to one thread, so
one client's media preparation would block every other client, and its listen backlog is
small, so simultaneous connects beyond it wait a second for the kernel's SYN retry.
``config-interval=-1`` repeats SPS/PPS with every IDR frame so FFmpeg-based readers can start
at any key frame, but it also puts them between the slices of a multi-slice IDR frame, which
FFmpeg 5.1 then decodes as "corrupt decoded frame" (measured): x264 runs with ``threads=1``,
one slice per frame, as most cameras send. An appsrc refuses buffers until its media runs, so
the pusher waits for PLAYING. Factories are shared so N readers of a mount cost one encoder.

The process prints ``READY <port>`` once it listens and exits cleanly on SIGTERM/SIGINT.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstRtspServer", "1.0")
from gi.repository import GLib, Gst, GstRtspServer  # noqa: E402

# Must match commandroom/video/stamp.py.
STAMP_CELLS = 64
STAMP_VALUE_BITS = 48
STAMP_WHITE = 235  # video-range luma: decodes to ~255
STAMP_BLACK = 16  # decodes to ~0

ENCODE = (
    "x264enc tune=zerolatency speed-preset={preset} key-int-max={gop} bframes=0 threads=1 "
    "bitrate={kbps} ! video/x-h264,profile={profile}"
)
PAY = "rtph264pay name=pay0 pt=96 config-interval=-1"
ENCODER = f"{ENCODE} ! {PAY}"


def stamp_bits(value_ms: int) -> list[int]:
    """The 64 cells (1 = white) for one stamp: sync, 48-bit value, checksum, end marker."""
    value = value_ms & ((1 << STAMP_VALUE_BITS) - 1)
    bits = [1, 0]
    bits += [(value >> (STAMP_VALUE_BITS - 1 - i)) & 1 for i in range(STAMP_VALUE_BITS)]
    checksum = (sum(value.to_bytes(6, "big")) & 0xFF) ^ 0xA5
    bits += [(checksum >> (7 - i)) & 1 for i in range(8)]
    bits += [1 - (i % 2) for i in range(STAMP_CELLS - len(bits))]  # 1,0,1,0,1,0
    return bits


def stamp_row(value_ms: int, width: int) -> bytes:
    """One luma row of the stamp strip; cell i covers x in [i*w//64, (i+1)*w//64)."""
    row = bytearray(width)
    for i, bit in enumerate(stamp_bits(value_ms)):
        lo, hi = i * width // STAMP_CELLS, (i + 1) * width // STAMP_CELLS
        row[lo:hi] = bytes([STAMP_WHITE if bit else STAMP_BLACK]) * (hi - lo)
    return bytes(row)


class Picture:
    """Builds I420 frames cheaply in pure Python: a tall background scrolled vertically
    (one slice per plane), with the stamp strip pasted over the top rows."""

    def __init__(self, width: int, height: int, hue: int) -> None:
        self.width, self.height = width, height
        self.strip = max(2, (width // STAMP_CELLS) // 2 * 2)  # even, so chroma rows align
        cw, ch = width // 2, height // 2
        cols = [50.0 * math.sin(2 * math.pi * x / 160.0) for x in range(width)]
        rows = [60.0 * math.sin(2 * math.pi * y / 90.0) for y in range(2 * height)]
        # Fine texture (fixed noise) scrolling with the bands makes the encoder and decoder
        # work like on a real street scene; a smooth picture decodes at half the cost and
        # would flatter every overhead measured against ffmpeg.
        noise = random.Random(hue).randbytes(2 * height * width)
        luma = bytearray()
        for y in range(2 * height):
            base = 128.0 + rows[y] - (40.0 if (y // 30) % 2 else 0.0) - 24
            row_noise = noise[y * width : (y + 1) * width]
            luma += bytes(
                max(16, min(235, int(base + c) + (n >> 3)))
                for c, n in zip(cols, row_noise, strict=True)
            )
        self.luma = bytes(luma)
        u = 128 + int(60 * math.cos(hue / 7.0))
        v = 128 + int(60 * math.sin(hue / 7.0))
        grey_rows = self.strip // 2
        self.u = bytes([128]) * (grey_rows * cw) + bytes([u]) * ((ch - grey_rows) * cw)
        self.v = bytes([128]) * (grey_rows * cw) + bytes([v]) * ((ch - grey_rows) * cw)
        self.offset = (hue * 37) % height

    def frame(self, stamp_ms: int) -> bytes:
        w, h = self.width, self.height
        self.offset = (self.offset + 3) % h
        top = self.offset * w
        strip = stamp_row(stamp_ms, w) * self.strip
        body = self.luma[top + len(strip) : top + w * h]
        return strip + body + self.u + self.v


class Pusher:
    """Feeds one media's appsrc at the frame rate until the media is unprepared."""

    def __init__(self, appsrc: Gst.Element, picture: Picture, fps: int) -> None:
        self.appsrc, self.picture, self.fps = appsrc, picture, fps
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        period = 1.0 / self.fps
        next_t = time.monotonic()
        while not self.stop.is_set():
            # Only push once the media plays: a buffer queued while the media is still
            # preparing gets a timestamp from before the pipeline's base time, and the
            # server's sink then waits for it (measured: a client sees no frame at all).
            if self.appsrc.get_state(0)[1] != Gst.State.PLAYING:
                next_t = time.monotonic() + 0.005
                self.stop.wait(0.005)
                continue
            data = self.picture.frame(int(time.time() * 1000))
            # new_wrapped() would hand GStreamer a pointer into a Python bytes object that is
            # freed and reused while the encoder still reads it: copy into GStreamer's memory.
            buf = Gst.Buffer.new_allocate(None, len(data), None)
            buf.fill(0, data)
            self.appsrc.emit("push-buffer", buf)  # FLUSHING until the media runs: ignore
            next_t += period
            delay = next_t - time.monotonic()
            if delay < -period:  # fell behind (machine busy): skip, do not burst
                next_t = time.monotonic()
                delay = 0.0
            self.stop.wait(max(0.0, delay))


def phase_ms(index: int, fps: int) -> int:
    """Where in a frame interval mount ``index`` sends its frames. Cameras do not share a
    clock: on one schedule, all 16 mounts' frames reached the wall at the same moment and its
    16 capture threads fought over the GIL (24 futex calls a frame instead of 2.5)."""
    return index * 37 % (1000 // fps)


def encode_loop(picture: Picture, name: str, index: int, args: argparse.Namespace) -> list[bytes]:
    """``--replay`` seconds of the mount's picture encoded as the live mount would encode it
    (name drawn, same x264 settings): one access unit per frame.

    Frame i carries ``phase_ms + i * 1000 // fps`` in its stamp: its place in the loop in
    milliseconds. The replayer sends frame i when the wall clock modulo the loop's length is
    that value, so a reader measures latency as (arrival - stamp) modulo the loop, as it
    would from a live stamp, while the server spends no encoder on it."""
    caps = f"video/x-raw,format=I420,width={args.width},height={args.height},framerate={args.fps}/1"
    encode = ENCODE.format(gop=args.gop, kbps=args.kbps, preset=args.preset, profile=args.profile)
    font = max(8, args.height // 24)
    pipeline = Gst.parse_launch(
        f'appsrc name=src format=time caps="{caps}" block=true max-buffers=4 '
        f'! textoverlay text="{name}" valignment=bottom halignment=left font-desc="Sans {font}" '
        f"! {encode},stream-format=byte-stream,alignment=au ! appsink name=sink sync=false"
    )
    appsrc = pipeline.get_by_name("src")
    pipeline.set_state(Gst.State.PLAYING)
    period = Gst.SECOND // args.fps
    phase = phase_ms(index, args.fps)
    for i in range(args.replay * args.fps):
        data = picture.frame(phase + i * 1000 // args.fps)
        buf = Gst.Buffer.new_allocate(None, len(data), None)
        buf.fill(0, data)
        buf.pts, buf.duration = i * period, period
        appsrc.emit("push-buffer", buf)
    appsrc.emit("end-of-stream")
    sink = pipeline.get_by_name("sink")
    units: list[bytes] = []
    while True:
        sample = sink.emit("pull-sample")  # None at end of stream
        if sample is None:
            break
        buf = sample.get_buffer()
        ok, info = buf.map(Gst.MapFlags.READ)
        if ok:
            units.append(bytes(info.data))
            buf.unmap(info)
    pipeline.set_state(Gst.State.NULL)
    return units


class Replayer:
    """Sends one mount's encoded loop at the frame rate, on the wall clock's schedule (see
    ``encode_loop``)."""

    def __init__(
        self, appsrc: Gst.Element, units: list[bytes], fps: int, gop: int, phase: int
    ) -> None:
        self.appsrc, self.units, self.fps, self.gop = appsrc, units, fps, gop
        self.phase = phase
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def due_ms(self, index: int) -> int:
        """When frame ``index`` is due, in ms from the start of its loop (its stamp)."""
        return self.phase + index * 1000 // self.fps

    def join_at(self, now_ms: float, loop_ms: int) -> tuple[int, int]:
        """(index, start of its loop in wall ms) of the last key frame due by ``now_ms``: the
        frames from it up to now go out at once, as a camera starts a new viewer at its last
        key frame (waiting for the next one would delay a first picture by up to a GOP)."""
        start = int(now_ms // loop_ms) * loop_ms
        place = max(0, int((now_ms - start - self.phase) * self.fps // 1000))
        return place // self.gop * self.gop, start

    def timestamp(self, late_ms: float, last: int) -> int:
        """The running time a frame ``late_ms`` past its due time was due at: frames sent at
        once when a viewer joins keep their spacing, as a camera's would (with the time of
        sending, they shared a timestamp and ffmpeg complained of their dts)."""
        clock = self.appsrc.get_clock()
        now = clock.get_time() - self.appsrc.get_base_time() if clock else 0
        return max(now - int(max(0.0, late_ms) * Gst.MSECOND), last + 1, 0)

    def run(self) -> None:
        loop_ms = len(self.units) * 1000 // self.fps
        index: int | None = None
        start = pts = 0
        while not self.stop.is_set():
            if self.appsrc.get_state(0)[1] != Gst.State.PLAYING:
                index = None
                self.stop.wait(0.005)
                continue
            now_ms = time.time() * 1000
            if index is None:
                index, start = self.join_at(now_ms, loop_ms)
            due = start + self.due_ms(index)
            if now_ms - due > 1000 + self.due_ms(self.gop):  # far behind: rejoin at a key frame
                index = None
                continue
            if due > now_ms and self.stop.wait((due - now_ms) / 1000):
                break
            buf = Gst.Buffer.new_allocate(None, len(self.units[index]), None)
            buf.fill(0, self.units[index])
            buf.pts = pts = self.timestamp(time.time() * 1000 - due, pts)
            self.appsrc.emit("push-buffer", buf)
            index += 1
            if index == len(self.units):
                index, start = 0, start + loop_ms


class Server:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.server = GstRtspServer.RTSPServer()
        self.server.set_address(args.host)
        self.server.set_service(str(args.port))
        pool = self.server.get_thread_pool()
        pool.set_max_threads(args.threads)
        # The listen backlog defaults to 5: a wall opening 16 cameras at once had 6 SYNs
        # dropped, and the kernel retries those after a full second (measured).
        self.server.set_backlog(128)
        self.pictures: dict[str, Picture] = {}
        self.pushers: list[Pusher | Replayer] = []
        self.lock = threading.Lock()
        self.loops = self.encode_loops() if args.replay else {}

        auth = GstRtspServer.RTSPAuth()
        anon = GstRtspServer.RTSPToken()
        anon.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, "anonymous")
        auth.set_default_token(anon)
        mounts = self.server.get_mount_points()
        caps = (
            f"video/x-raw,format=I420,width={args.width},height={args.height},"
            f"framerate={args.fps}/1"
        )
        encoder = ENCODER.format(
            gop=args.gop, kbps=args.kbps, preset=args.preset, profile=args.profile
        )
        for index, name in enumerate(args.mount):
            mounts.add_factory(f"/{name}", self.moving(name, index, caps, encoder, "anonymous"))
        for index, spec in enumerate(args.secure, start=len(args.mount)):
            name, user, password = spec.split(":", 2)
            token = GstRtspServer.RTSPToken()
            token.set_string(GstRtspServer.RTSP_TOKEN_MEDIA_FACTORY_ROLE, f"user-{name}")
            auth.add_basic(GstRtspServer.RTSPAuth.make_basic(user, password), token)
            mounts.add_factory(f"/{name}", self.moving(name, index, caps, encoder, f"user-{name}"))
        for name in args.frozen:
            factory = GstRtspServer.RTSPMediaFactory()
            factory.set_launch(
                f"( videotestsrc is-live=true pattern=smpte75 ! {caps} ! {encoder} )"
            )
            factory.set_shared(True)
            self.allow(factory, "anonymous")
            mounts.add_factory(f"/{name}", factory)
        self.server.set_auth(auth)

    def encode_loops(self) -> dict[str, list[bytes]]:
        """Every moving mount's loop, encoded before the server listens (a few seconds)."""
        args = self.args
        names = list(args.mount) + [spec.split(":", 1)[0] for spec in args.secure]
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
            loops = pool.map(
                lambda item: encode_loop(
                    Picture(args.width, args.height, item[0]), item[1], item[0], args
                ),
                enumerate(names),
            )
            return dict(zip(names, loops, strict=True))

    @staticmethod
    def allow(factory: GstRtspServer.RTSPMediaFactory, role: str) -> None:
        """Let ``role`` play the mount. Anonymous clients may always *see* a mount (access),
        because gst-rtsp-server answers a missing access right with 404 but a missing
        construct right with 401 + WWW-Authenticate, which is what a camera does."""
        access = GstRtspServer.RTSP_PERM_MEDIA_FACTORY_ACCESS
        construct = GstRtspServer.RTSP_PERM_MEDIA_FACTORY_CONSTRUCT
        perms = GstRtspServer.RTSPPermissions()
        perms.add_permission_for_role("anonymous", access, True)
        perms.add_permission_for_role("anonymous", construct, role == "anonymous")
        if role != "anonymous":
            perms.add_permission_for_role(role, access, True)
            perms.add_permission_for_role(role, construct, True)
        factory.set_permissions(perms)

    def moving(
        self, name: str, index: int, caps: str, encoder: str, role: str
    ) -> GstRtspServer.RTSPMediaFactory:
        factory = GstRtspServer.RTSPMediaFactory()
        units = self.loops.get(name)
        if units is not None:
            factory.set_launch(
                "( appsrc name=src is-live=true format=time "
                'caps="video/x-h264,stream-format=byte-stream,alignment=au" '
                f"! {PAY} )"
            )
        else:
            font = max(8, self.args.height // 24)
            factory.set_launch(
                f"( appsrc name=src is-live=true do-timestamp=true format=time "
                f'caps="{caps}" max-buffers=2 leaky-type=downstream '
                f'! textoverlay text="{name}" valignment=bottom halignment=left '
                f'font-desc="Sans {font}" '
                f'! clockoverlay valignment=bottom halignment=right time-format="%H:%M:%S" '
                f'font-desc="Sans {font}" ! {encoder} )'
            )
        factory.set_shared(True)
        self.allow(factory, role)
        fps = self.args.fps
        feed: Callable[[Gst.Element], Pusher | Replayer]
        if units is not None:
            phase = phase_ms(index, fps)
            feed = lambda appsrc: Replayer(appsrc, units, fps, self.args.gop, phase)  # noqa: E731
        else:
            picture = Picture(self.args.width, self.args.height, index)
            feed = lambda appsrc: Pusher(appsrc, picture, fps)  # noqa: E731
        factory.connect("media-configure", self.on_media_configure, feed)
        return factory

    def on_media_configure(
        self,
        _factory: GstRtspServer.RTSPMediaFactory,
        media: GstRtspServer.RTSPMedia,
        feed: Callable[[Gst.Element], Pusher | Replayer],
    ) -> None:
        pusher = feed(media.get_element().get_child_by_name("src"))
        media.connect("unprepared", lambda _media: pusher.stop.set())
        with self.lock:
            self.pushers = [p for p in self.pushers if not p.stop.is_set()] + [pusher]

    def run(self) -> None:
        loop = GLib.MainLoop()
        if self.server.attach(None) == 0:
            print(f"cannot listen on {self.args.host}:{self.args.port}", file=sys.stderr)
            sys.exit(2)
        for signum in (signal.SIGTERM, signal.SIGINT):
            GLib.unix_signal_add(GLib.PRIORITY_HIGH, signum, loop.quit)
        print(f"READY {self.server.get_bound_port()}", flush=True)
        loop.run()
        with self.lock:
            for pusher in self.pushers:
                pusher.stop.set()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8554)
    parser.add_argument("--width", type=int, default=640)
    parser.add_argument("--height", type=int, default=360)
    parser.add_argument("--fps", type=int, default=15)
    parser.add_argument("--gop", type=int, default=15, help="key-int-max of x264enc")
    parser.add_argument("--kbps", type=int, default=1024, help="x264enc bitrate")
    parser.add_argument(
        "--preset",
        default="ultrafast",
        help="x264enc speed-preset: ultrafast (cheapest for the tests; no CABAC, no deblocking)"
        " or e.g. superfast, which with --profile main encodes as cameras do",
    )
    parser.add_argument("--profile", default="constrained-baseline", help="H.264 profile")
    parser.add_argument(
        "--replay",
        type=int,
        default=0,
        metavar="SECONDS",
        help="serve --mount/--secure from a loop of this many seconds encoded at start, as"
        " cameras elsewhere would: the server then costs packetising only (0: encode live)",
    )
    parser.add_argument("--threads", type=int, default=64, help="RTSP thread pool size")
    parser.add_argument("--mount", action="append", default=[], metavar="NAME")
    parser.add_argument("--secure", action="append", default=[], metavar="NAME:USER:PASS")
    parser.add_argument("--frozen", action="append", default=[], metavar="NAME")
    args = parser.parse_args()
    Gst.init(None)
    Server(args).run()


if __name__ == "__main__":
    main()
