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
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
import socket
import time
from dataclasses import dataclass, field
from enum import StrEnum
from urllib.parse import unquote, urljoin, urlsplit

START_CODE = b"\x00\x00\x00\x01"
USER_AGENT = "CommandRoom"
_MAX_HEADER_BYTES = 64 * 1024


class Failure(StrEnum):
    """Why an attempt failed, in the terms the camera state needs."""

    BAD_URL = "bad_url"  # not a URL we can even try
    DNS = "dns"  # host name does not resolve
    REFUSED = "refused"  # nothing listens on that port
    UNREACHABLE = "unreachable"  # no route, host down (network error before an answer)
    NO_ANSWER = "no_answer"  # connected (or connecting) and then silence until the timeout
    UNAUTHORISED = "unauthorised"  # 401/403: wrong or missing credentials
    NOT_FOUND = "not_found"  # 404/454 and friends: the path is wrong
    PROTOCOL = "protocol"  # the server says something we cannot use (broken stream, 5xx)
    UNSUPPORTED = "unsupported"  # valid, but not something this client handles: fall back
    CLOSED = "closed"  # the server ended the connection


class RtspError(Exception):
    """An attempt failed; ``failure`` says how. The message never contains credentials."""

    def __init__(self, failure: Failure, message: str) -> None:
        super().__init__(message)
        self.failure = failure


def mask_url(url: str) -> str:
    """``rtsp://user:pass@host/...`` → ``rtsp://***@host/...``; other URLs unchanged.

    Used for every message and log line; a URL that cannot be parsed is masked wholesale
    after the scheme rather than risk showing a password."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url if "@" not in url else "***"
    authority, slash, path = rest.partition("/")
    if "@" in authority:
        authority = "***@" + authority.rsplit("@", 1)[1]
    return f"{scheme}{sep}{authority}{slash}{path}"


@dataclass(frozen=True)
class Target:
    """A parsed ``rtsp://`` URL: where to connect, what to ask for, who we are."""

    host: str
    port: int
    request_url: str  # the URL without credentials, as sent in requests
    user: str | None
    password: str | None

    @classmethod
    def parse(cls, url: str) -> Target:
        try:
            parts = urlsplit(url)
            port = parts.port or 554
        except ValueError as exc:
            raise RtspError(Failure.BAD_URL, f"invalid URL {mask_url(url)}: {exc}") from None
        if parts.scheme.lower() != "rtsp" or not parts.hostname:
            raise RtspError(Failure.BAD_URL, f"not an rtsp:// URL with a host: {mask_url(url)}")
        host = parts.hostname
        netloc = f"[{host}]" if ":" in host else host
        if parts.port:
            netloc += f":{parts.port}"
        path = parts.path or "/"
        request_url = f"rtsp://{netloc}{path}" + (f"?{parts.query}" if parts.query else "")
        user = unquote(parts.username) if parts.username is not None else None
        password = unquote(parts.password) if parts.password is not None else None
        return cls(host, port, request_url, user, password)


@dataclass
class Response:
    status: int
    reason: str
    headers: dict[str, str]  # lower-case names; repeated headers joined with ", "
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name.lower(), "")


@dataclass(frozen=True)
class StreamInfo:
    codec: str  # "h264" or "hevc" (FFmpeg decoder names)
    payload_type: int
    clock_rate: int
    parameter_sets: bytes  # Annex-B SPS/PPS (VPS) from the SDP, maybe empty
    control_url: str


@dataclass
class AccessUnit:
    """One coded picture in Annex-B form (start codes), ready for ``avcodec``."""

    data: bytes
    rtp_time: int
    keyframe: bool
    arrival: float = field(default_factory=time.monotonic)  # when its last packet came


def _parse_auth_params(value: str) -> dict[str, str]:
    return {
        k.lower(): v1 or v2 for k, v1, v2 in re.findall(r'(\w+)=(?:"([^"]*)"|([^,\s]*))', value)
    }


