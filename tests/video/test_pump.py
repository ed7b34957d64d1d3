"""The pump (video/pump.py): one thread serving many streams on a tick, each ending alone."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest

from commandroom.video.pump import Pump
from tests.video.conftest import wait_until


class FakeStream:
    """A stream as the pump sees it; ``fail_after`` ticks, then it raises."""

    def __init__(self, fail_after: int | None = None, work_s: float = 0.0) -> None:
        self.ticks = 0
        self.received = 0
        self.fail_after = fail_after
        self.work_s = work_s
        self.closed = False
        self.sock: socket.socket | None = None

    @property
    def closing(self) -> bool:
        return self.closed

    def fileno(self) -> int | None:
        return self.sock.fileno() if self.sock is not None else None

    def receive(self) -> None:
        assert self.sock is not None
        if not self.sock.recv(4096):
            raise ConnectionError("the sender closed the connection")
        self.received += 1

    def pump_once(self, now: float) -> None:
        self.ticks += 1
        if self.work_s:
            time.sleep(self.work_s)
        if self.fail_after is not None and self.ticks >= self.fail_after:
            raise RuntimeError(f"stream failed on tick {self.ticks}")


def serve(pump: Pump, stream: FakeStream) -> tuple[threading.Thread, list[object]]:
    """Run ``stream`` on ``pump`` from a thread of its own, as a camera's worker does."""
    outcome: list[object] = []

    def run() -> None:
        try:
            outcome.append(pump.run(stream))
        except Exception as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def pump_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "pump"]


@pytest.fixture
def pump() -> Iterator[Pump]:
    yield Pump(tick_s=0.01)
    wait_until(lambda: not pump_threads(), "the pump's thread to end")


def test_a_failing_stream_ends_alone_and_its_thread_gets_the_error(pump: Pump) -> None:
    healthy, failing = FakeStream(), FakeStream(fail_after=3)
    healthy_thread, healthy_outcome = serve(pump, healthy)
    failing_thread, failing_outcome = serve(pump, failing)
    failing_thread.join(5)
    assert isinstance(failing_outcome[0], RuntimeError)
    ticks = healthy.ticks
    wait_until(lambda: healthy.ticks > ticks + 5, "the healthy stream to go on")
    assert pump.streams == 1
    healthy.closed = True
    healthy_thread.join(5)
    assert healthy_outcome == [True]  # ended by close: no error


def test_the_pump_thread_exists_only_while_it_serves(pump: Pump) -> None:
    assert not pump_threads()
    stream = FakeStream()
    thread, _ = serve(pump, stream)
    wait_until(lambda: stream.ticks > 0, "a tick")
    assert len(pump_threads()) == 1
    stream.closed = True
    thread.join(5)
    wait_until(lambda: not pump_threads(), "the pump's thread to end with its last stream")
    again = FakeStream()
    thread, _ = serve(pump, again)  # and it comes back for the next one
    wait_until(lambda: again.ticks > 0, "a tick of the next stream")
    again.closed = True
    thread.join(5)


def test_data_is_read_as_it_comes_between_ticks() -> None:
    """A sender with Nagle's algorithm waits for the ack of a frame's first packet: the
    pump reads at once, however long its tick."""
    pump = Pump(tick_s=10.0)
    ours, theirs = socket.socketpair()
    stream = FakeStream()
    stream.sock = ours
    thread, outcome = serve(pump, stream)
    try:
        wait_until(lambda: stream.ticks == 1, "the first tick")
        for n in range(1, 4):
            theirs.send(b"x")
            wait_until(lambda n=n: stream.received == n, f"read {n}")  # type: ignore[misc]
        assert stream.ticks == 1, "read without waiting for the next tick"
        theirs.close()  # a closed connection ends the stream at once, too
        thread.join(5)
        assert isinstance(outcome[0], ConnectionError)
    finally:
        stream.closed = True
        thread.join(15)
        ours.close()
    wait_until(lambda: not pump_threads(), "the pump's thread to end")


def test_a_busy_pump_takes_no_more_streams(pump: Pump) -> None:
    heavy = FakeStream(work_s=0.009)  # 90 % of the 10 ms tick
    thread, _ = serve(pump, heavy)
    wait_until(lambda: pump.busy > 0.6, "the pump to be busy")
    assert pump.run(FakeStream()) is False  # at once: the camera's own thread reads it
    heavy.closed = True
    thread.join(5)
