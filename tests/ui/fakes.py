"""A numpy stand-in for ``commandroom.video``: captures that the test drives frame by frame.

``FakeCameras`` has ``open_camera``'s call shape and records every capture it opened, so a
test can count what is decoding. Frames come when the test says (``tick``), or, with
``threaded=True``, from one thread per capture like the real workers (for the tests that
check no thread outlives the wall).
"""

from __future__ import annotations

import re
import threading
import time

import numpy as np

from commandroom.video.api import CameraSpec, CameraState, CameraStats, Frame


def mask(url: str) -> str:
    return re.sub(r"//[^/@]*@", "//***@", url)


class FakeCapture:
    def __init__(self, url: str, size: tuple[int, int] | None, name: str) -> None:
        self.url = url
        self.name = name
        self.size = size or (640, 360)
        self.sizes: list[tuple[int, int] | None] = [size]
        self.closed = False
        self.close_thread: str | None = None
        self._lock = threading.Lock()
        self._frame: Frame | None = None
        self._previous: Frame | None = None
        self._state = CameraState.CONNECTING
        self._attempt = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.held = False
        self.fps = 15.0  # what stats() reports

    # --- the Capture protocol ---------------------------------------------------------------

    @property
    def masked_url(self) -> str:
        return mask(self.url)

    def latest(self) -> Frame | None:
        with self._lock:
            return self._frame

    def recent(self, seq: int) -> Frame | None:
        with self._lock:
            held = (self._frame, self._previous)
        return next((f for f in held if f is not None and f.seq == seq), None)

    def stats(self) -> CameraStats:
        with self._lock:
            state = CameraState.CLOSED if self.closed else self._state
            age = None if self._frame is None else time.monotonic() - self._frame.mono_time
            return CameraStats(state, self.fps, age, 0, 0, 0, self._attempt)

    def set_size(self, size: tuple[int, int] | None) -> None:
        with self._lock:
            self.sizes.append(size)
            self.size = size or (640, 360)

    def snapshot(self, fmt: str = "png") -> bytes | None:
        return None

    def close(self) -> None:
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        with self._lock:
            if not self.closed:
                self.close_thread = threading.current_thread().name
            self.closed = True

    # --- driving it from the test -----------------------------------------------------------

    def push(self, value: int | None = None) -> Frame:
        """One new frame at the size asked for: reddish, its blue ``value`` (default: from seq)."""
        with self._lock:
            seq = 1 if self._frame is None else self._frame.seq + 1
            w, h = self.size
            image = np.empty((h, w, 4), np.uint8)
            image[..., 0] = (seq * 37) % 256 if value is None else value
            image[..., 1] = 90
            image[..., 2] = 200
            image[..., 3] = 255
            now_wall, now_mono = time.time(), time.monotonic()
            self._previous = self._frame
            self._frame = Frame(seq, image, now_wall, now_mono, (1280, 720))
            self._state = CameraState.LIVE
            self._attempt = 0
            return self._frame

    def set_state(self, state: CameraState, attempt: int = 0) -> None:
        with self._lock:
            self._state = state
            self._attempt = attempt

    def run(self, fps: float) -> None:
        def loop() -> None:
            while not self._stop.wait(1 / fps):
                if not self.held:
                    self.push()

        self._thread = threading.Thread(target=loop, name=f"fake-capture {self.name}", daemon=True)
        self._thread.start()


class FakeCameras:
    """``open_camera`` for tests; ``held`` URLs deliver no frame until released."""

    def __init__(self, *, first_frame: bool = True, threaded: bool = False, fps: float = 30.0):
        self.opened: list[FakeCapture] = []
        self.first_frame = first_frame
        self.threaded = threaded
        self.fps = fps
        self.held: set[str] = set()
        self._lock = threading.Lock()

    def __call__(
        self, url: str, *, size: tuple[int, int] | None = None, name: str = ""
    ) -> FakeCapture:
        capture = FakeCapture(url, size, name)
        capture.held = url in self.held
        with self._lock:
            self.opened.append(capture)
        if self.first_frame and not capture.held:
            capture.push()
        if self.threaded:
            capture.run(self.fps)
        return capture

    def open_now(self) -> list[FakeCapture]:
        with self._lock:
            return [c for c in self.opened if not c.closed]

    def open_urls(self) -> list[str]:
        return sorted(c.url for c in self.open_now())

    def for_url(self, url: str) -> list[FakeCapture]:
        with self._lock:
            return [c for c in self.opened if c.url == url]

    def tick(self) -> None:
        for capture in self.open_now():
            if not capture.held:
                capture.push()

    def release(self, url: str) -> None:
        self.held.discard(url)
        for capture in self.for_url(url):
            capture.held = False


def make_specs(n: int, *, with_sub: bool = True) -> list[CameraSpec]:
    return [
        CameraSpec(
            code=f"CAM{i:03d}",
            name=f"村口{i}号",
            main_url=f"demo://admin:secret@cam{i}/main",
            sub_url=f"demo://admin:secret@cam{i}/sub" if with_sub else None,
            place_kind="entrance",
        )
        for i in range(1, n + 1)
    ]