class _Authenticator:
    """Answers a 401 challenge (Basic or Digest MD5, with or without qop=auth)."""

    def __init__(self, user: str, password: str, challenge: str) -> None:
        self.user, self.password = user, password
        scheme, _, params = challenge.strip().partition(" ")
        self.scheme = scheme.lower()
        self.params = _parse_auth_params(params)
        self.nonce_count = 0
        if self.scheme not in ("basic", "digest"):
            raise RtspError(Failure.UNSUPPORTED, f"authentication scheme {scheme!r}")
        algorithm = self.params.get("algorithm", "MD5").upper()
        if self.scheme == "digest" and algorithm != "MD5":
            raise RtspError(Failure.UNSUPPORTED, f"digest algorithm {algorithm}")

    def header(self, method: str, uri: str) -> str:
        if self.scheme == "basic":
            token = base64.b64encode(f"{self.user}:{self.password}".encode()).decode()
            return f"Basic {token}"
        realm, nonce = self.params.get("realm", ""), self.params.get("nonce", "")

        def md5(text: str) -> str:
            return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()

        ha1 = md5(f"{self.user}:{realm}:{self.password}")
        ha2 = md5(f"{method}:{uri}")
        fields = [
            f'username="{self.user}"',
            f'realm="{realm}"',
            f'nonce="{nonce}"',
            f'uri="{uri}"',
        ]
        qops = [q.strip() for q in self.params.get("qop", "").split(",") if q.strip()]
        if "auth" in qops:
            self.nonce_count += 1
            nc = f"{self.nonce_count:08x}"
            cnonce = os.urandom(8).hex()
            response = md5(f"{ha1}:{nonce}:{nc}:{cnonce}:auth:{ha2}")
            fields += ["qop=auth", f"nc={nc}", f'cnonce="{cnonce}"']
        else:
            response = md5(f"{ha1}:{nonce}:{ha2}")
        fields.append(f'response="{response}"')
        if "opaque" in self.params:
            fields.append(f'opaque="{self.params["opaque"]}"')
        return "Digest " + ", ".join(fields)


def _pick_challenge(values: str) -> str:
    """Prefer Digest over Basic when the server offers both (joined with ', ')."""
    challenges = re.split(r",\s*(?=(?:Basic|Digest)\b)", values, flags=re.IGNORECASE)
    for challenge in challenges:
        if challenge.strip().lower().startswith("digest"):
            return challenge
    return challenges[0] if challenges else values


