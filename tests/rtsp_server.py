"""Control a real RTSP server (``tests/rtsp_serve.py``) from tests and bench/.

The server runs under Debian's ``/usr/bin/python3`` because gst-rtsp-server's bindings come
from Debian packages (``bash scripts/test.sh`` installs them); its absence is a failure, never
a skip. ``RtspServer`` starts it on a free port of 127.0.0.1, waits until the port accepts,
hands out URLs per mount, can stop and restart it *on the same port* (reconnect tests), and
stops it by PID (terminate → wait → kill) so nothing outlives the session.

Also here: ``BlackHole``, a TCP port that accepts connections and never says a word (a camera
that hangs after the handshake), and ``closed_port()``, a port nothing listens on.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SYSTEM_PYTHON = "/usr/bin/python3"
SERVE_SCRIPT = Path(__file__).with_name("rtsp_serve.py")
HOST = "127.0.0.1"


class RtspServerUnavailable(RuntimeError):
    """The server could not start (missing Debian packages, port trouble): tests fail."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def closed_port() -> int:
    """A port that refuses connections (bound then released; nothing listens on it)."""
    return free_port()


def port_accepts(port: int, timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((HOST, port), timeout=timeout):
            return True
    except OSError:
        return False


@dataclass
class RtspServer:
    """One gst-rtsp-server process serving generated H.264 mounts on 127.0.0.1."""

    mounts: list[str] = field(default_factory=lambda: ["cam1", "cam2", "cam3"])
    secure: dict[str, tuple[str, str]] = field(default_factory=dict)  # mount -> (user, pw)
    frozen: list[str] = field(default_factory=list)
    width: int = 640
    height: int = 360
    fps: int = 15
    kbps: int = 1024
    preset: str = "ultrafast"  # x264 speed-preset (see rtsp_serve.py)
    profile: str = "constrained-baseline"
    replay: int = 0  # seconds of each mount encoded at start and replayed (0: encode live)
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None
    log_path: Path | None = None

    def command(self) -> list[str]:
        cmd = [SYSTEM_PYTHON, str(SERVE_SCRIPT), "--port", str(self.port)]
        cmd += ["--width", str(self.width), "--height", str(self.height), "--fps", str(self.fps)]
        cmd += ["--kbps", str(self.kbps), "--preset", self.preset, "--profile", self.profile]
        cmd += ["--replay", str(self.replay)]
        for name in self.mounts:
            cmd += ["--mount", name]
        for name, (user, password) in self.secure.items():
            cmd += ["--secure", f"{name}:{user}:{password}"]
        for name in self.frozen:
            cmd += ["--frozen", name]
        return cmd

    def start(self, timeout: float = 15.0) -> RtspServer:
        if self.running:
            return self
        if not Path(SYSTEM_PYTHON).exists():
            raise RtspServerUnavailable(f"{SYSTEM_PYTHON} missing; run `bash scripts/test.sh`")
        log = self.log_path.open("ab") if self.log_path else subprocess.DEVNULL
        # The port may still be held by the previous process's listening socket for a moment
        # after a restart; retry until the deadline rather than failing on the first bind.
        deadline = time.monotonic() + timeout
        while True:
            self.proc = subprocess.Popen(
                self.command(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=log,
                start_new_session=True,  # Ctrl-C in the terminal must not reach it first
            )
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                if port_accepts(self.port):
                    return self
                time.sleep(0.05)
            code = self.proc.poll()
            if code is None or time.monotonic() >= deadline:
                self.stop()
                raise RtspServerUnavailable(
                    f"RTSP server did not listen on {HOST}:{self.port} within {timeout:.0f}s "
                    f"(exit {code}); run it by hand: {' '.join(self.command())}"
                )
            time.sleep(0.2)

    def latency_ms(self, stamp_ms: int, at_ms: float) -> float:
        """How long before ``at_ms`` (wall clock) a frame stamped ``stamp_ms`` was sent.

        A replayed mount stamps each frame with its place in the loop and sends it when the
        wall clock modulo the loop is that place (rtsp_serve.py, ``encode_loop``)."""
        if not self.replay:
            return at_ms - stamp_ms
        return (at_ms - stamp_ms) % (self.replay * 1000)

    @property
    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def stop(self, timeout: float = 5.0) -> None:
        """terminate → wait → kill, by PID (the server runs in its own session)."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout)

    def kill(self) -> None:
        """Vanish at once, like a camera losing power (no RTSP TEARDOWN, no FIN first)."""
        proc, self.proc = self.proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5.0)

    def restart(self) -> RtspServer:
        self.stop()
        return self.start()

    def url(self, mount: str, user: str | None = None, password: str | None = None) -> str:
        auth = f"{user}:{password}@" if user is not None else ""
        return f"rtsp://{auth}{HOST}:{self.port}/{mount}"

    def secure_url(self, mount: str) -> str:
        user, password = self.secure[mount]
        return self.url(mount, user, password)

    def __enter__(self) -> RtspServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


class BlackHole:
    """A listening socket that accepts every connection and never answers (nor closes)."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind((HOST, 0))
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.port = int(self.sock.getsockname()[1])
        self.accepted: list[socket.socket] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="black-hole", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.accepted.append(conn)  # held open, never read

    def url(self, mount: str = "cam") -> str:
        return f"rtsp://{HOST}:{self.port}/{mount}"

    def close(self) -> None:
        self._stop.set()
        self._thread.join(2.0)
        for conn in self.accepted:
            conn.close()
        self.sock.close()

    def __enter__(self) -> BlackHole:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
