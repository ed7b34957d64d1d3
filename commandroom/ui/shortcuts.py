"""The window's keyboard shortcuts in one table, and tooltips that show them.

Control-room operators keep their hands on the keyboard; one table makes the shortcuts easy
to review for clashes (the wall's own PageUp/PageDown/Esc/I are taken by the wall widget).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

Key = Qt.Key
Mod = Qt.KeyboardModifier

SHORTCUTS: dict[str, QKeySequence] = {
    "full_screen": QKeySequence(Key.Key_F11),
    "next_event": QKeySequence(Key.Key_F8),
    "previous_event": QKeySequence(Key.Key_F7),
    "dispatch": QKeySequence("Ctrl+D"),
    "escalate": QKeySequence("Ctrl+E"),
    "close_case": QKeySequence("Ctrl+Shift+C"),
    "comment": QKeySequence("Ctrl+Shift+N"),
    "maximise_camera": QKeySequence("Ctrl+M"),
    "snapshot": QKeySequence("Ctrl+Shift+S"),
    "only_wall": QKeySequence("Ctrl+1"),
    "only_events": QKeySequence("Ctrl+2"),
    "side_by_side": QKeySequence("Ctrl+0"),
    "switch_operator": QKeySequence("Ctrl+L"),
    "report": QKeySequence("Ctrl+R"),
    "bulletin": QKeySequence("Ctrl+Shift+B"),
    "tasks": QKeySequence("Ctrl+Shift+T"),
    "workers": QKeySequence("Ctrl+Shift+G"),  # 网格员 (grid workers)
    "quit": QKeySequence("Ctrl+Q"),
}


def bind(action: QAction, name: str) -> QAction:
    """Give ``action`` its shortcut from the table and a tooltip that names it."""
    sequence = SHORTCUTS[name]
    action.setShortcut(sequence)
    show_shortcut_in_tooltip(action)
    return action


def show_shortcut_in_tooltip(action: QAction) -> None:
    """ "派单 (Ctrl+D)": the tooltip says the key, in the platform's own spelling."""
    sequence = action.shortcut()
    text = action.text().replace("&", "")
    if not sequence.isEmpty():
        text = f"{text} ({sequence.toString(QKeySequence.SequenceFormat.NativeText)})"
    action.setToolTip(text)
