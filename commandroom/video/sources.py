"""Decode paths behind a capture worker: our RTSP client + libavcodec, or libavformat.

Chosen by measurement (``bench/decode_paths.py``: 16 streams of 640x360@15, 1 Mbit/s, on the
2-core machine, scaled to 480x270 BGRA; ffmpeg decode-only anchor 0.64 ms CPU per frame):

    path                           all live   CPU/frame   latency p50/p95
    RtpSource (ours + libavcodec)   0.64 s     0.91 ms      4.6 / 13.6 ms
    PyAV av.open                    0.93 s     0.97 ms     72.4 / 81.4 ms
    OpenCV FFmpeg (tuned)           0.85 s     1.30 ms     78.6 / 94.3 ms
    gst-launch process per camera   3.75 s     1.45 ms      6.8 / 17.6 ms

libavformat holds every frame until the next one starts (a frame interval of latency);
our client hands a frame over at its RTP marker bit, as GStreamer does, without a process per
camera. ``AvSource`` (``av.open``) stays as the fallback for what our client does not speak:
other codecs, UDP-only servers, other schemes.

Both return decoded ``av.VideoFrame`` objects and raise ``SourceError`` with a ``Failure``.
Decoding runs single-threaded per camera: frame threading would add a frame of latency per
thread, and the wall already has one thread per camera to spread over the cores.
"""

from __future__ import annotations

import errno
import time
from collections.abc import Iterator
from typing import Protocol

import av
import av.error

from commandroom.video.lag import CatchUp
from commandroom.video.rtp import AccessUnit
from commandroom.video.rtsp import RtspClient
from commandroom.video.rtsp_proto import Failure, RtspError, mask_url

SourceError = RtspError

AV_SCHEMES = ("rtsp", "rtsps", "rtmp", "http", "https", "file", "udp", "tcp", "srt")


class Source(Protocol):
    def open(self) -> None: ...

    def read(self, wait: float) -> list[av.VideoFrame]:
        """Frames decoded from what arrived within ``wait`` seconds ([] when nothing did)."""

    def source_errors(self) -> int:
        """Decode errors and stream losses since the last call."""

    def source_skips(self) -> int:
        """Frames left undecoded to catch up with the camera since the last call."""

    def abort(self) -> None:
        """From another thread: make a blocked open/read return soon."""

    def close(self) -> None: ...


def new_decoder(codec: str) -> av.VideoCodecContext:
    decoder = av.CodecContext.create(codec, "r")
    assert isinstance(decoder, av.VideoCodecContext)
    decoder.thread_count = 1
    return decoder


