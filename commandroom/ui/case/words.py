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


def tr(text: str) -> str:
    return QCoreApplication.translate("CaseWords", text)


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
        "note": tr("意见/说明"),
        "reason_code": tr("原因类别"),
        "target_org": tr("承办单位"),
        "duplicate_of": tr("重复于（事件）"),
        "days": tr("延期天数"),
        "review_date": tr("复核日期"),
        "result_type": tr("办理结果类型"),
        "result_text": tr("办理结果说明"),
        "photos": tr("照片"),
        "satisfaction": tr("回访满意度"),
        "kind": tr("督办类型"),
        "phase": tr("阶段"),
        "category": tr("事件类别"),
        "level": tr("等级"),
        "grid": tr("网格"),
        "title": tr("标题"),
        "description": tr("描述"),
    }
    return labels.get(name, name)
