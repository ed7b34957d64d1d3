"""Read the stack dumps bench/window_hooks.py writes with ``COMMANDROOM_BENCH_DUMPS=FILE``.

    .venv/bin/python bench/stall_dumps.py FILE [--over 40] [--frames 4]

For every GUI stall longer than ``--over`` ms it prints the dumps taken while it lasted, one
line per thread that was not parked in a call known to release the GIL (a socket read, a
``poll``, a lock or an idle pool worker): the GIL holder is among those. Then a tally over all
such stalls of where those threads were (their innermost frames).
"""

from __future__ import annotations

import argparse
import collections
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

MARK = re.compile(r"=== end of gap ([\d.]+) ms \((.*?)\) phase=(\S+) gui=(0x[0-9a-f]+)")
THREAD = re.compile(r"(?:Current thread|Thread) (0x[0-9a-f]+) \(most recent call first\):")
FRAME = re.compile(r'\s+File "(.*)", line (\d+) in (.*)')

# Innermost frames of a thread that waits without the GIL.
PARKED = (
    ("rtsp.py", "_fill"),  # sock.recv
    ("threading.py", "wait"),
    ("thread.py", "_worker"),  # an idle pool worker, in queue.get
    ("connection.py", "wait"),  # psycopg: poll() in C, GIL released
)


@dataclass
class Dump:
    threads: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class Stall:
    gap_ms: float
    parts: str
    phase: str
    gui: str
    dumps: list[Dump]


def parse(text: str) -> list[Stall]:
    stalls: list[Stall] = []
    dumps: list[Dump] = []
    current: list[str] | None = None
    for raw in text.splitlines():
        # The GUI thread may write its line while the watchdog is still writing a dump.
        line = raw[raw.index("=== end of gap") :] if "=== end of gap" in raw else raw
        if line.startswith("Timeout ("):
            dumps.append(Dump())
            current = None
        elif m := THREAD.match(line):
            if not dumps:
                dumps.append(Dump())
            current = dumps[-1].threads.setdefault(m.group(1), [])
        elif (m := FRAME.match(line)) and current is not None:
            current.append(f"{Path(m.group(1)).name}:{m.group(2)} {m.group(3)}")
        elif m := MARK.match(line):
            stalls.append(Stall(float(m.group(1)), m.group(2), m.group(3), m.group(4), dumps))
            dumps, current = [], None
    return stalls


def parked(frames: list[str]) -> bool:
    if not frames:
        return True
    name, func = frames[0].split(":")[0], frames[0].split(" ", 1)[1]
    return (name, func) in PARKED


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("--over", type=float, default=40.0)
    parser.add_argument("--frames", type=int, default=4)
    args = parser.parse_args(argv)
    stalls = [s for s in parse(args.file.read_text(errors="replace")) if s.gap_ms > args.over]
    tally: collections.Counter[str] = collections.Counter()
    for stall in stalls:
        print(f"--- {stall.gap_ms:.1f} ms ({stall.parts}) phase={stall.phase}")
        for n, dump in enumerate(stall.dumps):
            for tid, frames in dump.threads.items():
                who = "GUI " if tid == stall.gui else ""
                if parked(frames) and not who:
                    continue
                where = " < ".join(frames[: args.frames])
                print(f"  dump {n} {who}{tid}: {where}")
                if not who:
                    tally[" < ".join(frames[:2])] += 1
    print(f"\n{len(stalls)} stalls over {args.over} ms; busy threads seen during them:")
    for where, count in tally.most_common(15):
        print(f"{count:5d}  {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
