"""The capture host process: runs the capture workers of a window's wall, away from its GUI.

Started by ``commandroom.video.host`` as ``python -m commandroom.video.host_main FD`` in a
session of its own; FD is its end of a socket pair. Why a process (measured on the 2-core
machine, bench/window.py and bench/wall.py): in the window's process the 16 capture threads
shared the GIL and the scheduler's share with the GUI thread, which waited 20-50 ms for a
core while cameras connected; as a separate session the kernel's autogroup scheduling gives
the GUI process its own share, and no capture thread can hold the GUI's GIL. A crash inside
a decoder now ends this process, not the window: the host is started again and the cameras
reconnect.

Requests (tuples) from the window: ``("open", cid, url, size, name, policy)``,
``("size", cid, size)``, ``("close", cid)``, ``("snapshot", req, cid, fmt)``,
``("count", req)``. Answers: ``("opened", cid, block location)``, ``("closed", cid)``,
``("snapshot", req, bytes | None)``, ``("count", req, workers alive)``. Frames and figures
travel through each capture's ``FrameBlock``, not through the socket.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import threading
from multiprocessing.connection import Connection
from typing import Any

import numpy as np
import numpy.typing as npt

from commandroom.video import open_camera
from commandroom.video.api import CameraState, Capture, Frame
from commandroom.video.frame_block import FrameBlock

log = logging.getLogger(__name__)

# How fresh the state on a tile is: the wall reads it every 0.25 s (``wall_widget``), so
# writing it more often only costs the host (16 cameras' figures, 10 times a second before).
STATS_EVERY_S = 0.25


class _Hosted:
    """One capture and its block; the worker thread writes its frames into the block.

    The block's mapping stays valid while the worker holds a slot's view (``mmap`` refuses
    to close with views alive), so a worker still scaling when its camera closes writes
    into memory that is still mapped, never into a hole.
    """

    def __init__(self, capture: Capture, block: FrameBlock) -> None:
        self.capture = capture
        self.block = block
        self.last_mono: float | None = None
        self.lock = threading.Lock()  # the worker's frame copy vs the block's closing
        self.closed = False
        self.live_told = False  # the block's state says live (or frozen): frames are coming

    def frame_buffer(self, width: int, height: int) -> npt.NDArray[np.uint8] | None:
        """The block's next slot for the worker to scale into (None once closed: the worker
        then scales into a buffer of its own and the frame is dropped)."""
        with self.lock:
            return None if self.closed else self.block.frame_buffer(width, height)

    def on_frame(self, frame: Frame) -> None:
        with self.lock:
            if not self.closed and self.block.write_frame(frame):
                self.last_mono = frame.mono_time
                if not self.live_told:  # the first frame of a stream: say so with it, not
                    self._write_stats()  # up to STATS_EVERY_S later (the tile greys it)

    def write_stats(self) -> None:
        with self.lock:
            if not self.closed:
                self._write_stats()

    def _write_stats(self) -> None:
        stats = self.capture.stats()
        self.block.write_stats(stats, self.last_mono)
        self.live_told = stats.state in (CameraState.LIVE, CameraState.FROZEN)

    def close(self) -> None:
        self.capture.close()
        with self.lock:
            self.closed = True
            self.block.write_stats(self.capture.stats(), self.last_mono)  # "closed"
            self.block.unlink()
            self.block.close()


class Host:
    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.send_lock = threading.Lock()
        self.hosted: dict[int, _Hosted] = {}
        self.lock = threading.Lock()
        self.done = threading.Event()

    def send(self, message: tuple[Any, ...]) -> None:
        with self.send_lock, contextlib.suppress(OSError):
            self.conn.send(message)

    def serve(self) -> None:
        threading.Thread(target=self._stats_loop, name="host-stats", daemon=True).start()
        try:
            while True:
                try:
                    message = self.conn.recv()
                except (EOFError, OSError):
                    break  # the window is gone: so are we
                self.handle(message)
        finally:
            self.done.set()
            with self.lock:
                hosted = list(self.hosted.values())
                self.hosted.clear()
            for item in hosted:
                with contextlib.suppress(Exception):
                    item.close()

    def handle(self, message: tuple[Any, ...]) -> None:
        kind = message[0]
        item: _Hosted | None
        if kind == "open":
            _, cid, url, size, name, policy = message
            block = FrameBlock.create()
            capture = open_camera(url, size=size, name=name, policy=policy)
            hosted = _Hosted(capture, block)
            capture.on_publish = hosted.on_frame  # type: ignore[attr-defined]  # CaptureCore's
            capture.frame_target = hosted.frame_buffer  # type: ignore[attr-defined]
            with self.lock:
                self.hosted[cid] = hosted
            hosted.write_stats()
            self.send(("opened", cid, block.location))
        elif kind == "size":
            _, cid, size = message
            item = self.hosted.get(cid)
            if item is not None:
                item.capture.set_size(size)
        elif kind == "close":
            cid = message[1]
            with self.lock:
                item = self.hosted.pop(cid, None)
            threading.Thread(target=self._close, args=(cid, item), daemon=True).start()
        elif kind == "snapshot":
            _, req, cid, fmt = message
            item = self.hosted.get(cid)
            threading.Thread(target=self._snapshot, args=(req, item, fmt), daemon=True).start()
        elif kind == "count":
            with self.lock:
                alive = len(self.hosted)
            self.send(("count", message[1], alive))

    def _close(self, cid: int, item: _Hosted | None) -> None:
        if item is not None:
            try:
                item.close()
            except Exception:  # one capture's failure must not stop the host
                log.exception("closing a hosted capture failed")
        self.send(("closed", cid))

    def _snapshot(self, req: int, item: _Hosted | None, fmt: str) -> None:
        data: bytes | None = None
        if item is not None:
            try:
                data = item.capture.snapshot(fmt)
            except Exception:
                log.exception("snapshot failed")
        self.send(("snapshot", req, data))

    def _stats_loop(self) -> None:
        while not self.done.wait(STATS_EVERY_S):
            with self.lock:
                hosted = list(self.hosted.values())
            for item in hosted:
                item.write_stats()


# Nice value of the host's scheduling group (Linux autogroup, one per session). The host
# needs about 0.4 of a core for 16 substreams; when the cores are contended the window's GUI
# thread should get its turn first. Per-thread nice inside one process made a worker that
# held the GIL lose its core (1.4 s GUI stalls); a process has no GIL to share.
HOST_GROUP_NICE = 5


def yield_to_the_window(nice: int = HOST_GROUP_NICE) -> bool:
    """Lower this session's scheduling weight; False where the kernel has no autogroups."""
    try:
        with open("/proc/self/autogroup", "w") as group:
            group.write(str(nice))
    except OSError:
        return False
    return True


def warm_up() -> None:
    """Import the decoder (PyAV and FFmpeg's libraries) and load libyuv while the window
    starts, not on the first camera's open: that open took ~80 ms to import them, and the
    other 15 opens of a wall waited behind it (measured with per-step timestamps)."""
    import commandroom.video.capture  # noqa: F401  (PyAV)
    from commandroom.video.tile_scaler import backend

    backend()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    yield_to_the_window()
    threading.Thread(target=warm_up, name="host-warm-up", daemon=True).start()
    Host(Connection(int(args[0]))).serve()
    return 0


if __name__ == "__main__":
    sys.exit(main())
