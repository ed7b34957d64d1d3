"""The throwaway cluster of tests/pg.py leaves nothing running when its session is told to stop
(SIGTERM), and a session killed outright (SIGKILL) is cleaned up by the next one's sweep —
which leaves the clusters of sessions still running alone.

Each test's child process works in a private temporary directory, so the sweeps here never
see the clusters of other test sessions on the machine.
"""

from __future__ import annotations

import json
import os
import selectors
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.pg import DIR_PREFIX, OWNER_FILE, _pid_alive, sweep_stale

ROOT = Path(__file__).resolve().parents[1]

CHILD_TEST = """
import time

import pytest

from tests.pg import PostgresServer


@pytest.fixture(scope="session")
def server():
    server = PostgresServer().start()
    try:
        yield server
    finally:
        server.stop()


def test_waits(server):
    print("READY", server.datadir, server.pid, flush=True)
    time.sleep(120)
"""


@pytest.fixture
def private_tmp() -> Iterator[Path]:
    """A temporary directory the ``postgres`` OS user may enter (pytest's tmp_path is private
    to root when the tests run as root, and the server refuses to run as root)."""
    path = Path(tempfile.mkdtemp(prefix="commandroom-pgsweep-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def _child(private_tmp: Path, tmp_path: Path) -> tuple[subprocess.Popen[str], Path, int]:
    """A pytest session whose only test holds a cluster open; returns it once the cluster
    runs, with the cluster's data directory and postmaster PID."""
    test_file = tmp_path / "test_holds_cluster.py"
    test_file.write_text(textwrap.dedent(CHILD_TEST))
    env = {**os.environ, "TMPDIR": str(private_tmp), "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", "-s", "-q", "-p", "no:cacheprovider", str(test_file)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    assert proc.stdout is not None
    seen: list[str] = []
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if not sel.select(timeout=deadline - time.monotonic()):
                break
            line = proc.stdout.readline()
            if not line:
                break
            seen.append(line)
            if line.startswith("READY "):
                _, datadir, pid = line.split()
                return proc, Path(datadir), int(pid)
    proc.kill()
    proc.wait()
    pytest.fail("the child never started its cluster:\n" + "".join(seen))


def _wait_gone(pid: int, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while _pid_alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not _pid_alive(pid)


def test_sigterm_stops_the_cluster_and_removes_it(private_tmp: Path, tmp_path: Path) -> None:
    proc, datadir, postmaster = _child(private_tmp, tmp_path)
    assert _pid_alive(postmaster) and datadir.is_dir()
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 2, out  # pytest's "interrupted", after its teardown ran
    assert _wait_gone(postmaster, timeout=5), f"postmaster {postmaster} still runs"
    assert not datadir.parent.exists()
    assert list(private_tmp.iterdir()) == []


def test_a_killed_sessions_cluster_is_swept_and_live_ones_are_kept(
    private_tmp: Path, tmp_path: Path
) -> None:
    proc, datadir, postmaster = _child(private_tmp, tmp_path)
    proc.kill()  # SIGKILL: no teardown, no atexit; the postmaster is orphaned
    proc.communicate(timeout=30)
    orphan = datadir.parent
    assert _pid_alive(postmaster) and orphan.is_dir()

    live = private_tmp / f"{DIR_PREFIX}live"  # another session, still running (us)
    live.mkdir()
    (live / OWNER_FILE).write_text(json.dumps({"pid": os.getpid()}))
    unowned = private_tmp / f"{DIR_PREFIX}unowned"  # an older copy's, just made
    unowned.mkdir()
    try:
        assert sweep_stale(private_tmp) == [orphan]
        assert _wait_gone(postmaster, timeout=5)
        assert not orphan.exists()
        assert live.is_dir() and unowned.is_dir()
    finally:
        if _pid_alive(postmaster):
            os.kill(postmaster, signal.SIGKILL)
