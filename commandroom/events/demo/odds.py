"""The planner's odds: the weighted mixes it draws from and the tools that draw them.

Split out of ``planner`` because these tables (status mixes for live and settled events,
report sources, reports per hour, overdue shares, complications) are tuning data, read
apart from the generation logic; ``Picker`` draws from them and ``apportion`` spreads a
total over weights. Changing a number here changes the generated demo data.
"""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Sequence
from itertools import accumulate
from typing import Any, TypeVar

from commandroom.db.enums import Source, Status

S = Status
LIVE_MIX: tuple[tuple[Status, float], ...] = (
    (S.PENDING, 10),
    (S.DISPATCHED, 10),
    (S.IN_PROGRESS, 30),
    (S.ON_HOLD, 3),
    (S.PENDING_VERIFY, 10),
    (S.INVALID, 2.5),
    (S.MERGED, 1.5),
    (S.CLOSED, 33),
)
SETTLED_MIX: tuple[tuple[Status, float], ...] = ((S.CLOSED, 96), (S.INVALID, 2.5), (S.MERGED, 1.5))
SOURCES: tuple[tuple[Source, float], ...] = (
    (Source.GRID_APP, 72),
    (Source.HOTLINE_12345, 10),
    (Source.VIDEO_PATROL, 7),
    (Source.WALK_IN, 4),
    (Source.OPERATOR_ENTRY, 3),
    (Source.DEPT_TRANSFER, 2),
    (Source.LEADER_ASSIGNED, 1),
    (Source.SENSOR, 1),
)
# Reports per local hour (grid workers patrol by day; cameras and the hotline never sleep).
HOUR_WEIGHTS = (
    1,
    0.6,
    0.4,
    0.3,
    0.3,
    0.5,
    1.2,
    3,
    6,
    8,
    8,
    7,
    4,
    5,
    7,
    8,
    7,
    6,
    4,
    3,
    2.5,
    2,
    1.5,
    1,
)
P_RED = {1: 0.06, 2: 0.06, 3: 0.126, 4: 0.126}  # share of handling cases that are overdue
COMPLICATIONS = (
    ("none", 82),
    ("escalate", 5),
    ("return", 3),
    ("extend", 3),
    ("hold", 2),
    ("rework", 5),
)

T = TypeVar("T")


class Picker:
    """Weighted choice by bisecting cumulative weights (random.choices without the set-up)."""

    def __init__(self, items: Sequence[tuple[T, float]]) -> None:
        self.items = [item for item, _ in items]
        self.cum = list(accumulate(w for _, w in items))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.items[bisect(self.cum, rng.random() * self.total)]


def apportion(total: int, weights: list[float], rng: random.Random) -> list[int]:
    """Integer counts proportional to ``weights`` (±10 % daily noise) summing to ``total``."""
    noisy = [w * rng.uniform(0.9, 1.1) for w in weights]
    mass = sum(noisy)
    if total <= 0 or mass <= 0:
        return [0] * len(weights)
    raw = [total * w / mass for w in noisy]
    counts = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - counts[i], reverse=True)
    for i in order[: total - sum(counts)]:
        counts[i] += 1
    return counts
