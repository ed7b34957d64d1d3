"""The dark control-room look: a palette, one small style sheet and fonts readable across a room.

A control room is dim and people read the screens from several metres away, so the theme is
dark (no glare, video stands out), high-contrast for text and larger than desktop defaults.
``font_scale`` enlarges everything for a wall display (a station config's ``font_scale``).
Colours for states (live, overdue, warning) are named here so every widget uses the same ones.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QFontDatabase, QPalette
from PySide6.QtWidgets import QApplication

# Fonts that draw Chinese well, best first; Debian's fonts-wqy-microhei is what CI installs.
CJK_FAMILIES = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Noto Sans SC")
BASE_POINT_SIZE = 11.0

BACKGROUND = QColor("#15181d")
PANEL = QColor("#1d2128")
RAISED = QColor("#262b33")
TEXT = QColor("#e6e8eb")
MUTED = QColor("#8b939e")
ACCENT = QColor("#3d8bfd")
OK = QColor("#3fb950")
WARNING = QColor("#d29922")
DANGER = QColor("#f85149")

STYLE_SHEET = """
QMainWindow, QDialog {{ background: {bg}; }}
QToolTip {{ color: {text}; background: {raised}; border: 1px solid {muted}; }}
QStatusBar {{ background: {panel}; color: {text}; }}
QStatusBar QLabel {{ padding: 0 8px; }}
QStatusBar QLabel[state="live"] {{ color: {ok}; }}
QStatusBar QLabel[state="polling"] {{ color: {warning}; }}
QStatusBar QLabel[state="offline"] {{ color: {danger}; font-weight: bold; }}
QSplitter::handle {{ background: {raised}; }}
QSplitter::handle:hover {{ background: {accent}; }}
QHeaderView::section {{ background: {raised}; color: {text}; padding: 4px; border: 0; }}
QTabBar::tab {{ background: {panel}; color: {muted}; padding: 6px 14px; }}
QTabBar::tab:selected {{ background: {raised}; color: {text}; border-bottom: 2px solid {accent}; }}
QLabel[role="error"] {{ color: {danger}; }}
QLabel[role="title"] {{ font-size: {title}pt; font-weight: bold; }}
QPushButton {{ padding: 5px 14px; }}
"""


def pick_family(available: set[str] | None = None) -> str | None:
    """The first installed CJK family, or None (Chinese would then draw as boxes)."""
    families = set(QFontDatabase.families()) if available is None else available
    return next((f for f in CJK_FAMILIES if f in families), None)


def palette() -> QPalette:
    p = QPalette()
    roles = QPalette.ColorRole
    p.setColor(roles.Window, BACKGROUND)
    p.setColor(roles.WindowText, TEXT)
    p.setColor(roles.Base, PANEL)
    p.setColor(roles.AlternateBase, RAISED)
    p.setColor(roles.ToolTipBase, RAISED)
    p.setColor(roles.ToolTipText, TEXT)
    p.setColor(roles.PlaceholderText, MUTED)
    p.setColor(roles.Text, TEXT)
    p.setColor(roles.Button, RAISED)
    p.setColor(roles.ButtonText, TEXT)
    p.setColor(roles.BrightText, DANGER)
    p.setColor(roles.Link, ACCENT)
    p.setColor(roles.Highlight, ACCENT)
    p.setColor(roles.HighlightedText, QColor("#ffffff"))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        p.setColor(disabled, role, MUTED)
    return p


def style_sheet(font_scale: float = 1.0) -> str:
    return STYLE_SHEET.format(
        bg=BACKGROUND.name(),
        panel=PANEL.name(),
        raised=RAISED.name(),
        text=TEXT.name(),
        muted=MUTED.name(),
        accent=ACCENT.name(),
        ok=OK.name(),
        warning=WARNING.name(),
        danger=DANGER.name(),
        title=round(BASE_POINT_SIZE * font_scale * 1.3, 1),
    )


def apply_theme(app: QApplication, font_scale: float = 1.0) -> None:
    """Fusion style (the same on every platform), dark palette, style sheet, room-sized font."""
    app.setStyle("Fusion")
    app.setPalette(palette())
    font = QFont(app.font())
    family = pick_family()
    if family is not None:
        font.setFamilies([family, *font.families()])
    font.setPointSizeF(BASE_POINT_SIZE * max(0.5, font_scale))
    app.setFont(font)
    app.setStyleSheet(style_sheet(font_scale))
