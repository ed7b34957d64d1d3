"""A throwaway PostgreSQL cluster for one test session.

Tests run against a real server because the feed (LISTEN/NOTIFY), advisory locks and the
migrations' PostgreSQL branch cannot be faked. The cluster lives in a temporary directory,
listens on 127.0.0.1 only (plus a private Unix socket directory), runs with fsync off, and is
stopped by PID at the end, so a run leaves neither files nor processes behind.

"The end" includes being told to stop: SIGTERM and SIGHUP (a CI job cancelled, a terminal
closed, ``timeout``) raise KeyboardInterrupt, as Ctrl-C does, so pytest tears its fixtures
down and the cluster is stopped; a second signal stops every cluster at once and exits.
Nothing survives SIGKILL, so each cluster directory names its owner (PID and start time) and
a new cluster first removes those whose owner is gone or whose postmaster died; a cluster
whose owner still runs (another test session on the same machine) is never touched.

PostgreSQL being absent is a failure, never a skip: ``bash scripts/test.sh`` installs it, so a
missing server means the machine was not set up the way CI is.
"""

from __future__ import annotations

import atexit
import glob
import itertools
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path
from types import FrameType
from typing import Any

import psycopg
from psycopg import sql

PG_OS_USER = "postgres"
SUPERUSER = "postgres"
HOST = "127.0.0.1"
DIR_PREFIX = "commandroom-pg-"
OWNER_FILE = "owner.json"
STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)
UNOWNED_GRACE = 600.0  # seconds


class PostgresUnavailable(RuntimeError):
    """Raised (and so failing the tests that need it) when no server can be started."""


def find_bindir() -> Path:
    """Where initdb/pg_ctl live: pg_config's answer, else the newest Debian install, else PATH."""
    candidates: list[Path] = []
    pg_config = shutil.which("pg_config")
    if pg_config:
        out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
        if out.returncode == 0 and out.stdout.strip():
            candidates.append(Path(out.stdout.strip()))

    def version_key(path: str) -> tuple[int, ...]:
        version = Path(path).parent.name
        return tuple(int(p) for p in version.split(".") if p.isdigit())

    debian = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version_key, reverse=True)
    candidates.extend(Path(d) for d in debian)
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(Path(on_path).resolve().parent)
    for bindir in candidates:
        if (bindir / "initdb").is_file() and (bindir / "pg_ctl").is_file():
            return bindir
    raise PostgresUnavailable(
        "PostgreSQL server binaries (initdb, pg_ctl) not found; run `bash scripts/test.sh`, "
        "which installs the `postgresql` package"
    )


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _pid_alive(pid: int) -> bool:
    """True while ``pid`` runs. pg_ctl detaches the postmaster, so once it exits it is PID 1's
    child to reap; until then it is a zombie, which ``kill(pid, 0)`` alone reports as alive."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by another user
        pass
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return True  # no procfs: trust kill()
    return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def _start_time(pid: int) -> int | None:
    """The process's start time in clock ticks since boot, which tells a live owner from an
    unrelated process that got its PID later; None without procfs."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[-1].split()[19])


def _owner_alive(base: Path) -> bool:
    """Whether the process that made this cluster directory (per its owner file) still runs."""
    try:
        owner = json.loads((base / OWNER_FILE).read_text())
        pid, started = int(owner["pid"]), owner.get("start")
    except PermissionError:
        return True  # another user's run: theirs to clean up
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if not _pid_alive(pid):
        return False
    return started is None or _start_time(pid) in (None, started)


def _postmaster_pid(datadir: Path) -> int | None:
    """The running postmaster of ``datadir``, checked against its command line so that a
    recycled PID is never signalled."""
    try:
        pid = int((datadir / "postmaster.pid").read_text().splitlines()[0])
    except (OSError, ValueError, IndexError):
        return None
    if not _pid_alive(pid):
        return None
    try:
        args = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return pid  # no procfs: the pid file is all there is to go on
    return pid if os.fsencode(str(datadir)) in args else None