def parse_sdp(sdp: str, base_url: str) -> StreamInfo:
    """The first H.264/H.265 video track of an SDP description."""
    session_control = ""
    media: list[list[str]] = []
    for raw in sdp.splitlines():
        line = raw.strip()
        if line.startswith("m="):
            media.append([line])
        elif media:
            media[-1].append(line)
        elif line.startswith("a=control:"):
            session_control = line[len("a=control:") :]
    base = base_url
    if session_control and session_control != "*":
        base = urljoin(base_url if base_url.endswith("/") else base_url + "/", session_control)
    for lines in media:
        fields = lines[0][2:].split()
        if not fields or fields[0] != "video" or len(fields) < 4:
            continue
        payload_types = [int(p) for p in fields[3:] if p.isdigit()]
        rtpmap: dict[int, tuple[str, int]] = {}
        fmtp: dict[int, str] = {}
        control = ""
        for line in lines[1:]:
            if line.startswith("a=rtpmap:"):
                map_pt, _, encoding = line[len("a=rtpmap:") :].partition(" ")
                enc_name, _, enc_rate = encoding.partition("/")
                if map_pt.isdigit():
                    clock = enc_rate.split("/")[0]
                    rtpmap[int(map_pt)] = (
                        enc_name.upper(),
                        int(clock) if clock.isdigit() else 90000,
                    )
            elif line.startswith("a=fmtp:"):
                fmtp_pt, _, fmtp_params = line[len("a=fmtp:") :].partition(" ")
                if fmtp_pt.isdigit():
                    fmtp[int(fmtp_pt)] = fmtp_params
            elif line.startswith("a=control:"):
                control = line[len("a=control:") :]
        for pt in payload_types:
            name, rate = rtpmap.get(pt, ("", 90000))
            if name not in ("H264", "H265", "HEVC"):
                continue
            codec = "h264" if name == "H264" else "hevc"
            params: dict[str, str] = {}
            for kv in fmtp.get(pt, "").split(";"):
                key, sep, value = kv.strip().partition("=")
                if sep:
                    params[key] = value
            sets = b""
            keys = ["sprop-parameter-sets"] if codec == "h264" else []
            keys += ["sprop-vps", "sprop-sps", "sprop-pps"] if codec == "hevc" else []
            for key in keys:
                for item in params.get(key, "").split(","):
                    if item:
                        # a broken sprop is skipped: the in-band parameter sets will do
                        with contextlib.suppress(ValueError):
                            sets += START_CODE + base64.b64decode(item + "=" * (-len(item) % 4))
            if not control or control == "*":
                control_url = base
            elif control.lower().startswith("rtsp://"):
                control_url = control
            else:
                control_url = urljoin(base if base.endswith("/") else base + "/", control)
            return StreamInfo(codec, pt, rate, sets, control_url)
    raise RtspError(Failure.UNSUPPORTED, "no H.264/H.265 video track in the SDP")


