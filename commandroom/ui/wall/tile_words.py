"""What a wall tile says: its camera's state, why no picture is live, and the figures.

Chinese source strings translated by Qt in the "Tile" context (the tile paints them; tests
and the wall's other parts read them without painting).
"""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from commandroom.video.api import CameraState, CameraStats


def _tr(text: str, n: int = -1) -> str:
    return QCoreApplication.translate("Tile", text, None, n)


def state_text(stats: CameraStats | None) -> str:
    """The state in the operator's words (Chinese source strings, translated by Qt)."""
    if stats is None:
        return _tr("连接中")
    match stats.state:
        case CameraState.CONNECTING:
            return _tr("连接中")
        case CameraState.LIVE:
            return _tr("直播")
        case CameraState.STALLED:
            return _tr("卡顿")
        case CameraState.FROZEN:
            return _tr("画面冻结")
        case CameraState.RECONNECTING:
            return _tr("重连中(第%n次)", max(1, stats.attempt))
        case CameraState.OFFLINE:
            return _tr("离线")
        case CameraState.UNAUTHORISED:
            return _tr("未授权")
        case CameraState.BAD_ADDRESS:
            return _tr("地址错误")
        case CameraState.CLOSED:
            return _tr("已关闭")


# Why the last attempt failed (``video.rtsp_proto.Failure`` values), said on the tile while
# no picture is live, so the room can tell a wrong password from a dead cable.
REASON_STATES = frozenset(
    {
        CameraState.RECONNECTING,
        CameraState.OFFLINE,
        CameraState.UNAUTHORISED,
        CameraState.BAD_ADDRESS,
    }
)
REASONS: dict[str, str] = {
    "bad_url": str(QT_TRANSLATE_NOOP("Tile", "地址无效")),
    "dns": str(QT_TRANSLATE_NOOP("Tile", "主机名无法解析")),
    "refused": str(QT_TRANSLATE_NOOP("Tile", "连接被拒绝")),
    "unreachable": str(QT_TRANSLATE_NOOP("Tile", "网络不通")),
    "no_answer": str(QT_TRANSLATE_NOOP("Tile", "无应答")),
    "unauthorised": str(QT_TRANSLATE_NOOP("Tile", "用户名或密码错误")),
    "not_found": str(QT_TRANSLATE_NOOP("Tile", "码流路径不存在")),
    "protocol": str(QT_TRANSLATE_NOOP("Tile", "码流无法使用")),
    "unsupported": str(QT_TRANSLATE_NOOP("Tile", "编码格式不支持")),
    "closed": str(QT_TRANSLATE_NOOP("Tile", "连接被断开")),
}


def reason_text(stats: CameraStats | None) -> str:
    """Why no picture is live, in words; "" while nothing failed (or a picture is live)."""
    if stats is None or stats.state not in REASON_STATES or stats.failure not in REASONS:
        return ""
    return _tr(REASONS[stats.failure])


def figures_text(stats: CameraStats | None) -> str:
    if stats is None:
        return ""
    age = "-" if stats.frame_age_s is None else f"{stats.frame_age_s:.2f} s"
    text = _tr("%1 帧/秒 · 帧龄 %2").replace("%1", f"{stats.fps:.1f}").replace("%2", age)
    if stats.skipped:  # the station could not keep up and skipped ahead to stay live
        text += " · " + _tr("跳帧 %1").replace("%1", str(stats.skipped))
    return text
