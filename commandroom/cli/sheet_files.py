"""What the commands that print one table share: the month option, and writing the table
as Excel and CSV files (or CSV to standard output) whole or not at all.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from commandroom.cli.context import CliError, Ctx
from commandroom.cli.lang import t
from commandroom.events.messages import os_reason
from commandroom.events.periods import Period

Save = Callable[[Path], None]
Saver = Callable[[Path, Any, Any], None]  # (path, the table, its language)


def pick_month(text: str | None, today: date) -> Period:
    if text is None:
        return Period.month_of(today)
    try:
        return Period.parse_month(text)
    except ValueError:
        raise CliError("bad_month", value=text) from None


def export_table(
    ctx: Ctx, table: Any, save_xlsx: Saver, save_csv: Saver, to_csv: Callable[[Any, Any], str]
) -> bool:
    """Write the files ``--xlsx`` and ``--csv`` ask for, all or none; True when the CSV went
    to standard output (``--csv -``), so nothing else may be printed there."""
    files: list[tuple[str, Save]] = []
    if ctx.args.xlsx is not None:
        files.append((ctx.args.xlsx, lambda path: save_xlsx(path, table, ctx.lang)))
    if ctx.args.csv is not None and ctx.args.csv != "-":
        files.append((ctx.args.csv, lambda path: save_csv(path, table, ctx.lang)))
    write_files(files)
    if not ctx.json:
        for name, _save in files:
            ctx.err.write(t("report_written", ctx.lang, path=name) + "\n")
    if ctx.args.csv == "-":
        ctx.out.write(to_csv(table, ctx.lang))
        return True
    return False


def write_files(files: Sequence[tuple[str, Save]]) -> None:
    """Every file or none, none half-written: each is written under a temporary name beside
    its target and moved into place once all were written, so a missing folder, a full disk
    or a folder in the way leaves what was there before and no part file."""
    staged: list[tuple[Path, Path]] = []
    current = ""
    try:
        for current, save in files:
            target = Path(current)
            if target.is_dir():
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), current)
            part = target.parent / f".{target.name}.{os.getpid()}.part"
            staged.append((part, target))
            save(part)
        for part, target in staged:
            current = str(target)
            part.replace(target)
    except OSError as exc:
        for part, _target in staged:
            part.unlink(missing_ok=True)
        raise CliError("file_unwritable", path=current, detail=os_reason(exc)) from None
