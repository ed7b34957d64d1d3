"""Camera sources, decode workers, latest-frame slots and reconnect policy; no Qt."""

from __future__ import annotations

from commandroom.video.api import (
    STALL_AFTER_S,
    CameraSpec,
    CameraState,
    CameraStats,
    Capture,
    Frame,
)
from commandroom.video.policy import CapturePolicy
from commandroom.video.rtsp_proto import mask_url
from commandroom.video.stamp import FrameStamp

__all__ = [
    "STALL_AFTER_S",
    "CameraSpec",
    "CameraState",
    "CameraStats",
    "Capture",
    "CapturePolicy",
    "Frame",
    "FrameStamp",
    "mask_url",
    "open_camera",
    "preload",
]


def preload() -> None:
    """Get the decoding ready before a window needs it: start the capture host process
    (``commandroom.video.host``), or where captures decode in this process, import the
    decoder (PyAV and FFmpeg's libraries: a few hundred ms, most of it C initialisation
    holding the GIL). A window calls this on a thread before its own code loads."""
    from commandroom.video.host import hosting_enabled, shared_host

    if hosting_enabled():
        shared_host().ensure_started()
    else:
        import commandroom.video.capture  # noqa: F401


def open_camera(
    url: str,
    *,
    size: tuple[int, int] | None = None,
    name: str = "",
    policy: CapturePolicy | None = None,
) -> Capture:
    """Start a capture worker for ``url`` and return at once (never blocks on the network).

    ``demo://NAME?...`` gives the synthetic source (commandroom.video.demo); anything else is a
    stream: ``rtsp://`` through our RTSP client, other schemes through libavformat. A URL that
    cannot work still returns a capture, whose state says why (bad address, unauthorised...).
    ``size`` is the tile's (width, height), None for the stream's own size.
    """
    if url.lower().startswith("demo://"):
        from commandroom.video.demo import DemoCapture

        return DemoCapture(url, size=size, name=name, policy=policy)
    from commandroom.video.capture import StreamCapture

    return StreamCapture(url, size=size, name=name, policy=policy)
