"""What a station remembers between starts: window geometry, splitters, wall layout, filters.

One ``QSettings`` group per mode, so a machine used as a wall display and, another day, as a
dispatcher desk keeps both arrangements. Tests hand in a ``QSettings`` on a file of their own.
"""

from __future__ import annotations

import json
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

from commandroom.ui.app import APPLICATION, ORGANISATION


def default_settings() -> QSettings:
    """The per-user settings file (INI, so a technician can read and edit it)."""
    return QSettings(
        QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION
    )


class WindowSettings:
    """Typed get/set over one mode's group of a ``QSettings``."""

    def __init__(self, settings: QSettings, group: str) -> None:
        self._s = settings
        self._group = group

    def _key(self, name: str) -> str:
        return f"{self._group}/{name}"

    def bytes(self, name: str) -> QByteArray | None:
        value = self._s.value(self._key(name))
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def set_bytes(self, name: str, value: QByteArray) -> None:
        self._s.setValue(self._key(name), value)

    def sizes(self, name: str) -> list[int] | None:
        raw = self._s.value(self._key(name))
        if not isinstance(raw, str):
            return None
        try:
            sizes = [int(v) for v in raw.split(",")]
        except ValueError:
            return None
        return sizes if sizes and all(v >= 0 for v in sizes) else None

    def set_sizes(self, name: str, sizes: list[int]) -> None:
        self._s.setValue(self._key(name), ",".join(str(v) for v in sizes))

    def text(self, name: str) -> str | None:
        value = self._s.value(self._key(name))
        return value if isinstance(value, str) and value else None

    def set_text(self, name: str, value: str) -> None:
        self._s.setValue(self._key(name), value)

    def mapping(self, name: str) -> dict[str, Any] | None:
        """A JSON object (the event filters): plain data, readable in the INI file."""
        raw = self.text(name)
        if raw is None:
            return None
        try:
            value = json.loads(raw)
        except ValueError:
            return None
        return value if isinstance(value, dict) else None

    def set_mapping(self, name: str, value: dict[str, Any]) -> None:
        self.set_text(name, json.dumps(value, ensure_ascii=False, sort_keys=True, default=str))

    def sync(self) -> None:
        self._s.sync()
