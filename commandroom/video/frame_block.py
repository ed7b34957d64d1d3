"""One capture's frames and figures in shared memory, between the capture host and the GUI.

Layout of a block (little-endian, all offsets fixed)::

    0     control: newest seq (u64), newest slot (i64), stats generation (u64, odd while
          written), state code, attempt, reconnects, stalls, decode errors, failure code,
          frames skipped (i32 each), fps (f64), monotonic time of the newest frame (f64,
          NaN before the first), message length (u32) and up to 1 KiB of UTF-8 message
    4096  SLOTS slots, each a 64-byte header (generation u64, odd while written; seq u64;
          width, height, row bytes, source width, source height (i32); wall time, monotonic
          time (f64)) followed by the BGRA pixels

The writer (one capture worker in the host) fills the slot after the newest (the worker
scales the decoded picture straight into it), then publishes it as the newest: it never
writes the slot a reader was just told about. A reader wraps the newest slot's pixels
without copying; a slot is written again only after ``SLOTS - 1`` newer frames, by which
time the wall (polling 1.5 times per frame) has long moved on to one of them.
Generations make a reader that races a writer keep the frame it had rather than take a
half-written one. ``time.monotonic`` is the system's CLOCK_MONOTONIC, the same in both
processes, so a frame's age is computed by the reader.
"""

from __future__ import annotations

import contextlib
import math
import mmap
import os
import secrets
import struct
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from commandroom.video.api import CameraState, CameraStats, Frame
from commandroom.video.rtsp_proto import Failure

SLOTS = 4
CONTROL_BYTES = 4096
SLOT_HEADER_BYTES = 64
MESSAGE_BYTES = 1024
# Room for a 4K main stream's BGRA frame; pages are only used as frames touch them.
MAX_FRAME_BYTES = 3840 * 2160 * 4

_NEWEST = struct.Struct("<Qq")  # seq, slot
_STATS_GEN = struct.Struct("<Q")
# state, attempt, reconnects, stalls, errors, failure, skipped, fps, mono, message length
_STATS = struct.Struct("<7i2dI")
_STATS_AT = 24
_I32_MAX = 2**31 - 1
_MESSAGE_AT = _STATS_AT + _STATS.size
_SLOT = struct.Struct("<QQ5i4x2d")  # gen, seq, w, h, row bytes, source w, source h, wall, mono

STATE_CODES = {state: i for i, state in enumerate(CameraState)}
STATES = list(CameraState)
FAILURES = ["", *(f.value for f in Failure)]  # index 0: none
FAILURE_CODES = {value: i for i, value in enumerate(FAILURES)}


def block_bytes(frame_bytes: int = MAX_FRAME_BYTES) -> int:
    return CONTROL_BYTES + SLOTS * (SLOT_HEADER_BYTES + frame_bytes)


# Blocks are sparse, but frames written past a tmpfs's size end the writer with SIGBUS; a
# container's /dev/shm is often 64 MB, less than a wall with a maximised 1080p stream touches.
MIN_SHM_FREE_BYTES = 1 << 30


def _shm_dir() -> Path:
    """tmpfs where there is a roomy one (Linux), else the temporary directory."""
    shm = Path("/dev/shm")
    try:
        usable = os.access(shm, os.W_OK) and _free_bytes(shm) >= MIN_SHM_FREE_BYTES
    except OSError:
        usable = False
    return shm if usable else Path(tempfile.gettempdir())


def _free_bytes(path: Path) -> int:
    stat = os.statvfs(path)
    return stat.f_bavail * stat.f_frsize


