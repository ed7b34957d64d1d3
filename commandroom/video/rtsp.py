"""A small RTSP client (RTP interleaved over TCP) that hands whole H.264/H.265 access units
to a decoder the moment their last packet arrives.

Why our own client instead of libavformat's RTSP demuxer (OpenCV, PyAV ``av.open``, ffmpeg):
libavformat runs every RTSP H.264 stream through its H.264 parser, which can only tell that a
frame ended when the *next* frame starts, so every FFmpeg-based reader shows a frame one
frame interval late (measured: 72-77 ms at 15 fps; ffmpeg's CLI 139 ms). RTP marks the last
packet of a frame (the marker bit); GStreamer's depayloader uses it and gets 6 ms. Doing the
same here and decoding with libavcodec (PyAV) gets the same floor. It also tells failures
apart precisely (401, 404, refused, DNS, silence), which the state shown on a tile needs, and
opens in a few round trips with no stream probing. Anything it does not handle (other
schemes, codecs, UDP-only servers) falls back to ``av.open`` in ``decode.py``.

Scope, on purpose: one video track, RTP/AVP/TCP interleaved, Basic and Digest (MD5)
authentication, H.264 (single NAL, STAP-A, FU-A) and H.265 (single, AP, FU) payloads,
OPTIONS keep-alives. Every socket operation has a timeout, so a camera that accepts the
connection and then says nothing costs its own worker a timeout and nobody else anything.

This module is the connection; the socket-free pieces live in ``rtsp_proto.py`` (failures,
URLs, authentication, SDP) and ``rtp.py`` (RTP depacketizing).
"""

from __future__ import annotations

import contextlib
import re
import socket
import struct
import time

from commandroom.video.rtp import AccessUnit, Depacketizer
from commandroom.video.rtsp_proto import (
    Failure,
    Response,
    RtspError,
    StreamInfo,
    Target,
    _Authenticator,
    _pick_challenge,
    mask_url,
    parse_sdp,
)

USER_AGENT = "CommandRoom"
_MAX_HEADER_BYTES = 64 * 1024
_RECV_BYTES = 256 * 1024  # a key frame of a substream in one call
_TIMEOUT_SLACK_S = 0.05
# Bytes already here that make a backlog: more than an RTCP report or a keep-alive answer.
_BACKLOG_BYTES = 4096


