"""Another station, as a separate process: files one event and exits.

Run as ``python -m tests.ui.events.writer DB_URL TITLE [CATEGORY] [GRID]``; prints the id.
"""

from __future__ import annotations

import sys

from commandroom.db.engine import Database
from commandroom.events.service import CaseService
from tests.ui.events.conftest import file_event


def main(argv: list[str]) -> int:
    url, title, *rest = argv
    category = rest[0] if rest else "FIRE-LANE"
    grid = rest[1] if len(rest) > 1 else "LZ-A-01"
    db = Database.open(url)
    try:
        event_id = file_event(CaseService(db, client_host="other-station"), title, category, grid)
    finally:
        db.dispose()
    print(event_id)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
