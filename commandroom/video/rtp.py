"""RTP depacketizing for ``rtsp.py``: RTP packets in, whole H.264/H.265 access units out.

Pure bytes, no sockets: the marker bit ends an access unit (the point of having our own
client), sequence gaps mark it damaged, and single NAL, STAP-A/AP and FU-A/FU payloads are
unpacked into Annex-B form for ``avcodec``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

START_CODE = b"\x00\x00\x00\x01"


@dataclass
class AccessUnit:
    """One coded picture in Annex-B form (start codes), ready for ``avcodec``."""

    data: bytes
    rtp_time: int
    keyframe: bool
    arrival: float = field(default_factory=time.monotonic)  # when its last packet came


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

    def push(self, packet: bytes | memoryview) -> tuple[list[AccessUnit], bool]:
        """Feed one RTP packet; returns (finished units, whether a loss was seen)."""
        out: list[AccessUnit] = []
        lost = self.feed(packet, out)
        return out, lost

    def feed(self, packet: bytes | memoryview, out: list[AccessUnit]) -> bool:
        """``push`` for the receive loop: finished units go to ``out``; True on a loss.

        Runs for every packet of every camera (8 a frame, 15 frames a second, 16 cameras), so
        it reads the payload in place by offsets and copies each piece of it once.
        """
        size = len(packet)
        if size < 12 or packet[0] >> 6 != 2:
            return True
        first = packet[0]
        seq = (packet[2] << 8) | packet[3]
        rtp_time = (packet[4] << 24) | (packet[5] << 16) | (packet[6] << 8) | packet[7]
        offset = 12 + 4 * (first & 0x0F)
        if first & 0x10 and size >= offset + 4:  # header extension
            offset += 4 + 4 * ((packet[offset + 2] << 8) | packet[offset + 3])
        end = size
        if first & 0x20 and end > offset:  # padding
            end -= packet[size - 1]
        lost = False
        if self.expected_seq is not None and seq != self.expected_seq:
            lost = self.damaged = True
        self.expected_seq = (seq + 1) & 0xFFFF
        if self.parts and rtp_time != self.rtp_time:
            self._finish(out)  # no marker on the last one: the timestamp moved on
        if self.rtp_time is None:
            self.rtp_time = rtp_time
        if end > offset:
            if self.hevc:
                self._push_hevc(packet, offset, end)
            else:
                self._push_h264(packet, offset, end)
        if packet[1] & 0x80:  # marker
            self._finish(out)
        return lost

    def _finish(self, out: list[AccessUnit]) -> None:
        if self.parts and not self.damaged:
            out.append(AccessUnit(b"".join(self.parts), self.rtp_time or 0, self.keyframe))
        self.parts, self.keyframe, self.damaged, self.in_fragment = [], False, False, False
        self.rtp_time = None

    def _nal(self, nal: bytes, nal_type: int) -> None:
        self.parts.append(START_CODE)
        self.parts.append(nal)
        if self._keyframe_type(nal_type):
            self.keyframe = True

    def _aggregate(self, packet: bytes | memoryview, pos: int, end: int) -> None:
        """The NAL units of an aggregation packet (STAP-A, HEVC AP) from ``pos`` on."""
        while pos + 2 <= end:
            length = (packet[pos] << 8) | packet[pos + 1]
            nal = bytes(packet[pos + 2 : min(end, pos + 2 + length)])
            if nal and (not self.hevc or len(nal) >= 2):
                self._nal(nal, (nal[0] >> 1) & 0x3F if self.hevc else nal[0] & 0x1F)
            pos += 2 + length

    def _push_h264(self, packet: bytes | memoryview, offset: int, end: int) -> None:
        indicator = packet[offset]
        nal_type = indicator & 0x1F
        if 1 <= nal_type <= 23:
            self._nal(bytes(packet[offset:end]), nal_type)
        elif nal_type == 24:  # STAP-A
            self._aggregate(packet, offset + 1, end)
        elif nal_type == 28 and end - offset > 2:  # FU-A
            header = packet[offset + 1]
            if header & 0x80:
                inner = header & 0x1F
                self._nal(bytes(((indicator & 0xE0) | inner,)), inner)
                self.parts.append(bytes(packet[offset + 2 : end]))
                self.in_fragment = True
            elif self.in_fragment:
                self.parts.append(bytes(packet[offset + 2 : end]))
            else:
                self.damaged = True  # a fragment whose start we never saw
            if header & 0x40:
                self.in_fragment = False
        else:
            self.damaged = True  # STAP-B, MTAP, FU-B: not sent by cameras in practice

    def _push_hevc(self, packet: bytes | memoryview, offset: int, end: int) -> None:
        if end - offset < 3:
            return
        nal_type = (packet[offset] >> 1) & 0x3F
        if nal_type < 48:
            self._nal(bytes(packet[offset:end]), nal_type)
        elif nal_type == 48:  # aggregation packet
            self._aggregate(packet, offset + 2, end)
        elif nal_type == 49:  # fragmentation unit
            header = packet[offset + 2]
            if header & 0x80:
                inner = header & 0x3F
                first = (packet[offset] & 0x81) | (inner << 1)
                self._nal(bytes((first, packet[offset + 1])), inner)
                self.parts.append(bytes(packet[offset + 3 : end]))
                self.in_fragment = True
            elif self.in_fragment:
                self.parts.append(bytes(packet[offset + 3 : end]))
            else:
                self.damaged = True
            if header & 0x40:
                self.in_fragment = False
        else:
            self.damaged = True
