"""Photos and camera snapshots as thumbnails; a click opens the picture enlarged.

Bytes are fetched on the database lane only when a case is shown, and decoded and scaled
there too (``QImage`` is safe off the GUI thread; ``QPixmap`` is made on it), so a case with
many photos never stalls the window.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from commandroom.db.engine import Database
from commandroom.events.casefile import AttachmentRef, attachment_bytes
from commandroom.ui.case.words import local_time
from commandroom.ui.lane import DbLane

THUMB = QSize(96, 72)
ENLARGED = QSize(1280, 960)
_plugins_loaded = False


def load_image_plugins() -> None:
    """Load Qt's image-format plugins on the GUI thread, once, before a lane thread decodes.

    The first decode in a process loads them, under Qt's plugin-loader lock. Done first on
    a lane thread, that raced the GUI thread once and hung a CI run at the first photo: the
    lane thread (in ``QImage.fromData``) and the GUI thread (in its event loop) both blocked
    on locks, most likely the loader's and the GIL, with a Python Qt-message handler
    (pytest-qt's) in between. Loaded here, a later decode only looks a plugin up.
    """
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    QImageReader.supportedImageFormats()
    for fmt in ("PNG", "JPEG"):
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        QImage(2, 2, QImage.Format.Format_RGB32).save(buffer, fmt)  # type: ignore[call-overload]
        buffer.close()
        QImage.fromData(data)


def _decode(content: bytes) -> tuple[QImage, QImage]:
    """(picture scaled to at most ENLARGED, thumbnail); null images if undecodable."""
    image = QImage.fromData(content)
    if image.isNull():
        return image, image
    big = image
    if image.width() > ENLARGED.width() or image.height() > ENLARGED.height():
        big = image.scaled(ENLARGED, Qt.AspectRatioMode.KeepAspectRatio)
    thumb = image.scaled(THUMB, Qt.AspectRatioMode.KeepAspectRatio)
    return big, thumb


class PhotoDialog(QDialog):
    """One picture, large, with its file name, phase and checksum (evidence needs the hash)."""

    def __init__(self, ref: AttachmentRef, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(ref.filename)
        layout = QVBoxLayout(self)
        self.picture = QLabel(self)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        if image.isNull():
            self.picture.setText(self.tr("无法显示此文件"))
        else:
            self.picture.setPixmap(QPixmap.fromImage(image))
        scroll = QScrollArea(self)
        scroll.setWidget(self.picture)
        scroll.setWidgetResizable(True)
        layout.addWidget(scroll, 1)
        caption = QLabel(
            f"{ref.filename} · {ref.phase.value} · {local_time(ref.added_at)} · "
            f"{ref.added_by or '—'} · sha256 {ref.sha256}",
            self,
        )
        caption.setWordWrap(True)
        caption.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(caption)
        if not image.isNull():
            self.resize(min(image.width() + 40, 1300), min(image.height() + 80, 1000))


class PhotoStrip(QWidget):
    """A row of thumbnails; ``sig_opened(attachment_id)`` when one is enlarged."""

    sig_opened = Signal(int)

    def __init__(self, db: Database, lane: DbLane, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        load_image_plugins()
        self.db = db
        self.lane = lane
        self.refs: tuple[AttachmentRef, ...] = ()
        self.buttons: dict[int, QToolButton] = {}
        self.images: dict[int, QImage] = {}
        self.dialogs: list[PhotoDialog] = []
        self._serial = 0
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.setAlignment(Qt.AlignmentFlag.AlignLeft)
        self.empty = QLabel(self.tr("无照片或附件"), self)
        self._row.addWidget(self.empty)

    def set_attachments(self, refs: Sequence[AttachmentRef]) -> None:
        refs = tuple(refs)
        if refs == self.refs:
            return
        self.refs = refs
        self._serial += 1
        serial = self._serial
        for button in self.buttons.values():
            button.deleteLater()
        self.buttons.clear()
        self.images.clear()
        self.empty.setVisible(not refs)
        for ref in refs:
            button = QToolButton(self)
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            button.setIconSize(THUMB)
            button.setText(ref.filename if len(ref.filename) <= 14 else ref.filename[:13] + "…")
            button.setToolTip(f"{ref.filename}\n{ref.phase.value} · {local_time(ref.added_at)}")
            button.clicked.connect(lambda _c=False, r=ref: self.open(r.id))
            self._row.addWidget(button)
            self.buttons[ref.id] = button
            if ref.is_image:
                self._fetch(ref, serial)

    def _fetch(self, ref: AttachmentRef, serial: int) -> None:
        db = self.db

        def work() -> tuple[QImage, QImage]:
            return _decode(attachment_bytes(db, ref.id))

        def done(images: tuple[QImage, QImage]) -> None:
            if serial != self._serial or ref.id not in self.buttons:
                return
            big, thumb = images
            self.images[ref.id] = big
            if not thumb.isNull():
                self.buttons[ref.id].setIcon(QIcon(QPixmap.fromImage(thumb)))

        self.lane.submit(work, done, lambda _exc: None)

    def open(self, attachment_id: int) -> PhotoDialog | None:
        ref = next((r for r in self.refs if r.id == attachment_id), None)
        if ref is None:
            return None
        dialog = PhotoDialog(ref, self.images.get(attachment_id, QImage()), self.window())
        dialog.finished.connect(lambda _r: self._forget(dialog))
        self.dialogs.append(dialog)
        dialog.show()
        self.sig_opened.emit(attachment_id)
        return dialog

    def _forget(self, dialog: PhotoDialog) -> None:
        if dialog in self.dialogs:
            self.dialogs.remove(dialog)

    def close_dialogs(self) -> None:
        for dialog in list(self.dialogs):
            dialog.close()
        self.dialogs.clear()
