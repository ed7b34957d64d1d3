"""The RTSP side of ``rtsp.py`` that never touches a socket: how an attempt failed
(``Failure``/``RtspError``), URL parsing and password masking, Digest/Basic answers to a 401,
and picking the video track out of an SDP description.

Kept apart from the client so the rest of the video code (capture, sources, the wall) can
name failures and mask URLs without importing the connection code, and so each piece can be
tested on plain strings.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import re
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import unquote, urljoin, urlsplit

from commandroom.video.rtp import START_CODE


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