class RtpSource:
    """Our RTSP client; a frame is decoded as soon as its last RTP packet arrives."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.client: RtspClient | None = None
        self.decoder: av.VideoCodecContext | None = None
        self.prefix = b""
        self.waiting_for_key = True
        self.errors = 0
        self.seen_losses = 0
        self.catch_up = CatchUp(90000, mask_url(url))

    def open(self) -> None:
        self.client = RtspClient(self.url, timeout=self.timeout)  # raises BAD_URL if need be
        info = self.client.open()
        self.decoder = new_decoder(info.codec)
        self.prefix = info.parameter_sets
        self.catch_up = CatchUp(info.clock_rate, self.client.masked)

    def read(self, wait: float) -> list[av.VideoFrame]:
        if self.client is None or self.decoder is None:
            return []
        unit = self.client.read(wait)
        return [] if unit is None else self._decode(unit)

    def receive(self) -> None:
        """Read what has arrived, without waiting (for ``video/pump.py``)."""
        if self.client is not None:
            self.client.receive_available()

    def take(self) -> Iterator[list[av.VideoFrame]]:
        """The frames of each unit that has arrived, a unit at a time (for ``video/pump.py``).

        One at a time, so that the rest counts as backlog for ``catch_up``, and a camera that
        sends many at once (a joining viewer gets the last GOP) has one unit's frames in
        memory, not a GOP's: 16 cameras joining at once kept 56 MB more in the wall's
        processes when a tick decoded every unit before publishing any."""
        self.receive()
        client = self.client
        while client is not None and client.pending and self.decoder is not None:
            yield self._decode(client.pending.pop(0))

    def _decode(self, unit: AccessUnit) -> list[av.VideoFrame]:
        assert self.client is not None and self.decoder is not None
        if self.client.losses != self.seen_losses:
            self.errors += self.client.losses - self.seen_losses
            self.seen_losses = self.client.losses
            self.waiting_for_key = True  # a hole in the stream: wait for a clean picture
        if self.catch_up.skip(unit.rtp_time, unit.arrival, unit.keyframe, self.client.backlog):
            self.waiting_for_key = True
            return []
        if self.waiting_for_key:
            if not unit.keyframe:
                return []  # joined mid-GOP: a partial picture would show grey smears
            self.waiting_for_key = False
        try:
            frames = self.decoder.decode(av.Packet(self.prefix + unit.data))
        except av.error.FFmpegError:
            self.errors += 1
            self.waiting_for_key = True
            return []
        self.prefix = b""
        return frames

    @property
    def skipped(self) -> int:
        """Access units left undecoded to catch up with the camera."""
        return self.catch_up.skipped

    def source_errors(self) -> int:
        errors, self.errors = self.errors, 0
        return errors

    def source_skips(self) -> int:
        return self.catch_up.new_skips()

    def abort(self) -> None:
        client = self.client
        if client is not None:
            client.abort()

    def close(self) -> None:
        if self.client is not None:
            self.client.close()


def _av_failure(exc: BaseException, url: str) -> SourceError:
    masked = mask_url(url)
    text = mask_url(str(exc)).replace(url, masked)
    if isinstance(exc, av.error.HTTPUnauthorizedError | av.error.HTTPForbiddenError):
        return SourceError(Failure.UNAUTHORISED, f"{masked}: unauthorised")
    if isinstance(exc, av.error.HTTPNotFoundError):
        return SourceError(Failure.NOT_FOUND, f"{masked}: not found")
    if isinstance(exc, ConnectionRefusedError):
        return SourceError(Failure.REFUSED, f"{masked}: connection refused")
    if isinstance(exc, TimeoutError | av.error.ExitError):
        return SourceError(Failure.NO_ANSWER, f"{masked}: no answer")
    if isinstance(exc, OSError) and exc.errno in (errno.ENOENT, errno.EINVAL):
        return SourceError(Failure.BAD_URL, f"{masked}: {exc.strerror or 'invalid'}")
    if isinstance(exc, OSError) and exc.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH):
        return SourceError(Failure.UNREACHABLE, f"{masked}: unreachable")
    if isinstance(exc, av.error.EOFError):
        return SourceError(Failure.CLOSED, f"{masked}: end of stream")
    return SourceError(Failure.PROTOCOL, f"{masked}: {type(exc).__name__}: {text}"[:300])


# A packet that libavformat hands over sooner than this after being asked was waiting
# already: the stream is read behind its arrival (``CatchUp``'s backlog). Read as it comes,
# a call waits for the camera's next frame (67 ms at 15 fps, less after a burst); reading a
# backlog on a loaded machine, a call can take a few ms (2 ms misjudged one in five runs
# of tests/video/test_sources.py beside two busy loops).
_WAITING_S = 0.02
_TICKS_PER_S = 90000  # packet times are turned into a 90 kHz clock for ``CatchUp``


class AvSource:
    """libavformat's demuxer (``av.open``): any scheme and codec FFmpeg knows, one frame
    interval later than ``RtpSource`` on RTSP. Its blocking calls end by PyAV's timeouts.
    A reader that fell behind skips ahead as ``RtpSource`` does (``CatchUp``); libavformat
    does not say what is buffered, so a packet that came within ``_WAITING_S`` counts as
    waiting."""

    def __init__(self, url: str, timeout: float) -> None:
        self.url = url
        self.timeout = timeout
        self.container: av.container.InputContainer | None = None
        self.stream: av.VideoStream | None = None
        self.packets: object = None
        self.errors = 0
        self.catch_up = CatchUp(_TICKS_PER_S, mask_url(url))
        self.seconds_per_pts = 0.0
        self.waiting_for_key = False

    def open(self) -> None:
        scheme = self.url.partition("://")[0].lower() if "://" in self.url else "file"
        if scheme not in AV_SCHEMES:
            raise SourceError(Failure.BAD_URL, f"unsupported address {mask_url(self.url)}")
        options = {"analyzeduration": "500000", "probesize": "500000", "fflags": "nobuffer"}
        if scheme in ("rtsp", "rtsps"):
            options["rtsp_transport"] = "tcp"
        try:
            container = av.open(self.url, options=options, timeout=(self.timeout, self.timeout))
        except (av.error.FFmpegError, OSError) as exc:
            raise _av_failure(exc, self.url) from None
        if not container.streams.video:
            container.close()
            raise SourceError(Failure.UNSUPPORTED, f"{mask_url(self.url)}: no video stream")
        self.container = container
        self.stream = container.streams.video[0]
        self.stream.codec_context.thread_count = 1
        self.seconds_per_pts = float(self.stream.time_base or 0)
        self.packets = container.demux(self.stream)

    def read(self, wait: float) -> list[av.VideoFrame]:
        del wait  # libavformat blocks until a packet or its own timeout
        if self.container is None or self.packets is None:
            return []
        asked = time.monotonic()
        try:
            packet = next(self.packets)  # type: ignore[call-overload]
        except StopIteration:
            raise SourceError(Failure.CLOSED, f"{mask_url(self.url)}: end of stream") from None
        except (av.error.FFmpegError, OSError) as exc:
            raise _av_failure(exc, self.url) from None
        if self._late(packet, asked):
            self.waiting_for_key = True
            return []
        if self.waiting_for_key:
            if not packet.is_keyframe:
                return []  # what follows a skipped packet refers to it
            self.waiting_for_key = False
        try:
            return list(packet.decode())
        except av.error.FFmpegError:
            self.errors += 1
            return []

    def source_errors(self) -> int:
        errors, self.errors = self.errors, 0
        return errors

    def _late(self, packet: av.Packet, asked: float) -> bool:
        if packet.pts is None or self.seconds_per_pts <= 0 or packet.size == 0:
            return False
        arrival = time.monotonic()
        ticks = round(packet.pts * self.seconds_per_pts * _TICKS_PER_S) & 0xFFFFFFFF
        waiting = arrival - asked < _WAITING_S
        return self.catch_up.skip(ticks, arrival, packet.is_keyframe, lambda: waiting)

    @property
    def skipped(self) -> int:
        return self.catch_up.skipped

    def source_skips(self) -> int:
        return self.catch_up.new_skips()

    def abort(self) -> None:
        pass  # PyAV's timeout ends a blocked call within ``timeout`` seconds

    def close(self) -> None:
        container, self.container = self.container, None
        self.packets = None
        if container is not None:
            container.close()
