"""Demo cameras: synthetic ``demo://`` sources with the names a village room would give them.

For demo mode, screenshots and trying the wall without a camera; nothing touches the network.
"""

from __future__ import annotations

from commandroom.video.api import CameraSpec

# (name, place kind) — places from DESIGN.md §1: roads, village entrances, rivers, gates.
DEMO_PLACES: list[tuple[str, str]] = [
    ("兰香村村口", "entrance"),
    ("漓渚镇主干道", "road"),
    ("漓渚江河道", "river"),
    ("印染园区南门", "factory_gate"),
    ("茶山村村口", "entrance"),
    ("平水镇农贸市场", "market"),
    ("中心小学门口", "school"),
    ("平水江堤", "river"),
    ("柯桥大道路口", "road"),
    ("纺织厂大门", "factory_gate"),
    ("兰香村文化礼堂", "entrance"),
    ("会稽山制高点", "high_point"),
    ("茶山村停车场", "road"),
    ("九板桥", "river"),
    ("古寺消防通道", "entrance"),
    ("村委会广场", "market"),
]


def demo_cameras(n: int = 16) -> list[CameraSpec]:
    """``n`` demo cameras (names repeat with a number past the sixteenth)."""
    out = []
    for i in range(n):
        name, kind = DEMO_PLACES[i % len(DEMO_PLACES)]
        if i >= len(DEMO_PLACES):
            name = f"{name}{i // len(DEMO_PLACES) + 1}"
        code = f"DEMO{i + 1:02d}"
        out.append(
            CameraSpec(
                code=code,
                name=name,
                main_url=f"demo://{code}/main",
                sub_url=f"demo://{code}/sub",
                place_kind=kind,
            )
        )
    return out
