"""The case panel's words (Chinese source strings through Qt translation) and time format."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QCoreApplication, QLocale
from PySide6.QtGui import QColor

from commandroom.events.deadlines import LOCAL_TZ

LIGHT_COLOURS = {
    "green": QColor(46, 125, 50),
    "yellow": QColor(190, 140, 20),
    "red": QColor(183, 28, 28),
}


def current_lang() -> str:
    """The window's language as ``ui.i18n.install_translators`` set the default locale."""
    return "en" if QLocale().language() == QLocale.Language.English else "zh"


def local_time(value: datetime | None, *, seconds: bool = False, short: bool = False) -> str:
    if value is None:
        return "—"
    local = value.astimezone(LOCAL_TZ)
    if short:
        return local.strftime("%H:%M")
    return local.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def field_label(name: str) -> str:
    """The label of a form field (``events.action_forms.FieldSpec.name``)."""
    labels = {
        "note": QCoreApplication.translate("CaseWords", "意见/说明"),
        "reason_code": QCoreApplication.translate("CaseWords", "原因类别"),
        "target_org": QCoreApplication.translate("CaseWords", "承办单位"),
        "duplicate_of": QCoreApplication.translate("CaseWords", "重复于（事件）"),
        "days": QCoreApplication.translate("CaseWords", "延期天数"),
        "review_date": QCoreApplication.translate("CaseWords", "复核日期"),
        "result_type": QCoreApplication.translate("CaseWords", "办理结果类型"),
        "result_text": QCoreApplication.translate("CaseWords", "办理结果说明"),
        "photos": QCoreApplication.translate("CaseWords", "照片"),
        "satisfaction": QCoreApplication.translate("CaseWords", "回访满意度"),
        "kind": QCoreApplication.translate("CaseWords", "督办类型"),
        "phase": QCoreApplication.translate("CaseWords", "阶段"),
        "category": QCoreApplication.translate("CaseWords", "事件类别"),
        "level": QCoreApplication.translate("CaseWords", "等级"),
        "grid": QCoreApplication.translate("CaseWords", "网格"),
        "title": QCoreApplication.translate("CaseWords", "标题"),
        "description": QCoreApplication.translate("CaseWords", "描述"),
    }
    return labels.get(name, name)