class Depacketizer:
    """Reassembles RTP payloads into access units; the marker bit ends one."""

    def __init__(self, codec: str) -> None:
        self.hevc = codec == "hevc"
        self.parts: list[bytes] = []
        self.rtp_time: int | None = None
        self.keyframe = False
        self.damaged = False
        self.in_fragment = False
        self.expected_seq: int | None = None

    def _keyframe_type(self, nal_type: int) -> bool:
        return 16 <= nal_type <= 21 if self.hevc else nal_type == 5

    def _finish(self) -> AccessUnit | None:
        unit = None
        if self.parts and not self.damaged:
            unit = AccessUnit(b"".join(self.parts), self.rtp_time or 0, self.keyframe)
        self.parts, self.keyframe, self.damaged, self.in_fragment = [], False, False, False
        self.rtp_time = None
        return unit

    def push(self, packet: bytes | memoryview) -> tuple[list[AccessUnit], bool]:
        """Feed one RTP packet; returns (finished units, whether a loss was seen)."""
        out: list[AccessUnit] = []
        lost = False
        if len(packet) < 12 or packet[0] >> 6 != 2:
            return out, True
        first, second = packet[0], packet[1]
        marker = bool(second & 0x80)
        seq = int.from_bytes(packet[2:4], "big")
        rtp_time = int.from_bytes(packet[4:8], "big")
        offset = 12 + 4 * (first & 0x0F)
        if first & 0x10 and len(packet) >= offset + 4:  # header extension
            offset += 4 + 4 * int.from_bytes(packet[offset + 2 : offset + 4], "big")
        end = len(packet)
        if first & 0x20 and end > offset:  # padding
            end -= packet[-1]
        payload = bytes(packet[offset:end])
        if self.expected_seq is not None and seq != self.expected_seq:
            lost = True
            self.damaged = True
        self.expected_seq = (seq + 1) & 0xFFFF
        if self.rtp_time is not None and rtp_time != self.rtp_time and self.parts:
            unit = self._finish()  # no marker on the last one: the timestamp moved on
            if unit:
                out.append(unit)
        if self.rtp_time is None:
            self.rtp_time = rtp_time
        if payload:
            if self.hevc:
                self._push_hevc(payload)
            else:
                self._push_h264(payload)
        if marker:
            unit = self._finish()
            if unit:
                out.append(unit)
        return out, lost

    def _nal(self, nal: bytes, nal_type: int) -> None:
        self.parts.append(START_CODE)
        self.parts.append(nal)
        self.keyframe = self.keyframe or self._keyframe_type(nal_type)

    def _push_h264(self, payload: bytes) -> None:
        nal_type = payload[0] & 0x1F
        if 1 <= nal_type <= 23:
            self._nal(payload, nal_type)
        elif nal_type == 24:  # STAP-A
            pos = 1
            while pos + 2 <= len(payload):
                size = int.from_bytes(payload[pos : pos + 2], "big")
                nal = payload[pos + 2 : pos + 2 + size]
                if nal:
                    self._nal(nal, nal[0] & 0x1F)
                pos += 2 + size
        elif nal_type == 28 and len(payload) > 2:  # FU-A
            header = payload[1]
            inner = header & 0x1F
            if header & 0x80:
                self._nal(bytes([(payload[0] & 0xE0) | inner]) + payload[2:], inner)
                self.in_fragment = True
            elif self.in_fragment:
                self.parts.append(payload[2:])
            else:
                self.damaged = True  # a fragment whose start we never saw
            if header & 0x40:
                self.in_fragment = False
        else:
            self.damaged = True  # STAP-B, MTAP, FU-B: not sent by cameras in practice

    def _push_hevc(self, payload: bytes) -> None:
        if len(payload) < 3:
            return
        nal_type = (payload[0] >> 1) & 0x3F
        if nal_type < 48:
            self._nal(payload, nal_type)
        elif nal_type == 48:  # aggregation packet
            pos = 2
            while pos + 2 <= len(payload):
                size = int.from_bytes(payload[pos : pos + 2], "big")
                nal = payload[pos + 2 : pos + 2 + size]
                if len(nal) >= 2:
                    self._nal(nal, (nal[0] >> 1) & 0x3F)
                pos += 2 + size
        elif nal_type == 49:  # fragmentation unit
            header = payload[2]
            inner = header & 0x3F
            if header & 0x80:
                nal_header = bytes([(payload[0] & 0x81) | (inner << 1), payload[1]])
                self._nal(nal_header + payload[3:], inner)
                self.in_fragment = True
            elif self.in_fragment:
                self.parts.append(payload[3:])
            else:
                self.damaged = True
            if header & 0x40:
                self.in_fragment = False
        else:
            self.damaged = True


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
        except TimeoutError:
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

    # -- reading ------------------------------------------------------------------------
    def _fill(self, timeout: float) -> bool:
        """Receive more bytes; False if none came within ``timeout``."""
        sock = self.sock
        if sock is None:
            raise RtspError(Failure.CLOSED, f"{self.masked}: closed")
        try:
            sock.settimeout(max(0.001, timeout))
            chunk = sock.recv(65536)
        except TimeoutError:
            return False
        except OSError as exc:
            raise RtspError(Failure.CLOSED, f"{self.masked}: {exc.strerror or exc}") from None
        if not chunk:
            raise RtspError(Failure.CLOSED, f"{self.masked}: the server closed the connection")
        self.buf += chunk
        return True

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
            now = time.monotonic()
            if now - self.last_keepalive > self.keepalive_s:
                self.last_keepalive = now
                self._send("OPTIONS", self.target.request_url, {})
            message = self._parse_buffered()
            if message is None:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._fill(remaining):
                    if time.monotonic() < deadline:
                        continue
                    if wait is not None:
                        return None
                    raise RtspError(
                        Failure.NO_ANSWER, f"{self.masked}: nothing received for {self.timeout:g}s"
                    )
                continue
            if isinstance(message, Response):
                continue  # keep-alive answers
            channel, payload = message
            if channel != self.rtp_channel:
                continue  # RTCP
            units, lost = self.depacketizer.push(payload)
            if lost:
                self.losses += 1
            self.pending.extend(units)
        return self.pending.pop(0)

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
