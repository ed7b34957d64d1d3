"""Captures run by a capture host process (``host_main``), seen from the window's process.

``open_hosted`` has ``open_camera``'s shape and returns a ``HostedCapture``: the same
``Capture`` protocol, its frames read from shared memory (``FrameBlock``) without a copy,
its state and figures too, so ``latest()`` and ``stats()`` never touch the socket. One host
serves every wall window of the process; it is started on first use (or ahead by
``video.preload()``), lives in a session of its own (see host_main for the measured why) and
ends when the window's process does (its socket closes). If it dies, every hosted capture
reports "reconnecting" with the reason, a new host is started and the captures reopen in it.

``COMMANDROOM_CAPTURE=thread`` makes the windows decode in their own process again (for
comparison and for machines where a second process is not wanted).
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from multiprocessing.connection import Connection
from typing import Any

from commandroom.video.api import CameraState, CameraStats, Capture, Frame
from commandroom.video.core import check_size
from commandroom.video.frame_block import FrameBlock
from commandroom.video.policy import CapturePolicy
from commandroom.video.rtsp_proto import mask_url

log = logging.getLogger(__name__)

HOST_LOST = "capture process stopped; restarting it"
REPLY_TIMEOUT_S = 10.0
RESTART_PAUSE_S = 2.0


def hosting_enabled() -> bool:
    return os.environ.get("COMMANDROOM_CAPTURE", "process").strip().lower() != "thread"


class HostedCapture:
    """A ``Capture`` whose worker runs in the capture host."""

    def __init__(
        self,
        host: CaptureHost,
        cid: int,
        url: str,
        size: tuple[int, int] | None,
        name: str,
        policy: CapturePolicy | None,
    ) -> None:
        self._host = host
        self.cid = cid
        self.url = url
        self.name = name
        self.policy = policy or CapturePolicy()
        self._masked = mask_url(url)
        self._size = check_size(size)
        self._block: FrameBlock | None = None
        self._frame: Frame | None = None
        self._stats = CameraStats(CameraState.CONNECTING, 0.0, None, 0, 0, 0, 0)
        self._lost = False
        self._closed = threading.Event()
        self._closing = False
        self._lock = threading.Lock()

    # -- the Capture protocol ---------------------------------------------------------------
    @property
    def masked_url(self) -> str:
        return self._masked

    def latest(self) -> Frame | None:
        block, frame = self._block, self._frame
        if block is None or (frame is not None and block.newest_seq() == frame.seq):
            return frame
        newer = block.read_frame()
        if newer is not None:
            self._frame = newer
            return newer
        return frame

    def recent(self, seq: int) -> Frame | None:
        block, frame = self._block, self._frame
        if frame is not None and frame.seq == seq:
            return frame
        return None if block is None else block.read_seq(seq)

    def stats(self) -> CameraStats:
        block = self._block
        if self._closing and self._closed.is_set():
            return _with_state(self._stats, CameraState.CLOSED, "")
        if self._lost or block is None:
            return self._stats
        stats = block.read_stats(time.monotonic())
        if stats is not None:
            self._stats = stats
        return self._stats

    def set_size(self, size: tuple[int, int] | None) -> None:
        checked = check_size(size)
        with self._lock:
            self._size = checked
        self._host.send(("size", self.cid, checked))

    def snapshot(self, fmt: str = "png") -> bytes | None:
        return self._host.snapshot(self.cid, fmt)

    def close(self) -> None:
        """Stop the worker in the host and wait for it (from the wall's closer threads)."""
        with self._lock:
            first = not self._closing
            self._closing = True
        if first:
            self._host.close(self)
        self._closed.wait(self.policy.open_timeout_s + 3.0)
        self._closed.set()

    # -- from the host connection -------------------------------------------------------------
    @property
    def size(self) -> tuple[int, int] | None:
        with self._lock:
            return self._size

    def attach(self, block: FrameBlock) -> None:
        self._block, self._lost = block, False

    def lose(self) -> None:
        """The host died: keep the last frame (greyed by the tile), say why, wait for the new."""
        self._lost = True
        self._stats = _with_state(self._stats, CameraState.RECONNECTING, HOST_LOST)
        self._block = None

    def mark_closed(self) -> None:
        self._closed.set()


def _with_state(stats: CameraStats, state: CameraState, message: str) -> CameraStats:
    return CameraStats(
        state, 0.0, stats.frame_age_s, stats.reconnects, stats.stalls, stats.decode_errors,
        stats.attempt, message, stats.failure, stats.skipped,
    )  # fmt: skip


class CaptureHost:
    """The window process's end of the capture host: starts it, talks to it, restarts it."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._captures: dict[int, HostedCapture] = {}
        self._closing: dict[int, HostedCapture] = {}  # asked to close, answer pending
        self._replies: dict[int, Future[Any]] = {}
        self._conn: Connection | None = None
        self._proc: subprocess.Popen[bytes] | None = None
        self._sock: socket.socket | None = None
        self._reader: threading.Thread | None = None
        self._stopped = False
        self._started_at = 0.0
        self.starts = 0

    # -- process ----------------------------------------------------------------------------
    def _start(self) -> Connection:
        """Start a host process (called with ``_lock`` held)."""
        ours, theirs = socket.socketpair()
        try:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "commandroom.video.host_main", str(theirs.fileno())],
                pass_fds=(theirs.fileno(),),
                stdin=subprocess.DEVNULL,
                start_new_session=True,  # its own scheduling group (autogroup) and signals
            )
        finally:
            theirs.close()
        # The connection gets its own descriptor; ``ours`` stays for shutdown(), which (unlike
        # closing a descriptor another thread is reading) wakes our reader and tells the host.
        conn = Connection(os.dup(ours.fileno()))
        self._conn, self._sock = conn, ours
        self._started_at = time.monotonic()
        self.starts += 1
        self._reader = threading.Thread(
            target=self._read, args=(conn,), name="capture-host-reader", daemon=True
        )
        self._reader.start()
        return conn

    def ensure_started(self) -> None:
        with self._lock:
            if self._conn is None and not self._stopped:
                self._start()

    @property
    def pid(self) -> int | None:
        proc = self._proc
        return None if proc is None else proc.pid

    def send(self, message: tuple[Any, ...]) -> None:
        with self._lock:
            conn = self._conn
            if conn is None:
                if self._stopped:
                    return
                conn = self._start()
        with self._send_lock, contextlib.suppress(OSError):
            conn.send(message)

    def _ask(self, message_of: Any) -> Any:
        req = next(self._ids)
        future: Future[Any] = Future()
        with self._lock:
            self._replies[req] = future
        self.send(message_of(req))
        try:
            return future.result(REPLY_TIMEOUT_S)
        except FutureTimeout:
            return None
        finally:
            with self._lock:
                self._replies.pop(req, None)

    # -- captures ---------------------------------------------------------------------------
    def open(
        self,
        url: str,
        *,
        size: tuple[int, int] | None = None,
        name: str = "",
        policy: CapturePolicy | None = None,
    ) -> HostedCapture:
        capture = HostedCapture(self, next(self._ids), url, size, name, policy)
        with self._lock:
            self._captures[capture.cid] = capture
        self._send_open(capture)
        return capture

    def _send_open(self, capture: HostedCapture) -> None:
        self.send(("open", capture.cid, capture.url, capture.size, capture.name, capture.policy))

    def close(self, capture: HostedCapture) -> None:
        with self._lock:
            known = self._captures.pop(capture.cid, None) is not None
            alive = known and self._conn is not None
            if alive:
                self._closing[capture.cid] = capture
        if alive:
            self.send(("close", capture.cid))
        else:
            capture.mark_closed()

    def snapshot(self, cid: int, fmt: str) -> bytes | None:
        data = self._ask(lambda req: ("snapshot", req, cid, fmt))
        return data if isinstance(data, bytes) else None

    def worker_count(self) -> int | None:
        """Captures the host is running (tests: nothing survives a closed wall)."""
        with self._lock:
            if self._conn is None:
                return 0
        count = self._ask(lambda req: ("count", req))
        return count if isinstance(count, int) else None

    # -- answers ----------------------------------------------------------------------------
    def _read(self, conn: Connection) -> None:
        while True:
            try:
                message = conn.recv()
            except (EOFError, OSError):
                break
            self._dispatch(message)
        self._host_lost(conn)

    def _dispatch(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        if kind == "opened":
            _, cid, where = message
            with self._lock:
                capture = self._captures.get(cid)
            try:
                block = FrameBlock.attach(where)
            except (OSError, ValueError):
                log.exception("capture %s: no frame block", cid)
                return
            block.unlink()  # both ends have it mapped; nothing is left behind if either dies
            if capture is None:
                block.close()  # closed before the host answered
            else:
                capture.attach(block)
        elif kind == "closed":
            _, cid = message
            with self._lock:
                closing = self._closing.pop(cid, None)
            if closing is not None:
                closing.mark_closed()
        elif kind in ("snapshot", "count"):
            with self._lock:
                future = self._replies.get(message[1])
            if future is not None and not future.done():
                future.set_result(message[2])

    def _host_lost(self, conn: Connection) -> None:
        with self._lock:
            if self._conn is not conn:
                return
            self._conn = None
            sock, self._sock = self._sock, None
            captures = list(self._captures.values())
            closing = list(self._closing.values())
            self._closing.clear()
            for future in self._replies.values():
                if not future.done():
                    future.set_result(None)
            proc, self._proc = self._proc, None
            stopped = self._stopped
            lived = time.monotonic() - self._started_at
        conn.close()
        if sock is not None:
            sock.close()
        if proc is not None:
            with contextlib.suppress(Exception):
                proc.wait(1.0)
        for capture in closing:
            capture.mark_closed()  # its worker went with the host
        for capture in captures:
            capture.lose()
        if stopped or not captures:
            return
        log.warning("the capture host stopped; starting it again for %d cameras", len(captures))
        if lived < RESTART_PAUSE_S:
            time.sleep(RESTART_PAUSE_S)  # a host that cannot stay up must not spin
        for capture in captures:
            self._send_open(capture)

    def shutdown(self) -> None:
        """Stop the host (its workers end with it) and wait for it."""
        with self._lock:
            self._stopped = True
            conn, self._conn = self._conn, None
            sock, self._sock = self._sock, None
            proc = self._proc
            captures = list(self._captures.values()) + list(self._closing.values())
            self._captures.clear()
            self._closing.clear()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if conn is not None:
            conn.close()
        if proc is not None:
            try:
                proc.wait(10.0)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        reader = self._reader
        if reader is not None and reader is not threading.current_thread():
            reader.join(5.0)
        for capture in captures:
            capture.mark_closed()


_HOST: CaptureHost | None = None
_HOST_LOCK = threading.Lock()


def shared_host() -> CaptureHost:
    global _HOST
    with _HOST_LOCK:
        if _HOST is None:
            _HOST = CaptureHost()
        return _HOST


def open_hosted(
    url: str,
    *,
    size: tuple[int, int] | None = None,
    name: str = "",
    policy: CapturePolicy | None = None,
) -> Capture:
    """``open_camera`` with the worker in the capture host (or here if hosting is off)."""
    if not hosting_enabled():
        from commandroom.video import open_camera

        return open_camera(url, size=size, name=name, policy=policy)
    return shared_host().open(url, size=size, name=name, policy=policy)
