"""Typed refusals from the case service; each knows its exit code and speaks zh and en.

Parameters are kept raw (action keys, status values) and translated only when a message is
rendered, so the same error reads correctly in the CLI, the UI and ``--json`` output.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from commandroom.events import messages
from commandroom.events.deadlines import LOCAL_TZ

EXIT_OK = 0
EXIT_BAD_INPUT = 2
EXIT_CONFLICT = 3
EXIT_PERMISSION = 4
EXIT_DATABASE = 5


class CaseError(Exception):
    """Base of every refusal; never raised for programming errors."""

    exit_code = EXIT_BAD_INPUT
    key = "validation"

    def __init__(self, key: str | None = None, **params: Any) -> None:
        self.key = key or self.key
        self.params = params
        super().__init__(self.message("en"))

    def _rendered_params(self, lang: str) -> dict[str, Any]:
        out = dict(self.params)
        if "action" in out:
            out["action"] = messages.action_name(str(out["action"]), lang)
        if "status" in out:
            out["status"] = messages.status_name(str(out["status"]), lang)
        for name, value in out.items():
            if isinstance(value, datetime):
                out[name] = value.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")
        return out

    def message(self, lang: str = messages.DEFAULT_LANG) -> str:
        return messages.text(self.key, lang, **self._rendered_params(lang))

    def to_dict(self) -> dict[str, Any]:
        return {
            "error": type(self).__name__,
            "key": self.key,
            "message": self.message(),
            "message_en": self.message("en"),
            "params": {
                k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in self.params.items()
            },
        }


class NotFound(CaseError):
    key = "not_found"


class PermissionDenied(CaseError):
    exit_code = EXIT_PERMISSION
    key = "permission_denied"


class InvalidTransition(CaseError):
    key = "invalid_transition"


class Conflict(CaseError):
    """Someone else changed the case since the caller read it; carries who, what and when."""

    exit_code = EXIT_CONFLICT
    key = "conflict"

    @property
    def actor(self) -> str | None:
        return self.params.get("actor")

    @property
    def at(self) -> datetime | None:
        return self.params.get("at")


class Locked(Conflict):
    key = "locked"


class ValidationError(CaseError):
    """Field-level problems: ``fields`` maps a field name to its message key and params."""

    key = "validation"

    def __init__(self, fields: dict[str, tuple[str, dict[str, Any]]]) -> None:
        self.fields = fields
        super().__init__("validation", details="")

    def field_messages(self, lang: str = messages.DEFAULT_LANG) -> dict[str, str]:
        out: dict[str, str] = {}
        for name, (key, params) in self.fields.items():
            params = {"field": messages.field_name(name, lang), **params}
            out[name] = messages.text(key, lang, **params)
        return out

    def message(self, lang: str = messages.DEFAULT_LANG) -> str:
        details = ("；" if lang == "zh" else "; ").join(self.field_messages(lang).values())
        return messages.text("validation", lang, details=details)

    def to_dict(self) -> dict[str, Any]:
        out = super().to_dict()
        out["fields"] = self.field_messages()
        return out


def invalid(field: str, key: str = "required", **params: Any) -> ValidationError:
    return ValidationError({field: (key, params)})
