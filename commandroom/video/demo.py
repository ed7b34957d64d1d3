"""A synthetic camera: moving frames with the camera's name and a clock, no network.

For demo mode (a room can be shown without cameras) and for tests and UI work without a
server. The URL says what to simulate::

    demo://Gate-1?fps=15&size=640x360          moving picture, the default
    demo://Gate-1?stamp=1                       also the pixel clock (commandroom.video.stamp)
    demo://Gate-1?frozen=1                      frames keep coming, the picture never changes
    demo://Gate-1?stall_after=5                 frames stop after 5 s (the tile goes stalled)
    demo://Gate-1?fail=unauthorised             never a frame; the state says why
                 (fail=unauthorised|bad_address|offline)

Text uses a built-in 5x7 bitmap font (digits, A-Z and a little punctuation; other characters,
e.g. Chinese, are skipped): the tile itself shows the real name, this only has to prove the
picture belongs to that camera and is moving.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

import numpy as np
import numpy.typing as npt

from commandroom.video.api import CameraState
from commandroom.video.core import CaptureCore, Phase
from commandroom.video.policy import CapturePolicy
from commandroom.video.rtsp_proto import Failure, mask_url
from commandroom.video.stamp import FrameStamp

# The rooms read Shanghai time whatever the machine's zone (as events.deadlines.LOCAL_TZ).
CLOCK_TZ = ZoneInfo("Asia/Shanghai")

_GLYPHS: dict[str, tuple[int, ...]] = {
    "0": (0x0E, 0x11, 0x13, 0x15, 0x19, 0x11, 0x0E),
    "1": (0x04, 0x0C, 0x04, 0x04, 0x04, 0x04, 0x0E),
    "2": (0x0E, 0x11, 0x01, 0x02, 0x04, 0x08, 0x1F),
    "3": (0x1F, 0x02, 0x04, 0x02, 0x01, 0x11, 0x0E),
    "4": (0x02, 0x06, 0x0A, 0x12, 0x1F, 0x02, 0x02),
    "5": (0x1F, 0x10, 0x1E, 0x01, 0x01, 0x11, 0x0E),
    "6": (0x06, 0x08, 0x10, 0x1E, 0x11, 0x11, 0x0E),
    "7": (0x1F, 0x01, 0x02, 0x04, 0x08, 0x08, 0x08),
    "8": (0x0E, 0x11, 0x11, 0x0E, 0x11, 0x11, 0x0E),
    "9": (0x0E, 0x11, 0x11, 0x0F, 0x01, 0x02, 0x0C),
    "A": (0x0E, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11),
    "B": (0x1E, 0x11, 0x11, 0x1E, 0x11, 0x11, 0x1E),
    "C": (0x0E, 0x11, 0x10, 0x10, 0x10, 0x11, 0x0E),
    "D": (0x1C, 0x12, 0x11, 0x11, 0x11, 0x12, 0x1C),
    "E": (0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x1F),
    "F": (0x1F, 0x10, 0x10, 0x1E, 0x10, 0x10, 0x10),
    "G": (0x0E, 0x11, 0x10, 0x17, 0x11, 0x11, 0x0F),
    "H": (0x11, 0x11, 0x11, 0x1F, 0x11, 0x11, 0x11),
    "I": (0x0E, 0x04, 0x04, 0x04, 0x04, 0x04, 0x0E),
    "J": (0x07, 0x02, 0x02, 0x02, 0x02, 0x12, 0x0C),
    "K": (0x11, 0x12, 0x14, 0x18, 0x14, 0x12, 0x11),
    "L": (0x10, 0x10, 0x10, 0x10, 0x10, 0x10, 0x1F),
    "M": (0x11, 0x1B, 0x15, 0x15, 0x11, 0x11, 0x11),
    "N": (0x11, 0x11, 0x19, 0x15, 0x13, 0x11, 0x11),
    "O": (0x0E, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E),
    "P": (0x1E, 0x11, 0x11, 0x1E, 0x10, 0x10, 0x10),
    "Q": (0x0E, 0x11, 0x11, 0x11, 0x15, 0x12, 0x0D),
    "R": (0x1E, 0x11, 0x11, 0x1E, 0x14, 0x12, 0x11),
    "S": (0x0F, 0x10, 0x10, 0x0E, 0x01, 0x01, 0x1E),
    "T": (0x1F, 0x04, 0x04, 0x04, 0x04, 0x04, 0x04),
    "U": (0x11, 0x11, 0x11, 0x11, 0x11, 0x11, 0x0E),
    "V": (0x11, 0x11, 0x11, 0x11, 0x11, 0x0A, 0x04),
    "W": (0x11, 0x11, 0x11, 0x15, 0x15, 0x15, 0x0A),
    "X": (0x11, 0x11, 0x0A, 0x04, 0x0A, 0x11, 0x11),
    "Y": (0x11, 0x11, 0x11, 0x0A, 0x04, 0x04, 0x04),
    "Z": (0x1F, 0x01, 0x02, 0x04, 0x08, 0x10, 0x1F),
    ":": (0x00, 0x0C, 0x0C, 0x00, 0x0C, 0x0C, 0x00),
    "-": (0x00, 0x00, 0x00, 0x1F, 0x00, 0x00, 0x00),
    ".": (0x00, 0x00, 0x00, 0x00, 0x00, 0x0C, 0x0C),
    "/": (0x00, 0x01, 0x02, 0x04, 0x08, 0x10, 0x00),
    "_": (0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x1F),
    "#": (0x0A, 0x0A, 0x1F, 0x0A, 0x1F, 0x0A, 0x0A),
    " ": (0, 0, 0, 0, 0, 0, 0),
}


def text_mask(text: str, scale: int = 1) -> npt.NDArray[np.bool_]:
    """A boolean (7*scale, 6*n*scale) mask of ``text`` in the 5x7 font (unknown chars dropped)."""
    glyphs = [_GLYPHS[ch] for ch in text.upper() if ch in _GLYPHS]
    mask = np.zeros((7, max(1, 6 * len(glyphs))), bool)
    for i, rows in enumerate(glyphs):
        for y, bits in enumerate(rows):
            for x in range(5):
                if bits & (0x10 >> x):
                    mask[y, 6 * i + x] = True
    if scale > 1:
        mask = mask.repeat(scale, axis=0).repeat(scale, axis=1)
    return mask


def draw_text(
    image: npt.NDArray[np.uint8], text: str, x: int, y: int, scale: int, colour: tuple[int, ...]
) -> None:
    """Paint text with a one-pixel dark outline (readable on any background), clipped."""
    mask = text_mask(text, scale)
    height, width = image.shape[:2]
    mh, mw = mask.shape
    x0, y0 = max(0, x), max(0, y)
    x1, y1 = min(width, x + mw), min(height, y + mh)
    if x1 <= x0 or y1 <= y0:
        return
    sub = mask[y0 - y : y1 - y, x0 - x : x1 - x]
    outline = sub.copy()
    outline[1:, :] |= sub[:-1, :]
    outline[:-1, :] |= sub[1:, :]
    outline[:, 1:] |= sub[:, :-1]
    outline[:, :-1] |= sub[:, 1:]
    region = image[y0:y1, x0:x1]
    region[outline & ~sub, :3] = 0
    region[sub, : len(colour)] = colour


@dataclass(frozen=True)
class DemoSpec:
    name: str
    fps: float = 15.0
    size: tuple[int, int] = (640, 360)
    stamp: bool = False
    frozen: bool = False
    stall_after: float | None = None
    fail: CameraState | None = None

    @classmethod
    def parse(cls, url: str, name: str = "") -> DemoSpec:
        parts = urlsplit(url)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        label = name or unquote(parts.netloc + parts.path).strip("/") or "DEMO"
        size = (640, 360)
        if "size" in query:
            w, _, h = query["size"].lower().partition("x")
            size = (max(16, int(w)), max(16, int(h)))
        fail = None
        if "fail" in query:
            fail = CameraState(query["fail"])
        return cls(
            name=label,
            fps=max(0.5, min(120.0, float(query.get("fps", 15)))),
            size=size,
            stamp=query.get("stamp", "0") not in ("0", "", "false"),
            frozen=query.get("frozen", "0") not in ("0", "", "false"),
            stall_after=float(query["stall_after"]) if "stall_after" in query else None,
            fail=fail,
        )


def render(spec: DemoSpec, size: tuple[int, int], t: float, hue: int = 0) -> npt.NDArray[np.uint8]:
    """One BGRA picture of the demo camera at wall-clock time ``t``, drawn at ``size``."""
    width, height = size
    native_w, native_h = spec.size
    if spec.frozen:
        t = 0.0
    # Moving diagonal bands plus a box sweeping across: cheap, unmistakably alive.
    ys = np.arange(height, dtype=np.float32)[:, None] * (native_h / height)
    xs = np.arange(width, dtype=np.float32)[None, :] * (native_w / width)
    phase = (xs + ys + t * 60.0) % 160.0
    base = (60 + 80 * (phase < 80)).astype(np.uint8)
    image = np.empty((height, width, 4), np.uint8)
    image[:, :, 0] = base
    image[:, :, 1] = (base // 2 + 30 + hue * 13 % 60).astype(np.uint8)
    image[:, :, 2] = (base // 3 + 20).astype(np.uint8)
    image[:, :, 3] = 255
    box = max(4, width // 10)
    bx = int((t * 0.25 % 1.0) * (width - box))
    by = height // 2 - box // 2
    image[by : by + box, bx : bx + box, :3] = (40, 200, 250)
    scale = max(1, height // 120)
    clock = datetime.fromtimestamp(t, CLOCK_TZ).strftime("%H:%M:%S") + f".{int(t * 10) % 10}"
    margin = 4 * scale
    draw_text(image, spec.name, margin, height - margin - 7 * scale, scale, (255, 255, 255))
    clock_w = text_mask(clock, scale).shape[1]
    draw_text(image, clock, width - margin - clock_w, margin + 12 * scale, scale, (255, 255, 255))
    if spec.stamp:
        FrameStamp.encode(image, int(t * 1000))
    return image


class DemoCapture(CaptureCore):
    """A ``Capture`` whose worker draws frames at the requested size and rate."""

    def __init__(
        self,
        url: str,
        *,
        size: tuple[int, int] | None = None,
        name: str = "",
        policy: CapturePolicy | None = None,
    ) -> None:
        self.spec = DemoSpec.parse(url, name)
        super().__init__(mask_url(url), size, self.spec.name, policy)
        self._hue = sum(map(ord, self.spec.name)) % 7
        self._thread = threading.Thread(
            target=self._run, name=f"capture:{self.masked_url}", daemon=True
        )
        self._thread.start()

    def _native_later(self, t: float) -> Callable[[], npt.NDArray[np.uint8] | None]:
        """The same moment drawn at the camera's own size, only when a snapshot asks."""
        return lambda: render(self.spec, self.spec.size, t, self._hue)

    def _run(self) -> None:
        spec = self.spec
        if spec.fail is not None:
            failure = {
                CameraState.UNAUTHORISED: Failure.UNAUTHORISED,
                CameraState.BAD_ADDRESS: Failure.BAD_URL,
            }.get(spec.fail, Failure.NO_ANSWER)
            self.set_phase(Phase.WAITING, attempt=1, failure=failure, message="demo failure")
            if spec.fail is CameraState.OFFLINE:
                self._started -= self.policy.offline_after_s
            self._closing.wait()
            return
        self.set_phase(Phase.STREAMING)
        period = 1.0 / spec.fps
        started = time.monotonic()
        next_t = started
        while not self.closing:
            now = time.monotonic()
            if spec.stall_after is None or now - started < spec.stall_after:
                t = time.time()
                image = render(spec, self.size or spec.size, t, self._hue)
                self.publish(image, spec.size, self._native_later(t))
            else:
                self.observe()
            next_t += period
            if next_t < now - period:  # fell behind: do not burst to catch up
                next_t = now + period
            self.wait_closing(next_t - time.monotonic())

    def close(self) -> None:
        self._closing.set()
        self._thread.join()
        self._mark_closed()