def _kill_postmaster(pid: int, timeout: float = 10.0) -> None:
    """Immediate shutdown (SIGQUIT), then SIGKILL if it will not go."""
    for sig in (signal.SIGQUIT, signal.SIGKILL):
        try:
            os.kill(pid, sig)
        except (ProcessLookupError, PermissionError):
            return
        deadline = time.monotonic() + timeout
        while _pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not _pid_alive(pid):
            return


def sweep_stale(tmpdir: str | Path | None = None) -> list[Path]:
    """Remove the clusters earlier runs left behind (their owner gone, or their postmaster
    dead); returns the directories removed. Clusters of live sessions are left alone, and so
    is a directory without an owner file (made by an older copy of this module, or being
    made right now) unless its postmaster is dead and it is older than ``UNOWNED_GRACE``."""
    removed: list[Path] = []
    root = Path(tmpdir or tempfile.gettempdir())
    for base in sorted(root.glob(f"{DIR_PREFIX}*")):
        if not base.is_dir() or base.is_symlink():
            continue
        pid = _postmaster_pid(base / "data")
        if (base / OWNER_FILE).exists():
            if _owner_alive(base):
                continue
        else:
            try:
                age = time.time() - base.stat().st_mtime
            except OSError:
                continue
            if pid is not None or age < UNOWNED_GRACE:
                continue
        if pid is not None:
            _kill_postmaster(pid)
        shutil.rmtree(base, ignore_errors=True)
        removed.append(base)
    return removed


# -- stopping on a signal -----------------------------------------------------------------

_LIVE: list[PostgresServer] = []
_PREVIOUS: dict[int, Any] = {}
_SIGNALLED: list[int] = []


def _on_signal(signum: int, _frame: FrameType | None) -> None:
    """First signal: unwind like Ctrl-C so fixtures tear down. Second: stop now and exit."""
    _SIGNALLED.append(signum)
    if len(_SIGNALLED) == 1 and not any(server._stopping for server in _LIVE):
        raise KeyboardInterrupt(f"signal {signal.Signals(signum).name}")
    if len(_SIGNALLED) == 1:
        return  # already stopping: let that finish
    for server in list(_LIVE):
        server.stop()
    os._exit(128 + signum)


def _install_handlers() -> None:
    """Only on the main thread, and only over the default action: a handler somebody else
    set (pytest-timeout, a debugger) is theirs."""
    if _PREVIOUS or threading.current_thread() is not threading.main_thread():
        return
    for sig in STOP_SIGNALS:
        if signal.getsignal(sig) is signal.SIG_DFL:
            _PREVIOUS[sig] = signal.signal(sig, _on_signal)


def _restore_handlers() -> None:
    if _LIVE or threading.current_thread() is not threading.main_thread():
        return
    for sig, previous in list(_PREVIOUS.items()):
        if signal.getsignal(sig) is _on_signal:
            signal.signal(sig, previous)
        del _PREVIOUS[sig]
    _SIGNALLED.clear()


