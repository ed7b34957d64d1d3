"""Qt translations of the UI: extract (lupdate), compile (lrelease), and check both are current.

    .venv/bin/python scripts/translations.py          # update the .ts files, compile the .qm
    .venv/bin/python scripts/translations.py --check  # fail: a string new, unfinished, stale

The source strings are Chinese (``self.tr("派单")``); ``commandroom_en.ts`` holds the English.
PySide6-Essentials ships ``lupdate`` and ``lrelease`` (as ``pyside6-lupdate`` /
``pyside6-lrelease``); both are run from the venv. ``--check`` (run by tests/ui/test_i18n.py)
extracts into a temporary copy, so a string added to ``ui/`` without its English, an
unfinished translation, or a ``.qm`` not compiled from the current ``.ts`` fails the tests.
"""

from __future__ import annotations

import argparse
import ast
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ROOT / "commandroom" / "ui"
OUT = ROOT / "resources" / "translations"
LANGS = ("en",)
CATALOGUE = "commandroom"


def tool(name: str) -> str:
    """``pyside6-lupdate`` next to this Python (the venv), else on PATH."""
    here = Path(sys.executable).parent / f"pyside6-{name}"
    if here.exists():
        return str(here)
    found = shutil.which(f"pyside6-{name}") or shutil.which(name)
    if found is None:
        raise SystemExit(f"pyside6-{name} not found (pip install PySide6-Essentials)")
    return found


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in SOURCES.rglob("*.py"))


def ts_path(lang: str, base: Path = OUT) -> Path:
    return base / f"{CATALOGUE}_{lang}.ts"


def lupdate(ts: Path) -> None:
    cmd = [tool("lupdate"), "-silent", "-no-obsolete", "-locations", "none", *sources()]
    subprocess.run([*cmd, "-ts", str(ts)], cwd=ROOT, check=True)


def wrapped_calls() -> dict[tuple[str, str], bool]:
    """Strings lupdate cannot see: ``_tr("…")`` through a module's own wrapper
    ``def _tr(text, …): return QCoreApplication.translate("Context", text, …)``.

    (context, source) → numerus (the wrapper was called with a count, ``%n``).
    """
    found: dict[tuple[str, str], bool] = {}
    for path in sorted(SOURCES.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        contexts: dict[str, str] = {}
        for node in tree.body:
            if isinstance(node, ast.FunctionDef):
                for call in ast.walk(node):
                    if (
                        isinstance(call, ast.Call)
                        and isinstance(call.func, ast.Attribute)
                        and call.func.attr == "translate"
                        and call.args
                        and isinstance(call.args[0], ast.Constant)
                        and isinstance(call.args[0].value, str)
                    ):
                        contexts[node.name] = call.args[0].value
        if not contexts:
            continue
        for call in ast.walk(tree):
            if (
                isinstance(call, ast.Call)
                and isinstance(call.func, ast.Name)
                and call.func.id in contexts
                and call.args
                and isinstance(call.args[0], ast.Constant)
                and isinstance(call.args[0].value, str)
            ):
                key = (contexts[call.func.id], call.args[0].value)
                found[key] = found.get(key, False) or len(call.args) > 1
    return found


def add_wrapped(ts: Path, old: dict[tuple[str, str], tuple[str, str]]) -> None:
    """Put the wrapper strings into ``ts`` (lupdate just dropped them), with the English they
    had before, or unfinished."""
    tree = ET.parse(ts)
    root = tree.getroot()
    contexts = {c.findtext("name") or "": c for c in root.iter("context")}
    for (name, source), numerus in sorted(wrapped_calls().items()):
        context = contexts.get(name)
        if context is None:
            context = ET.SubElement(root, "context")
            ET.SubElement(context, "name").text = name
            contexts[name] = context
        if any(m.findtext("source") == source for m in context.iter("message")):
            continue
        message = ET.SubElement(context, "message")
        if numerus:
            message.set("numerus", "yes")
        ET.SubElement(message, "source").text = source
        translation = ET.SubElement(message, "translation")
        text, kind = old.get((name, source), ("", "unfinished"))
        if numerus:
            for form in text.split("\x00") if text else ["", ""]:
                ET.SubElement(translation, "numerusform").text = form
        else:
            translation.text = text
        if kind or not text:
            translation.set("type", "unfinished")
    ET.indent(tree, space="    ")
    body = ET.tostring(root, encoding="unicode")
    ts.write_text('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n' + body + "\n")


def lrelease(ts: Path, qm: Path) -> None:
    subprocess.run(
        [tool("lrelease"), "-silent", "-removeidentical", str(ts), "-qm", str(qm)],
        cwd=ROOT,
        check=True,
    )


def messages(ts: Path) -> dict[tuple[str, str], tuple[str, str]]:
    """(context, source) → (translation, type) for every message of a .ts file."""
    out = {}
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            source = message.findtext("source") or ""
            translation = message.find("translation")
            text = (translation.text or "") if translation is not None else ""
            forms = [f.text or "" for f in message.iter("numerusform")]
            if forms:
                text = "\x00".join(forms) if all(f.strip() for f in forms) else ""
            kind = translation.get("type", "") if translation is not None else "missing"
            out[(name, source)] = (text, kind)
    return out


def problems(ts: Path) -> list[str]:
    found = []
    for (context, source), (text, kind) in sorted(messages(ts).items()):
        if kind in ("unfinished", "missing") or not text.strip():
            found.append(f"{ts.name}: {context}: {source!r} has no finished translation")
    return found


def update() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for lang in LANGS:
        ts = ts_path(lang)
        old = messages(ts) if ts.exists() else {}
        lupdate(ts)
        add_wrapped(ts, old)
        lrelease(ts, ts.with_suffix(".qm"))
        for line in problems(ts):
            print(line)
    return 0


def check() -> int:
    failures: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for lang in LANGS:
            committed = ts_path(lang)
            if not committed.exists():
                failures.append(f"{committed} is missing: run scripts/translations.py")
                continue
            fresh = ts_path(lang, Path(tmp))
            shutil.copy(committed, fresh)
            lupdate(fresh)
            add_wrapped(fresh, messages(committed))
            if messages(fresh) != messages(committed):
                added = set(messages(fresh)) - set(messages(committed))
                gone = set(messages(committed)) - set(messages(fresh))
                failures.append(
                    f"{committed.name} is not current: {len(added)} new, {len(gone)} gone "
                    f"(e.g. {sorted(added or gone)[:3]}); run scripts/translations.py"
                )
            failures += problems(fresh)
            qm = committed.with_suffix(".qm")
            compiled = Path(tmp) / qm.name
            lrelease(committed, compiled)
            if not qm.exists() or qm.read_bytes() != compiled.read_bytes():
                failures.append(f"{qm.name} is not compiled from {committed.name}")
    for line in failures:
        print(line, file=sys.stderr)
    return 1 if failures else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="check only, change nothing")
    args = parser.parse_args(argv)
    return check() if args.check else update()


if __name__ == "__main__":
    raise SystemExit(main())
