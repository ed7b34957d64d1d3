"""The RTSP client's pieces on bytes (RTP depacketizing, SDP, URLs, auth), then on the wire:
our own tiny servers that misbehave on purpose (garbage, Digest auth)."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import re
import socket
import threading
from collections.abc import Iterator

import pytest

from commandroom.video.rtp import START_CODE, Depacketizer
from commandroom.video.rtsp import RtspClient
from commandroom.video.rtsp_proto import Failure, RtspError, Target, _Authenticator, parse_sdp


def rtp(seq: int, ts: int, payload: bytes, marker: bool = False) -> bytes:
    return (
        bytes([0x80, (0x80 if marker else 0) | 96])
        + seq.to_bytes(2, "big")
        + (ts.to_bytes(4, "big") + b"\x00\x00\x00\x01" + payload)
    )


def test_fu_a_fragments_become_one_nal_at_the_marker_bit() -> None:
    idr = bytes([0x65]) + bytes(range(200))  # NAL type 5 (IDR)
    fu_indicator = (idr[0] & 0xE0) | 28
    body = idr[1:]
    packets = [
        rtp(1, 9000, bytes([fu_indicator, 0x80 | 5]) + body[:80]),
        rtp(2, 9000, bytes([fu_indicator, 5]) + body[80:160]),
        rtp(3, 9000, bytes([fu_indicator, 0x40 | 5]) + body[160:], marker=True),
    ]
    depack = Depacketizer("h264")
    out = []
    for p in packets[:2]:
        units, lost = depack.push(p)
        assert units == [] and not lost  # nothing before the marker: no frame held back after
    units, lost = depack.push(packets[2])
    assert not lost and len(units) == 1
    assert units[0].data == START_CODE + idr and units[0].keyframe and units[0].rtp_time == 9000
    out += units
    # STAP-A with SPS + PPS then a single P slice, new timestamp
    sps, pps, slice_ = b"\x67\x42\x00\x1e", b"\x68\xce\x3c\x80", b"\x41\x9a\x00\x11"
    stap = bytes([24]) + len(sps).to_bytes(2, "big") + sps + len(pps).to_bytes(2, "big") + pps
    assert depack.push(rtp(4, 12000, stap)) == ([], False)
    units, _ = depack.push(rtp(5, 12000, slice_, marker=True))
    assert units[0].data == START_CODE + sps + START_CODE + pps + START_CODE + slice_
    assert not units[0].keyframe


def test_a_lost_packet_drops_the_damaged_frame() -> None:
    depack = Depacketizer("h264")
    fu = 0x60 | 28
    depack.push(rtp(10, 1, bytes([fu, 0x80 | 1]) + b"a" * 10))
    units, lost = depack.push(rtp(12, 1, bytes([fu, 0x40 | 1]) + b"b" * 10, marker=True))
    assert lost and units == []
    units, lost = depack.push(rtp(13, 2, b"\x41\x01\x02", marker=True))
    assert not lost and len(units) == 1


def test_hevc_fragments_rebuild_the_two_byte_header() -> None:
    nal = bytes([19 << 1, 0x01]) + b"x" * 50  # IDR_W_RADL
    fu_header = bytes([49 << 1, 0x01])
    depack = Depacketizer("hevc")
    depack.push(rtp(1, 5, fu_header + bytes([0x80 | 19]) + nal[2:30]))
    units, _ = depack.push(rtp(2, 5, fu_header + bytes([0x40 | 19]) + nal[30:], marker=True))
    assert units[0].data == START_CODE + nal and units[0].keyframe


def test_csrc_extension_and_padding_are_skipped_and_views_are_copied() -> None:
    """Cameras behind a mixer send CSRCs and extensions; a view into the receive buffer is
    what the client feeds, and the unit must not change when that buffer is reused."""
    slice_ = b"\x41\x9a" + bytes(range(40))
    csrc = b"\x00\x00\x00\x07" * 2
    extension = b"\xbe\xde\x00\x01" + b"\x01\x02\x03\x04"
    padding = b"\x00\x00\x03"
    head = bytes([0x80 | 0x20 | 0x10 | 2, 0x80 | 96]) + (7).to_bytes(2, "big")
    packet = bytearray(head + (500).to_bytes(4, "big") + b"\x00" * 4)
    packet += csrc + extension + slice_ + padding
    depack = Depacketizer("h264")
    pending: list = []
    with memoryview(packet) as view:
        assert not depack.feed(view, pending)
    packet[:] = b"\xff" * len(packet)
    assert [u.data for u in pending] == [START_CODE + slice_]
    assert pending[0].rtp_time == 500 and not pending[0].keyframe


def test_hevc_aggregation_packets_and_a_timestamp_without_a_marker() -> None:
    vps, sps = bytes([32 << 1, 1, 0xAA]), bytes([33 << 1, 1, 0xBB, 0xCC])
    pps, idr = bytes([34 << 1, 1, 0xDD]), bytes([19 << 1, 1]) + b"i" * 20
    ap = bytes([48 << 1, 1])
    for nal in (vps, sps, pps):
        ap += len(nal).to_bytes(2, "big") + nal
    ap += (99).to_bytes(2, "big") + b"\x01"  # a length past the end: cut at the end
    depack = Depacketizer("hevc")
    assert depack.push(rtp(1, 10, ap)) == ([], False)
    assert depack.push(rtp(2, 10, idr)) == ([], False)  # no marker
    units, lost = depack.push(rtp(3, 20, bytes([1 << 1, 1]) + b"p" * 5, marker=True))
    assert not lost and len(units) == 2, "the new timestamp ended the key frame"
    assert units[0].data == b"".join(START_CODE + n for n in (vps, sps, pps, idr))
    assert units[0].keyframe and not units[1].keyframe and units[1].rtp_time == 20


def test_a_fragment_without_its_start_damages_only_its_frame() -> None:
    depack = Depacketizer("h264")
    fu = 0x60 | 28
    units, lost = depack.push(rtp(1, 1, bytes([fu, 0x40 | 5]) + b"tail", marker=True))
    assert units == [] and not lost
    units, _ = depack.push(rtp(2, 2, b"\x65" + b"k" * 8, marker=True))
    assert len(units) == 1 and units[0].keyframe


SDP = """v=0
o=- 1 1 IN IP4 127.0.0.1
s=cam
a=control:*
m=audio 0 RTP/AVP 8
a=control:track1
m=video 0 RTP/AVP 96
a=rtpmap:96 H264/90000
a=fmtp:96 packetization-mode=1;sprop-parameter-sets=Z0IAHpWoKA9puAgICBA=,aM48gA==
a=control:track2
"""


def test_sdp_picks_the_video_track_and_its_parameter_sets() -> None:
    info = parse_sdp(SDP, "rtsp://10.0.0.5:554/Streaming/101/")
    assert info.codec == "h264" and info.payload_type == 96 and info.clock_rate == 90000
    assert info.control_url == "rtsp://10.0.0.5:554/Streaming/101/track2"
    sets = info.parameter_sets.split(START_CODE)[1:]
    assert sets[0][0] & 0x1F == 7 and sets[1][0] & 0x1F == 8
    absolute = SDP.replace("a=control:track2", "a=control:rtsp://10.0.0.5/x/trackID=1")
    assert parse_sdp(absolute, "rtsp://10.0.0.5/x").control_url == "rtsp://10.0.0.5/x/trackID=1"
    with pytest.raises(RtspError) as err:
        parse_sdp(SDP.replace("H264", "MP4V-ES"), "rtsp://h/")
    assert err.value.failure is Failure.UNSUPPORTED


def test_target_strips_and_decodes_credentials() -> None:
    target = Target.parse("rtsp://ad%40min:p%3Ass@cam.local:8554/live/ch1?sub=1")
    assert (target.host, target.port, target.user, target.password) == (
        "cam.local",
        8554,
        "ad@min",
        "p:ss",
    )
    assert target.request_url == "rtsp://cam.local:8554/live/ch1?sub=1"
    assert Target.parse("rtsp://10.1.2.3/x").port == 554
    for bad in ("http://host/x", "rtsp:///nohost", "rtsp://host:99999/x", "not a url"):
        with pytest.raises(RtspError) as err:
            Target.parse(bad)
        assert err.value.failure is Failure.BAD_URL


def test_digest_response_matches_rfc2617() -> None:
    # RFC 2617 §3.5's example, without qop (the form most cameras use)
    auth = _Authenticator(
        "Mufasa",
        "Circle Of Life",
        'Digest realm="testrealm@host.com", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"',
    )
    header = auth.header("GET", "/dir/index.html")
    ha1 = hashlib.md5(b"Mufasa:testrealm@host.com:Circle Of Life").hexdigest()
    ha2 = hashlib.md5(b"GET:/dir/index.html").hexdigest()
    expected = hashlib.md5(f"{ha1}:dcd98b7102dd2f0e8b11d0f600bfb0c093:{ha2}".encode()).hexdigest()
    assert f'response="{expected}"' in header and header.startswith("Digest ")
    basic = _Authenticator("a", "b", 'Basic realm="x"')
    assert basic.header("DESCRIBE", "rtsp://h/") == "Basic " + base64.b64encode(b"a:b").decode()


class TinyServer:
    """A one-connection-at-a-time TCP server whose answers a test scripts."""

    def __init__(self, handler: object) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.handler = handler
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.settimeout(5)
                with contextlib.suppress(OSError):
                    self.handler(conn)  # type: ignore[operator]

    def close(self) -> None:
        self.sock.close()


def read_request(conn: socket.socket) -> str:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.decode()


@pytest.fixture
def garbage_server() -> Iterator[TinyServer]:
    def handler(conn: socket.socket) -> None:
        read_request(conn)
        conn.sendall(b"\x00\xffthis is not RTSP at all\r\n" * 50)

    server = TinyServer(handler)
    yield server
    server.close()


def test_a_server_speaking_garbage_is_a_protocol_failure(garbage_server: TinyServer) -> None:
    client = RtspClient(f"rtsp://127.0.0.1:{garbage_server.port}/x", timeout=3)
    with pytest.raises(RtspError) as err:
        client.open()
    client.close()
    assert err.value.failure is Failure.PROTOCOL


def test_digest_challenge_is_answered_and_wrong_password_is_unauthorised() -> None:
    seen: list[str] = []

    def handler(conn: socket.socket) -> None:
        while True:
            request = read_request(conn)
            if not request:
                return
            seen.append(request)
            cseq = re.search(r"CSeq: (\d+)", request).group(1)  # type: ignore[union-attr]
            good = hashlib.md5(b"admin:cam:right").hexdigest()
            ha2 = hashlib.md5(b"DESCRIBE:rtsp://127.0.0.1:%d/x" % server.port).hexdigest()
            response = hashlib.md5(f"{good}:abc:{ha2}".encode()).hexdigest()
            if f'response="{response}"' in request:
                conn.sendall(f"RTSP/1.0 404 Not Found\r\nCSeq: {cseq}\r\n\r\n".encode())
            else:
                conn.sendall(
                    f"RTSP/1.0 401 Unauthorized\r\nCSeq: {cseq}\r\n"
                    f'WWW-Authenticate: Basic realm="cam"\r\n'
                    f'WWW-Authenticate: Digest realm="cam", nonce="abc"\r\n\r\n'.encode()
                )

    server = TinyServer(handler)
    try:
        right = RtspClient(f"rtsp://admin:right@127.0.0.1:{server.port}/x", timeout=3)
        with pytest.raises(RtspError) as err:
            right.open()
        right.close()
        assert err.value.failure is Failure.NOT_FOUND  # got past authentication
        assert "Authorization: Digest" in seen[-1]  # Digest preferred over Basic
        assert "right" not in seen[-1]  # the password itself never travels
        wrong = RtspClient(f"rtsp://admin:wrong@127.0.0.1:{server.port}/x", timeout=3)
        with pytest.raises(RtspError) as err:
            wrong.open()
        wrong.close()
        assert err.value.failure is Failure.UNAUTHORISED
        assert "wrong" not in str(err.value)
    finally:
        server.close()


def interleaved(channel: int, packet: bytes) -> bytes:
    return b"$" + bytes([channel]) + len(packet).to_bytes(2, "big") + packet


def test_streaming_reads_time_out_keep_packets_and_skip_server_requests() -> None:
    """After PLAY the socket blocks in the kernel (SO_RCVTIMEO): frames still arrive whole,
    RTCP and a server's own request between packets are passed over without losing the
    packet behind them, and a camera that falls silent still ends in NO_ANSWER."""
    frames = [bytes([0x65]) + bytes(range(50)), bytes([0x41]) + bytes(range(60))]

    def handler(conn: socket.socket) -> None:
        for answer in ("DESCRIBE", "SETUP", "PLAY"):
            request = read_request(conn)
            cseq = re.search(r"CSeq: (\d+)", request).group(1)  # type: ignore[union-attr]
            body = SDP.encode() if answer == "DESCRIBE" else b""
            extra = "Transport: RTP/AVP/TCP;unicast;interleaved=0-1\r\nSession: 7\r\n"
            head = f"RTSP/1.0 200 OK\r\nCSeq: {cseq}\r\n{extra}Content-Length: {len(body)}\r\n"
            conn.sendall(head.encode() + b"\r\n" + body)
        conn.sendall(
            interleaved(0, rtp(1, 3000, frames[0], marker=True))
            + interleaved(1, b"\x80\xc8" + bytes(26))  # an RTCP sender report
            + b"GET_PARAMETER rtsp://127.0.0.1/x RTSP/1.0\r\nCSeq: 9\r\n\r\n"
            + interleaved(0, rtp(2, 6000, frames[1], marker=True))
        )
        threading.Event().wait(3)  # then silence, connection kept open

    server = TinyServer(handler)
    client = RtspClient(f"rtsp://127.0.0.1:{server.port}/x", timeout=1.0)
    try:
        client.open()
        assert client.kernel_timeouts
        first, second = client.read(), client.read()
        assert first is not None and first.keyframe and first.data == START_CODE + frames[0]
        assert second is not None and second.data == START_CODE + frames[1]
        assert client.losses == 0
        assert client.read(wait=0.2) is None
        with pytest.raises(RtspError) as err:
            client.read()
        assert err.value.failure is Failure.NO_ANSWER
    finally:
        client.close()
        server.close()
