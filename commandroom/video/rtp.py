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
        seq = (packet[2] << 8) | packet[3]
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
