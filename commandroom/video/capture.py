"""The capture worker for a real camera: connect, decode, scale, publish; reconnect forever.

One thread per camera on screen (Frigate's watchdog-per-camera, STYLE.md practice 9), so that
nothing a camera does (refuse, hang after the handshake, ask for a password, send garbage)
can reach another camera's thread. Under ``COMMANDROOM_PUMP=on`` a playing RTP stream is
read and decoded by the process's pump instead (``video/pump.py``: one thread on a tick)
while the camera's thread waits for the stream to end. Each blocking step has a timeout, and
``close()`` aborts the socket so the thread ends at once instead of after a timeout.

Reconnects follow ``policy.backoff_delay`` (first retry within a second, slower for long
outages, with jitter). While a camera that *refused* waits for its next attempt, the worker
knocks on its TCP port twice a second (a SYN, nothing sent): a rebooted camera is back on the
wall within a second of listening again, however long the backoff had grown.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections.abc import Callable
from typing import cast

import av
import numpy as np
import numpy.typing as npt

from commandroom.video.core import CaptureCore, Phase
from commandroom.video.policy import CapturePolicy, backoff_delay
from commandroom.video.pump import shared_pump
from commandroom.video.rtsp_proto import Failure, RtspError, Target, mask_url
from commandroom.video.sources import AvSource, RtpSource, Source, SourceError
from commandroom.video.tile_scaler import TileScaler, fast_size

# While waiting after these failures, a cheap TCP probe tells when the camera listens again.
_KNOCK_AFTER = {Failure.REFUSED, Failure.UNREACHABLE}
# Poll cadence of a streaming worker: how often it looks at stall/closing while no frame comes.
_POLL_S = 0.5


def _native_of(frame: av.VideoFrame) -> npt.NDArray[np.uint8]:
    """Full-resolution BGRA of a decoded frame (for snapshots; runs in the caller's thread)."""
    image = cast("npt.NDArray[np.uint8]", frame.reformat(format="bgra").to_ndarray())
    return np.ascontiguousarray(image)


def _native_later(frame: av.VideoFrame) -> Callable[[], npt.NDArray[np.uint8] | None]:
    """Defer the full-size conversion until somebody asks for a snapshot."""
    return lambda: _native_of(frame)


class StreamCapture(CaptureCore):
    """A ``Capture`` for an ``rtsp://`` (or other FFmpeg-readable) URL."""

    def __init__(
        self,
        url: str,
        *,
        size: tuple[int, int] | None = None,
        name: str = "",
        policy: CapturePolicy | None = None,
        rng: random.Random | None = None,
    ) -> None:
        super().__init__(mask_url(url), size, name, policy)
        self._url = url
        self._rng = rng or random.Random()
        self._use_av = not url.lower().startswith("rtsp://")
        self._source: Source | None = None
        self._source_lock = threading.Lock()
        self._pump = shared_pump()
        self._start_worker(self._run)

    # -- worker ------------------------------------------------------------------------
    def _make_source(self) -> Source:
        timeout = self.policy.open_timeout_s
        return AvSource(self._url, timeout) if self._use_av else RtpSource(self._url, timeout)

    def _run(self) -> None:
        attempt = 0
        while not self.closing:
            self.set_phase(Phase.OPENING, attempt=attempt)
            source = self._make_source()
            with self._source_lock:
                self._source = source
            if self.closing:  # close() ran before the source was visible to abort()
                break
            failure, message, streamed = Failure.PROTOCOL, "", False
            try:
                source.open()
                self.set_phase(Phase.STREAMING)
                streamed = self._stream(source)
            except SourceError as exc:
                failure, message = exc.failure, str(exc)
            except Exception as exc:  # a worker must survive any camera
                failure = Failure.PROTOCOL
                message = mask_url(f"{self.masked_url}: {type(exc).__name__}: {exc}")
            finally:
                with self._source_lock:
                    self._source = None
                try:
                    self.count_decode_errors(source.source_errors())
                    source.close()
                except Exception:  # closing a broken source may fail too
                    pass
            if self.closing:
                break
            if failure is Failure.UNSUPPORTED and not self._use_av:
                self._use_av = True  # e.g. MJPEG or UDP-only: libavformat can read it
                continue
            attempt = 1 if streamed else attempt + 1
            self.count_reconnect()
            self.set_phase(Phase.WAITING, attempt=attempt, failure=failure, message=message)
            self._wait(backoff_delay(attempt, self.policy, self._rng), failure)
        self._mark_closed()

    def _stream(self, source: Source) -> bool:
        """Decode and publish until the source fails (raises) or close(); True if any frame.

        An RTP source is read by the process's pump (``video/pump.py``) when it is on and
        has time to spare: this thread then only waits for the stream to end."""
        streaming = Streaming(self, source)
        pump = self._pump
        if pump is not None and isinstance(source, RtpSource) and pump.run(streaming):
            return streaming.published
        while not self.closing:
            streaming.feed(source.read(_POLL_S), time.monotonic())
        return streaming.published

    def _wait(self, delay: float, failure: Failure) -> None:
        """Sleep until the next attempt; knock on the port after a refusal."""
        deadline = time.monotonic() + delay
        knock = failure in _KNOCK_AFTER and self._url.lower().startswith("rtsp://")
        while not self.closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            if self.wait_closing(min(remaining, self.policy.knock_every_s)):
                return
            self.observe()
            if knock and self._port_listens():
                return

    def _port_listens(self) -> bool:
        try:
            target = Target.parse(self._url)
            with socket.create_connection((target.host, target.port), timeout=0.3):
                return True
        except (OSError, RtspError):
            return False

    # -- control ------------------------------------------------------------------------
    def close(self) -> None:
        """Stop the worker now (abort its socket) and join it; idempotent."""
        self._closing.set()
        with self._source_lock:
            source = self._source
        if source is not None:
            source.abort()
        # AvSource cannot be interrupted; its own timeout bounds the wait.
        self._join_worker(self.policy.open_timeout_s + 2.0)
        self._mark_closed()


class Streaming:
    """What a stream's frames go through, whichever thread reads them (the capture's own, or
    the pump's): scaling into the tile's buffer, publishing, the counts, and the silence
    that ends the stream."""

    def __init__(self, capture: StreamCapture, source: Source) -> None:
        self.capture = capture
        self.source = source
        self.scaler = TileScaler()
        self.last_data = time.monotonic()
        self.published = False

    @property
    def closing(self) -> bool:
        return self.capture.closing

    def fileno(self) -> int | None:
        client = self.source.client if isinstance(self.source, RtpSource) else None
        sock = client.sock if client is not None else None
        return sock.fileno() if sock is not None else None

    def receive(self) -> None:
        """Data came (the pump's selector): read it now, decode it at the tick."""
        assert isinstance(self.source, RtpSource)
        self.source.receive()

    def pump_once(self, now: float) -> None:
        """The pump's tick: publish the frames of what has arrived, a unit at a time."""
        assert isinstance(self.source, RtpSource)
        fed = False
        for frames in self.source.take():
            if frames:
                self.feed(frames, now)
                fed = True
        if not fed:
            self.feed([], now)  # the counts, and the silence that ends a stream

    def feed(self, frames: list[av.VideoFrame], now: float) -> None:
        """Publish ``frames`` (read at monotonic ``now``); raise NO_ANSWER after a silence."""
        capture, source = self.capture, self.source
        capture.count_decode_errors(source.source_errors())
        skips = source.source_skips()
        if skips:
            capture.count_skipped(skips)
            self.last_data = now  # catching up with the camera is not silence
        if not frames:
            if now - self.last_data >= capture.policy.read_timeout_s:
                raise SourceError(
                    Failure.NO_ANSWER,
                    f"{capture.masked_url}: no picture for {capture.policy.read_timeout_s:g}s",
                )
            capture.observe()
            return
        self.last_data = now
        for frame in frames:
            decoded = (frame.width, frame.height)
            wanted = capture.size
            width, height = decoded if wanted is None else fast_size(decoded, wanted)
            image = self.scaler(frame, capture.tile_buffer(width, height))
            capture.publish(image, decoded, _native_later(frame))
            self.published = True