@dataclass
class FrameBlock:
    """A mapped block; the host creates it, the GUI attaches to it by name.

    A file in /dev/shm mapped by both, not ``multiprocessing.shared_memory``: on Python 3.11
    that registers every block with a resource-tracker process of its own, which would unlink
    the host's blocks under the GUI and warn about "leaks" at exit.
    """

    mm: mmap.mmap
    path: Path
    frame_bytes: int
    _claimed: tuple[int, int] | None = field(default=None, repr=False)  # writer's slot
    _lent: npt.NDArray[np.uint8] | None = field(default=None, repr=False)  # frame_buffer's
    # The writer's and the reader's views of the slots (``_slot_view``).
    _views: dict[tuple[int, int, int, int], npt.NDArray[np.uint8]] = field(
        default_factory=dict, repr=False
    )
    _read_views: dict[tuple[int, int, int, int], npt.NDArray[np.uint8]] = field(
        default_factory=dict, repr=False
    )

    @classmethod
    def create(cls, frame_bytes: int = MAX_FRAME_BYTES) -> FrameBlock:
        path = _shm_dir() / f"commandroom-{os.getpid()}-{secrets.token_hex(6)}"
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_RDWR, 0o600)
        try:
            os.ftruncate(fd, block_bytes(frame_bytes))  # sparse: pages come with frames
            mm = mmap.mmap(fd, block_bytes(frame_bytes))
        finally:
            os.close(fd)
        block = cls(mm, path, frame_bytes)
        _STATS.pack_into(mm, _STATS_AT, 0, 0, 0, 0, 0, 0, 0, 0.0, math.nan, 0)
        return block

    @classmethod
    def attach(cls, where: str, frame_bytes: int = MAX_FRAME_BYTES) -> FrameBlock:
        """Map the block the host created at ``where`` (its ``location``)."""
        path = Path(where)
        places = {Path("/dev/shm"), Path(tempfile.gettempdir())}
        if path.parent not in places or not path.name.startswith("commandroom-"):
            raise ValueError(f"not a frame block: {where!r}")
        fd = os.open(path, os.O_RDWR)
        try:
            mm = mmap.mmap(fd, block_bytes(frame_bytes))
        finally:
            os.close(fd)
        return cls(mm, path, frame_bytes)

    @property
    def location(self) -> str:
        return str(self.path)

    def _slot_at(self, slot: int) -> int:
        return CONTROL_BYTES + slot * (SLOT_HEADER_BYTES + self.frame_bytes)

    # -- writer (the capture host) ---------------------------------------------------------
    def _claim(self) -> tuple[int, int]:
        """The slot after the newest, marked as being written (odd generation): slot, offset.

        A claim lasts until a frame is published, so a worker that claimed a slot and then
        failed to fill it gets the same slot back next time.
        """
        if self._claimed is None:
            buf = self.mm
            _, newest = _NEWEST.unpack_from(buf, 0)
            slot = (newest + 1) % SLOTS
            at = self._slot_at(slot)
            gen = _STATS_GEN.unpack_from(buf, at)[0]
            if gen % 2 == 0:
                _STATS_GEN.pack_into(buf, at, gen + 1)
            self._claimed = (slot, at)
        return self._claimed

    def frame_buffer(self, width: int, height: int) -> npt.NDArray[np.uint8] | None:
        """Packed BGRA pixels of the slot the next frame goes to, for the worker to scale
        straight into (then ``write_frame`` only publishes it); None if it does not fit."""
        if width < 1 or height < 1 or width * height * 4 > self.frame_bytes:
            return None
        slot, at = self._claim()
        view = self._slot_view(self._views, slot, at, width, height, width * 4)
        self._lent = view
        return view

    def _slot_view(
        self,
        views: dict[tuple[int, int, int, int], npt.NDArray[np.uint8]],
        slot: int,
        at: int,
        width: int,
        height: int,
        row: int,
    ) -> npt.NDArray[np.uint8]:
        """The pixels of ``slot`` as an array, kept in ``views`` by slot and size: building
        an ndarray on the mapping per frame cost the writer ~0.03 ms a frame, and the reader
        handing out the same array for a slot lets the window wrap it in a QImage once."""
        key = (slot, width, height, row)
        view = views.get(key)
        if view is None:
            if len(views) >= 2 * SLOTS:
                views.clear()  # the tile's size changed: forget the old sizes
            view = np.ndarray(
                (height, width, 4), np.uint8, buffer=self.mm, offset=at + SLOT_HEADER_BYTES,
                strides=(row, 4, 1),
            )  # fmt: skip
            views[key] = view
        return view

    def write_frame(self, frame: Frame) -> bool:
        """Publish ``frame`` in the slot after the newest (copying its pixels there unless
        they were scaled into that slot's ``frame_buffer``); False if too big."""
        image = frame.image
        if image.nbytes > self.frame_bytes or image.ndim != 3 or image.shape[2] != 4:
            return False
        buf = self.mm
        slot, at = self._claim()
        height, width = image.shape[:2]
        if image is not self._lent:
            pixels = np.ndarray(image.shape, np.uint8, buffer=buf, offset=at + SLOT_HEADER_BYTES)
            np.copyto(pixels, image)
        gen = _STATS_GEN.unpack_from(buf, at)[0]  # odd: claimed
        _SLOT.pack_into(
            buf, at, gen + 1, frame.seq, width, height, width * 4,
            frame.source_size[0], frame.source_size[1], frame.wall_time, frame.mono_time,
        )  # fmt: skip
        _NEWEST.pack_into(buf, 0, frame.seq, slot)
        self._claimed = self._lent = None
        return True

    def write_stats(self, stats: CameraStats, last_frame_mono: float | None) -> None:
        buf = self.mm
        gen = _STATS_GEN.unpack_from(buf, 16)[0]
        _STATS_GEN.pack_into(buf, 16, gen + 1)
        message = stats.message.encode("utf-8")[:MESSAGE_BYTES]
        _STATS.pack_into(
            buf, _STATS_AT, STATE_CODES[stats.state], stats.attempt, stats.reconnects,
            stats.stalls, stats.decode_errors, FAILURE_CODES.get(stats.failure, 0),
            min(stats.skipped, _I32_MAX), stats.fps,
            math.nan if last_frame_mono is None else last_frame_mono, len(message),
        )  # fmt: skip
        buf[_MESSAGE_AT : _MESSAGE_AT + len(message)] = message
        _STATS_GEN.pack_into(buf, 16, gen + 2)

    # -- reader (the GUI process) ------------------------------------------------------------
    def newest_seq(self) -> int:
        return int(_NEWEST.unpack_from(self.mm, 0)[0])

    def read_frame(self) -> Frame | None:
        """The newest frame, its pixels a view into the block; None if none or racing."""
        seq, slot = _NEWEST.unpack_from(self.mm, 0)
        return None if seq == 0 else self._read_slot(slot, seq)

    def read_seq(self, seq: int) -> Frame | None:
        """The frame numbered ``seq`` if a slot still holds it (the one before the newest is
        safe until the writer has published two more); None otherwise or if racing."""
        newest, slot = _NEWEST.unpack_from(self.mm, 0)
        behind = newest - seq
        if seq < 1 or not 0 <= behind < SLOTS - 1:
            return None
        return self._read_slot((slot - behind) % SLOTS, seq)

    def _read_slot(self, slot: int, seq: int) -> Frame | None:
        buf = self.mm
        at = self._slot_at(slot)
        gen, slot_seq, width, height, row, src_w, src_h, wall, mono = _SLOT.unpack_from(buf, at)
        if gen % 2 or slot_seq != seq:
            return None
        image = self._slot_view(self._read_views, slot, at, width, height, row)
        if _STATS_GEN.unpack_from(buf, at)[0] != gen:
            return None
        return Frame(slot_seq, image, wall, mono, (src_w, src_h))

    def read_stats(self, now: float) -> CameraStats | None:
        buf = self.mm
        for _ in range(3):
            gen = _STATS_GEN.unpack_from(buf, 16)[0]
            if gen % 2:
                continue
            state, attempt, reconnects, stalls, errors, failure, skipped, fps, mono, length = (
                _STATS.unpack_from(buf, _STATS_AT)
            )
            message = bytes(buf[_MESSAGE_AT : _MESSAGE_AT + min(length, MESSAGE_BYTES)])
            if _STATS_GEN.unpack_from(buf, 16)[0] != gen:
                continue
            return CameraStats(
                state=STATES[state],
                fps=fps,
                frame_age_s=None if math.isnan(mono) else max(0.0, now - mono),
                reconnects=reconnects,
                stalls=stalls,
                decode_errors=errors,
                attempt=attempt,
                message=message.decode("utf-8", "replace"),
                failure=FAILURES[failure] if 0 <= failure < len(FAILURES) else "",
                skipped=skipped,
            )
        return None

    def close(self) -> None:
        """Unmap when no frame view is left (views keep the mapping alive until then)."""
        self._views.clear()
        self._read_views.clear()
        self._lent = None
        with contextlib.suppress(BufferError):
            self.mm.close()  # frames still shown hold views: the mapping goes with the last

    def unlink(self) -> None:
        """Remove the name; both mappings stay valid until closed."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