def _timeval(seconds: float) -> bytes:
    """``struct timeval`` for SO_RCVTIMEO/SO_SNDTIMEO (0 would mean "never time out")."""
    micros = max(1000, round(seconds * 1_000_000))
    return struct.pack("@ll", micros // 1_000_000, micros % 1_000_000)


def _queued_bytes(sock: socket.socket) -> int:
    """Bytes waiting in the socket's receive queue (0 where the system cannot tell)."""
    try:
        from fcntl import ioctl
        from termios import FIONREAD
    except ImportError:  # not POSIX
        return 0
    try:
        return int(struct.unpack("i", ioctl(sock.fileno(), FIONREAD, b"\0\0\0\0"))[0])
    except OSError:
        return 0


class RtspClient:
    """One RTSP session. ``open()`` connects and starts playing; ``read()`` returns the next
    complete access unit. Not thread-safe: one worker owns it (``close()`` from another
    thread is allowed and makes a blocked ``read()`` fail promptly)."""

    def __init__(self, url: str, *, timeout: float = 5.0, keepalive_s: float = 20.0) -> None:
        self.target = Target.parse(url)
        self.masked = mask_url(url)
        self.timeout = timeout
        self.keepalive_s = keepalive_s
        self.sock: socket.socket | None = None
        self.cseq = 0
        self.session = ""
        self.auth: _Authenticator | None = None
        self.info: StreamInfo | None = None
        self.rtp_channel = 0
        self.buf = bytearray()
        self.depacketizer: Depacketizer | None = None
        self.last_keepalive = 0.0
        self.losses = 0
        self.pending: list[AccessUnit] = []
        self.sock_timeout = -1.0  # what the socket's timeout was last set to
        self.kernel_timeouts = False  # streaming with SO_RCVTIMEO instead of a Python timeout

    # -- connection -------------------------------------------------------------------
    def _connect(self) -> socket.socket:
        host, port = self.target.host, self.target.port
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise RtspError(Failure.DNS, f"{host}: name does not resolve ({exc})") from None
        last: RtspError | None = None
        for family, kind, proto, _, addr in infos:
            sock = socket.socket(family, kind, proto)
            sock.settimeout(self.timeout)
            try:
                sock.connect(addr)
            except ConnectionRefusedError:
                sock.close()
                last = RtspError(Failure.REFUSED, f"{host}:{port} refused the connection")
                continue
            except TimeoutError:
                sock.close()
                last = RtspError(Failure.NO_ANSWER, f"{host}:{port} did not answer")
                continue
            except OSError as exc:
                sock.close()
                last = RtspError(Failure.UNREACHABLE, f"{host}:{port}: {exc.strerror or exc}")
                continue
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return sock
        raise last or RtspError(Failure.DNS, f"{host}: no address")

    def open(self) -> StreamInfo:
        """Connect, DESCRIBE (authenticating if asked), SETUP one video track, PLAY."""
        self.sock = self._connect()
        describe = self._request("DESCRIBE", self.target.request_url, {"Accept": "application/sdp"})
        base = describe.header("content-base") or describe.header("content-location")
        info = parse_sdp(describe.body.decode("utf-8", "replace"), base or self.target.request_url)
        setup = self._request(
            "SETUP",
            info.control_url,
            {"Transport": "RTP/AVP/TCP;unicast;interleaved=0-1"},
        )
        self.session = setup.header("session").split(";")[0].strip()
        match = re.search(r"interleaved=(\d+)", setup.header("transport"))
        self.rtp_channel = int(match.group(1)) if match else 0
        session_timeout = re.search(r"timeout=(\d+)", setup.header("session"))
        if session_timeout:
            self.keepalive_s = min(self.keepalive_s, max(5.0, int(session_timeout.group(1)) / 2))
        play_url = base or self.target.request_url
        self._request("PLAY", play_url, {"Range": "npt=0.000-"})
        self.info = info
        self.depacketizer = Depacketizer(info.codec)
        self.last_keepalive = time.monotonic()
        self._block_in_kernel(self.sock)
        return info

    def _send(self, method: str, url: str, headers: dict[str, str]) -> None:
        sock = self.sock
        if sock is None:
            raise RtspError(Failure.CLOSED, f"{self.masked}: closed")
        self.cseq += 1
        lines = [f"{method} {url} RTSP/1.0", f"CSeq: {self.cseq}", f"User-Agent: {USER_AGENT}"]
        if self.session:
            lines.append(f"Session: {self.session}")
        if self.auth:
            lines.append(f"Authorization: {self.auth.header(method, url)}")
        lines += [f"{k}: {v}" for k, v in headers.items()]
        try:
            sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        except (TimeoutError, BlockingIOError):  # BlockingIOError: SO_SNDTIMEO
            raise RtspError(Failure.NO_ANSWER, f"{self.masked}: send timed out") from None
        except OSError as exc:
            raise RtspError(Failure.CLOSED, f"{self.masked}: {exc.strerror or exc}") from None

    def _request(self, method: str, url: str, headers: dict[str, str]) -> Response:
        for attempt in range(2):
            self._send(method, url, headers)
            response = self._read_response()
            if response.status == 401 and attempt == 0 and self.auth is None:
                challenge = response.header("www-authenticate")
                if self.target.user is None or not challenge:
                    raise RtspError(Failure.UNAUTHORISED, f"{self.masked}: password required")
                self.auth = _Authenticator(
                    self.target.user, self.target.password or "", _pick_challenge(challenge)
                )
                continue
            if response.status in (401, 403):
                raise RtspError(
                    Failure.UNAUTHORISED, f"{self.masked}: {response.status} {response.reason}"
                )
            if response.status in (404, 454, 459):
                raise RtspError(
                    Failure.NOT_FOUND, f"{self.masked}: {response.status} {response.reason}"
                )
            if response.status == 461:
                raise RtspError(Failure.UNSUPPORTED, f"{self.masked}: TCP transport refused")
            if not 200 <= response.status < 300:
                raise RtspError(
                    Failure.PROTOCOL,
                    f"{self.masked}: {method} → {response.status} {response.reason}",
                )
            return response
        raise RtspError(Failure.UNAUTHORISED, f"{self.masked}: credentials refused")

    def _block_in_kernel(self, sock: socket.socket) -> None:
        """Streaming: let recv/send block in the kernel with SO_RCVTIMEO/SO_SNDTIMEO.

        A Python socket timeout makes every recv a poll() plus a recv(), each releasing and
        retaking the GIL: measured, twice the CPU of a plain blocking recv per frame (0.11
        vs 0.05 ms), paid 15 times a second by every camera. Where the kernel options are
        missing (not Linux), the Python timeout stays.
        """
        try:
            sock.settimeout(None)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, _timeval(self.timeout))
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, _timeval(self.timeout))
        except (OSError, AttributeError, struct.error):
            sock.settimeout(self.timeout)
            self.sock_timeout = self.timeout
            return
        self.kernel_timeouts = True
        self.sock_timeout = self.timeout

    def _set_timeout(self, sock: socket.socket, seconds: float) -> None:
        if self.kernel_timeouts:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, _timeval(seconds))
        else:
            sock.settimeout(seconds)
        self.sock_timeout = seconds

    # -- reading ------------------------------------------------------------------------
    def _fill(self, timeout: float) -> bool:
        """Receive more bytes; False if none came within ``timeout``."""
        sock = self.sock
        if sock is None:
            raise RtspError(Failure.CLOSED, f"{self.masked}: closed")
        timeout = max(0.001, timeout)
        try:
            # Setting a timeout is a system call; a wait up to twice as long as asked only
            # delays the answer "nothing came", so keep the one set if it is close enough.
            if not timeout / 2 <= self.sock_timeout <= 2 * timeout + _TIMEOUT_SLACK_S:
                self._set_timeout(sock, timeout)
            chunk = sock.recv(_RECV_BYTES)
        except (TimeoutError, BlockingIOError):  # BlockingIOError: SO_RCVTIMEO ran out
            return False
        except OSError as exc:
            raise self._lost(exc) from None
        self._keep(chunk)
        return True

    def _lost(self, exc: OSError) -> RtspError:
        return RtspError(Failure.CLOSED, f"{self.masked}: {exc.strerror or exc}")

    def _keep(self, chunk: bytes) -> None:
        """Add received bytes to the buffer; nothing received means the server hung up."""
        if not chunk:
            raise RtspError(Failure.CLOSED, f"{self.masked}: the server closed the connection")
        self.buf += chunk

    def _parse_buffered(self) -> tuple[int, bytes] | Response | None:
        """The next interleaved packet (channel, payload) or RTSP message already received."""
        buf = self.buf
        while buf:
            if buf[0] == 0x24:  # '$': interleaved binary data
                if len(buf) < 4:
                    return None
                size = int.from_bytes(buf[2:4], "big")
                if len(buf) < 4 + size:
                    return None
                channel = buf[1]
                payload = bytes(buf[4 : 4 + size])
                del buf[: 4 + size]
                return channel, payload
            head_end = buf.find(b"\r\n\r\n")
            if head_end < 0:
                if len(buf) > _MAX_HEADER_BYTES or (len(buf) >= 4 and not buf[:4].isalpha()):
                    raise RtspError(Failure.PROTOCOL, f"{self.masked}: garbage from the server")
                return None
            response = self._parse_head(bytes(buf[:head_end]))
            try:
                length = int(response.header("content-length") or 0)
            except ValueError:
                raise RtspError(Failure.PROTOCOL, f"{self.masked}: bad Content-Length") from None
            total = head_end + 4 + length
            if len(buf) < total:
                return None
            response.body = bytes(buf[head_end + 4 : total])
            del buf[:total]
            if response.status >= 0:
                return response
            # a request from the server (ANNOUNCE, GET_PARAMETER...): ignore, look further
        return None

    def _next_message(self) -> tuple[int, bytes] | Response:
        """Block (up to ``timeout`` of silence) for the next packet or RTSP message."""
        while True:
            message = self._parse_buffered()
            if message is not None:
                return message
            if not self._fill(self.timeout):
                raise RtspError(
                    Failure.NO_ANSWER, f"{self.masked}: no answer for {self.timeout:g}s"
                )

    def _parse_head(self, head: bytes) -> Response:
        lines = head.decode("utf-8", "replace").split("\r\n")
        status_line = lines[0].split(" ", 2)
        if not status_line[0].startswith("RTSP/"):
            if len(status_line) == 3 and status_line[2].startswith("RTSP/"):
                return Response(-1, "request", {}, b"")
            raise RtspError(Failure.PROTOCOL, f"{self.masked}: not an RTSP server")
        try:
            status = int(status_line[1])
        except (IndexError, ValueError):
            raise RtspError(Failure.PROTOCOL, f"{self.masked}: bad status line") from None
        headers: dict[str, str] = {}
        for line in lines[1:]:
            name, sep, value = line.partition(":")
            if sep:
                key = name.strip().lower()
                value = value.strip()
                headers[key] = f"{headers[key]}, {value}" if key in headers else value
        reason = status_line[2] if len(status_line) > 2 else ""
        return Response(status, reason, headers, b"")

    def _read_response(self) -> Response:
        while True:
            message = self._next_message()
            if isinstance(message, Response):
                return message

    def read(self, wait: float | None = None) -> AccessUnit | None:
        """The next complete access unit. With ``wait``, None if none completed within that
        many seconds; without, block up to ``timeout`` and raise NO_ANSWER after it."""
        assert self.depacketizer is not None, "open() first"
        deadline = time.monotonic() + (self.timeout if wait is None else wait)
        while not self.pending:
            self._keep_alive()
            self._drain_buffer()
            if self.pending:
                break
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._fill(remaining):
                if time.monotonic() < deadline:
                    continue
                if wait is not None:
                    return None
                raise RtspError(
                    Failure.NO_ANSWER, f"{self.masked}: nothing received for {self.timeout:g}s"
                )
        return self.pending.pop(0)

    def receive_available(self) -> None:
        """Receive what has arrived, without waiting, and add the access units it completes
        to ``pending``: for a pump that serves many cameras from one thread
        (``video/pump.py``). Raises CLOSED when the connection is gone."""
        sock = self.sock
        if sock is None:
            raise RtspError(Failure.CLOSED, f"{self.masked}: closed")
        self._keep_alive()
        while True:
            try:
                chunk = sock.recv(_RECV_BYTES, socket.MSG_DONTWAIT)
            except (BlockingIOError, InterruptedError):
                break
            except OSError as exc:
                raise self._lost(exc) from None
            self._keep(chunk)
            if len(chunk) < _RECV_BYTES:
                break  # drained: another recv would only say so
        self._drain_buffer()

    def _keep_alive(self) -> None:
        now = time.monotonic()
        if now - self.last_keepalive > self.keepalive_s:
            self.last_keepalive = now
            self._send("OPTIONS", self.target.request_url, {})

    def _drain_buffer(self) -> None:
        """Feed the depacketizer every packet the buffer holds, passing over the RTSP messages
        between them (a keep-alive answer, a server's request)."""
        while True:
            self._take_packets()
            if not self.buf or self.buf[0] == 0x24:
                return
            message = self._parse_buffered()
            if message is None:
                return
            if isinstance(message, tuple):
                self._push(*message)  # the packet behind a skipped request

    def backlog(self) -> bool:
        """Whether more of the stream is already here, waiting to be read: a complete unit,
        or more than a few KB received or queued in the socket. Reading as it comes, there
        is none right after a unit (the next frame is a frame interval away)."""
        if self.pending:
            return True
        sock = self.sock
        queued = 0 if sock is None else _queued_bytes(sock)
        return len(self.buf) + queued > _BACKLOG_BYTES

    def _take_packets(self) -> None:
        """Feed every complete interleaved packet at the head of the buffer to the
        depacketizer, then drop them from the buffer at once.

        A frame of a substream is 5-10 RTP packets that arrive together: one pass over a view
        of the buffer, no per-packet copy of the buffer and no per-packet shift of it.
        """
        buf = self.buf
        end = len(buf)
        if end < 4 or buf[0] != 0x24:
            return
        pos = 0
        with memoryview(buf) as view:
            while pos + 4 <= end and buf[pos] == 0x24:
                after = pos + 4 + ((buf[pos + 2] << 8) | buf[pos + 3])
                if after > end:
                    break
                self._push(buf[pos + 1], view[pos + 4 : after])
                pos = after
        del buf[:pos]

    def _push(self, channel: int, payload: bytes | memoryview) -> None:
        if channel != self.rtp_channel or self.depacketizer is None:
            return  # RTCP
        if self.depacketizer.feed(payload, self.pending):
            self.losses += 1

    def abort(self) -> None:
        """From any thread: make a blocked ``open()``/``read()`` fail now (CLOSED)."""
        sock = self.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def close(self) -> None:
        """TEARDOWN (best effort, never waits) and close the socket; idempotent. Called by
        the thread that owns the client."""
        sock = self.sock
        if sock is None:
            return
        if self.session:
            try:
                sock.settimeout(0.2)
                self._send("TEARDOWN", self.target.request_url, {})
            except (RtspError, OSError):
                pass
        self.sock = None
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)
        sock.close()
