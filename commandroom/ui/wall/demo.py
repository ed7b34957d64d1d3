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


# Demo cameras that misbehave on purpose, so the states show: code → demo URL options.
DEMO_FAULTS: dict[str, str] = {
    "DEMO06": "stall_after=2",  # shows video, then stalls: last frame greyed with its time
    "DEMO12": "fail=offline",
    "DEMO15": "fail=unauthorised",
}


def demo_cameras(n: int = 16, *, faults: bool = False) -> list[CameraSpec]:
    """``n`` demo cameras (names repeat with a number past the sixteenth).

    Main streams are 1920×1080, substreams 640×360, both 15 fps; with ``faults`` a few
    cameras stall or fail (``DEMO_FAULTS``).
    """
    out = []
    for i in range(n):
        name, kind = DEMO_PLACES[i % len(DEMO_PLACES)]
        if i >= len(DEMO_PLACES):
            name = f"{name}{i // len(DEMO_PLACES) + 1}"
        code = f"DEMO{i + 1:02d}"
        extra = f"&{DEMO_FAULTS[code]}" if faults and code in DEMO_FAULTS else ""
        out.append(
            CameraSpec(
                code=code,
                name=name,
                main_url=f"demo://{code}?size=1920x1080&fps=15{extra}",
                sub_url=f"demo://{code}?size=640x360&fps=15{extra}",
                place_kind=kind,
            )
        )
    return out
