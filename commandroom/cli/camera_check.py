"""``commandroom camera check``: open cameras as wall tiles would and say which show a picture.

Up to ``AT_ONCE`` cameras are open at a time (a district's hundreds at once would decode
hundreds of streams on a desk PC), the next one opening as soon as one is decided; the
capture workers never block each other (a dead camera does not delay a live one, as on the
wall), so a town's fifty cameras take a few times the slowest, not fifty times one. Each is
watched until a picture has come for a second (so the frame rate means something), its state
says none will come (wrong password, bad address, offline), or ``--wait`` runs out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from commandroom.cli import output
from commandroom.cli.context import CliError, Ctx
from commandroom.cli.lang import header, t
from commandroom.events import cameras
from commandroom.events.cameras import CameraInfo
from commandroom.video import CameraState, CameraStats, Capture, mask_url, open_camera

EXIT_NOT_LIVE = 7  # no picture came from (one of) the camera(s)
CHECK_WAIT_S = 10.0
# States after which waiting longer cannot bring a picture (the worker would keep retrying).
GIVE_UP = {CameraState.UNAUTHORISED, CameraState.BAD_ADDRESS, CameraState.OFFLINE}
SETTLE_S = 1.0  # a picture for this long before its rate is read
AT_ONCE = 16  # cameras open at the same time: a 4×4 wall's worth


@dataclass
class Probe:
    """One camera being checked, and what came of it."""

    info: CameraInfo
    stream: str  # "main" or "sub"
    url: str
    capture: Capture | None = None
    deadline: float = 0.0
    stats: CameraStats | None = None
    size: tuple[int, int] | None = None
    first_frame_at: float | None = None
    done: bool = False

    @property
    def live(self) -> bool:
        return self.size is not None


def run_check(ctx: Ctx) -> int:
    a = ctx.args
    if not 0 < a.wait <= 600:
        raise CliError("camera_bad_wait", value=a.wait)
    targets = _targets(ctx)
    probes = [_probe_of(info, a.main) for info in targets]
    watch(probes, a.wait)
    if ctx.json:
        output.print_json([_public(p) for p in probes], ctx.out)
    elif len(probes) == 1:
        _print_one(ctx, probes[0], a.wait)
    else:
        _print_table(ctx, probes, a.wait)
    return 0 if all(p.live for p in probes) else EXIT_NOT_LIVE


def watch(probes: list[Probe], wait: float, at_once: int = AT_ONCE) -> None:
    """Decide every probe, at most ``at_once`` open at a time, each given ``wait`` seconds
    from its own opening; every capture is closed as soon as its probe is decided."""
    waiting = list(reversed(probes))
    open_now: list[Probe] = []
    try:
        while waiting or open_now:
            while waiting and len(open_now) < at_once:
                probe = waiting.pop()
                probe.capture = open_camera(probe.url, size=None, name=probe.info.code)
                probe.deadline = time.monotonic() + wait
                open_now.append(probe)
            time.sleep(0.05)
            now = time.monotonic()
            for probe in open_now:
                _look(probe, now)
            for probe in [p for p in open_now if p.done]:
                open_now.remove(probe)
                _close(probe)
    finally:
        for probe in open_now:
            _close(probe)


def _look(probe: Probe, now: float) -> None:
    assert probe.capture is not None
    last_look = now >= probe.deadline
    probe.stats = probe.capture.stats()
    frame = probe.capture.latest()
    if frame is not None:
        probe.first_frame_at = probe.first_frame_at or now
        if now - probe.first_frame_at >= SETTLE_S or last_look:
            probe.size, probe.done = frame.source_size, True
    elif probe.stats.state in GIVE_UP or last_look:
        probe.done = True


def _close(probe: Probe) -> None:
    if probe.capture is not None:
        probe.capture.close()
        probe.capture = None


def _targets(ctx: Ctx) -> list[CameraInfo]:
    a = ctx.args
    db = ctx.database()
    if not a.code and a.region is None:
        raise CliError("camera_check_what")
    found = [cameras.get_camera(db, code) for code in a.code]
    if a.region is not None:
        known = {c.code for c in found}
        found += [
            c for c in cameras.list_cameras(db, a.region) if c.enabled and c.code not in known
        ]
    if not found:
        raise CliError("camera_none_in_region", region=a.region)
    return found


def _probe_of(info: CameraInfo, main: bool) -> Probe:
    stream = "main" if main or not info.sub_url else "sub"
    url = info.main_url if stream == "main" else (info.sub_url or info.main_url)
    return Probe(info, stream, url)


def _why(stats: CameraStats | None, wait: float, lang: str) -> str:
    if stats is None:
        return t("camera_failure_no_picture", lang, wait=f"{wait:g}")
    if stats.failure:
        return t(f"camera_failure_{stats.failure}", lang)
    if stats.state is CameraState.CONNECTING:
        return t("camera_failure_no_picture", lang, wait=f"{wait:g}")
    return t(f"camera_state_{stats.state.value}", lang)


def _result(probe: Probe, wait: float, lang: str) -> str:
    if probe.size is not None:
        fps = probe.stats.fps if probe.stats is not None else 0.0
        return t("camera_check_live", lang, width=probe.size[0], height=probe.size[1], fps=fps)
    return t("camera_check_failed", lang, why=_why(probe.stats, wait, lang))


def _print_one(ctx: Ctx, probe: Probe, wait: float) -> None:
    lang = ctx.lang
    title = t(
        "camera_check_title",
        lang,
        code=probe.info.code,
        name=probe.info.name,
        stream=t(f"camera_stream_{probe.stream}", lang),
        url=mask_url(probe.url),
    )
    ctx.print(title)
    ctx.print(_result(probe, wait, lang))


def _print_table(ctx: Ctx, probes: list[Probe], wait: float) -> None:
    lang = ctx.lang
    heads = [header(k, lang) for k in ("camera", "camera_name", "stream", "result")]
    rows = [
        [p.info.code, p.info.name, t(f"camera_stream_{p.stream}", lang), _result(p, wait, lang)]
        for p in probes
    ]
    ctx.print(output.table(heads, rows))
    live = sum(p.live for p in probes)
    ctx.print(t("camera_check_summary", lang, live=live, total=len(probes)))


def _public(probe: Probe) -> dict[str, object]:
    stats = probe.stats
    return {
        "camera": probe.info.code,
        "stream": probe.stream,
        "url": mask_url(probe.url),
        "live": probe.live,
        "state": None if stats is None else stats.state.value,
        "failure": None if stats is None else stats.failure or None,
        "width": probe.size[0] if probe.size else None,
        "height": probe.size[1] if probe.size else None,
        "fps": None if stats is None else stats.fps,
    }
