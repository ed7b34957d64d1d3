"""commandroom.ui.app: process-wide settings a station applies once."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from commandroom.ui import app as app_module
from commandroom.ui.app import freeze_startup_heap


@pytest.fixture
def thawed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A process whose heap was never frozen, and is thawed again after the test: the rest of
    the suite's garbage cycles must stay collectable."""
    monkeypatch.setattr(app_module, "_heap_frozen", False)
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("thawed")
def test_the_startup_heap_is_frozen_once() -> None:
    startup = [[n] for n in range(1000)]  # objects alive when the window is ready
    freeze_startup_heap()
    frozen = gc.get_freeze_count()
    assert frozen >= len(startup)

    later = [[n] for n in range(1000)]  # pages read afterwards stay with the collector
    freeze_startup_heap()
    # Not frozen again: that would add the thousand lists above. The count may shrink, as
    # frozen objects another thread lets go of (pytest-xdist's channel, say) are freed.
    assert gc.get_freeze_count() <= frozen
    assert len(later) == 1000


@pytest.mark.usefixtures("thawed")
def test_a_cycle_made_after_the_freeze_is_still_collected() -> None:
    freeze_startup_heap()

    class Node:
        other: object = None

    a, b = Node(), Node()
    a.other, b.other = b, a
    del a, b
    assert gc.collect() >= 2