class PostgresServer:
    """One running cluster; ``new_database`` hands each test a database of its own."""

    def __init__(self, bindir: Path | None = None) -> None:
        self.bindir = bindir or find_bindir()
        self.host = HOST
        self.port = 0
        self.pid: int | None = None
        self._as_root = os.geteuid() == 0
        self._names = itertools.count(1)
        self._base = Path(tempfile.mkdtemp(prefix=DIR_PREFIX))
        self.datadir = self._base / "data"
        self.sockdir = self._base / "sock"
        self.logfile = self._base / "server.log"
        self._stopped = False
        self._stopping = False
        me = os.getpid()
        owner = {"pid": me, "start": _start_time(me)}
        (self._base / OWNER_FILE).write_text(json.dumps(owner))

    # -- process control ----------------------------------------------------------------

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a server tool; as root it runs as ``postgres`` because the server refuses root."""
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self._as_root:
            cmd = ["runuser", "-u", PG_OS_USER, "--", *cmd]
        # cwd: the postgres user may not be allowed into the caller's working directory.
        return subprocess.run(
            cmd,
            cwd=self._base,
            capture_output=True,
            text=True,
            check=False,
            stdin=subprocess.DEVNULL,
        )

    def _check(self, result: subprocess.CompletedProcess[str], what: str) -> None:
        if result.returncode != 0:
            log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
            raise PostgresUnavailable(
                f"{what} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}\n{log}"
            )

    def start(self) -> PostgresServer:
        sweep_stale(self._base.parent)
        atexit.register(self.stop)  # a crash in a test's teardown must not leak the server
        _LIVE.append(self)
        _install_handlers()
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        self.sockdir.mkdir()
        if self._as_root:
            try:
                shutil.chown(self._base, user=PG_OS_USER)
                shutil.chown(self.sockdir, user=PG_OS_USER)
            except LookupError as exc:
                raise PostgresUnavailable(
                    f"running as root but there is no `{PG_OS_USER}` OS user to run the server"
                ) from exc
        self._check(
            self._run(
                "initdb",
                "-D",
                str(self.datadir),
                "-U",
                SUPERUSER,
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
                "--no-instructions",
            ),
            "initdb",
        )
        # The port is picked before the server binds it; retry on the rare collision.
        for attempt in range(3):
            self.port = free_port()
            options = (
                f"-c listen_addresses={HOST} -p {self.port} -k {self.sockdir} "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off "
                "-c max_connections=200"
            )
            result = self._run(
                "pg_ctl",
                *("-D", str(self.datadir), "-l", str(self.logfile), "-o", options),
                *("-w", "-t", "60", "start"),
            )
            if result.returncode == 0:
                break
            if attempt == 2:
                self._check(result, "pg_ctl start")
        self.pid = self._read_pid()

    def _read_pid(self) -> int | None:
        pidfile = self.datadir / "postmaster.pid"
        try:
            return int(pidfile.read_text().splitlines()[0])
        except (OSError, ValueError, IndexError):
            return None

    def stop(self) -> None:
        """Stop the postmaster by PID and delete the cluster; safe to call twice, and again
        from a signal handler that interrupted an earlier call (every step is idempotent)."""
        if self._stopped:
            return
        self._stopping = True
        pid = self.pid or self._read_pid()
        if self.datadir.exists() and pid is not None:
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
            deadline = time.monotonic() + 10
            while _pid_alive(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _pid_alive(pid):
                os.kill(pid, signal.SIGKILL)
                while _pid_alive(pid) and time.monotonic() < deadline + 5:
                    time.sleep(0.05)
        shutil.rmtree(self._base, ignore_errors=True)
        self._stopped = True
        atexit.unregister(self.stop)
        if self in _LIVE:
            _LIVE.remove(self)
        _restore_handlers()

    # -- databases ----------------------------------------------------------------------

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@{self.host}:{self.port}/{dbname}"

    def admin(self) -> psycopg.Connection[tuple[object, ...]]:
        """An autocommit connection to the maintenance database (CREATE DATABASE needs it)."""
        return psycopg.connect(
            host=self.host, port=self.port, user=SUPERUSER, dbname="postgres", autocommit=True
        )

    def unique_name(self, prefix: str = "t") -> str:
        return f"{prefix}{next(self._names)}"

    def new_database(self, name: str | None = None, template: str | None = None) -> str:
        """Create an empty database (or a copy of ``template``) and return its SQLAlchemy URL."""
        name = name or self.unique_name()
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        with self.admin() as conn:
            if template:
                query += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
            if conn.info.server_version >= 150000:
                # Copying a small template's files beats the default WAL_LOG strategy, which
                # writes every page to WAL (measured on an idle cluster: 25 ms vs 130 ms).
                query += sql.SQL(" STRATEGY FILE_COPY")
            conn.execute(query)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        with self.admin() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
