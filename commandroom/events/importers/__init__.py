"""File importers: 12345 hotline tickets (CSV or JSON Lines) and grid-app reports (JSONL);
also the administrator's camera lists (``cameras``, CSV, written through ``events.cameras``).

Both are all-or-nothing per file: every line is validated first and every bad line is
reported with its physical line number and a reason in Chinese and English; only a clean
file is written, record by record through ``CaseService.report`` with idempotency keys, so
importing the same file again (after success or after a crash) writes only what is missing.
See ``common`` for why that is safe, ``hotline``, ``app`` and ``sensor`` for the formats.
"""

from commandroom.events.importers.app import import_app
from commandroom.events.importers.hotline import import_hotline
from commandroom.events.importers.report import ImportedItem, ImportReport, LineError
from commandroom.events.importers.sensor import import_sensor

__all__ = [
    "ImportReport",
    "ImportedItem",
    "LineError",
    "import_app",
    "import_hotline",
    "import_sensor",
]
