#!/usr/bin/env bash
# The one test command, for developers and CI alike: `bash scripts/test.sh [pytest args...]`.
#
# Sets up what the tests need on a fresh Debian 12 (as root), then runs every check in order
# and stops at the first failure: ruff, mypy, import-linter, pytest. Reruns are fast: apt and
# pip are skipped when nothing is missing and pyproject.toml has not changed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# shellcheck source=scripts/lib.sh
. scripts/lib.sh
# No display on CI; Qt tests render offscreen.
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"

have_pg_server() {
    local bin
    for bin in /usr/lib/postgresql/*/bin/initdb; do
        [ -x "$bin" ] && return 0
    done
    return 1
}

stage "system packages"
command -v python3 >/dev/null 2>&1 || apt_install python3
command -v runuser >/dev/null 2>&1 || apt_install util-linux
have_pg_server || apt_install postgresql
have_pg_server || fail "postgresql installed but no /usr/lib/postgresql/*/bin/initdb"
# tests/rtsp_serve.py: a real RTSP server (gst-rtsp-server via Debian's python3-gi), x264enc
# (ugly), the pango text overlays (gstreamer1.0-x) and a font for them.
ensure_packages python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-rtsp-server-1.0 gstreamer1.0-rtsp \
    gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly \
    gstreamer1.0-x fonts-dejavu-core
# Qt's runtime libraries and the CJK font (scripts/lib.sh), and Xvfb for the screenshots.
ensure_packages "${QT_RUNTIME_PACKAGES[@]}" xvfb xauth
ensure_packages "${VIDEO_RUNTIME_PACKAGES[@]}"  # libyuv: tests check it against swscale

ensure_venv test

stage "ruff check"
ruff check . || fail "ruff check (try: ruff check --fix .)"
ruff format --check . || fail "ruff format (try: ruff format .)"

stage "mypy"
mypy || fail "mypy"

stage "import-linter"
lint-imports || fail "lint-imports (layer contracts in pyproject.toml)"

stage "pytest $*"
pytest_args=(-p no:cacheprovider --durations=15)  # the slowest, to keep CI under 15 min
# Two workers, a test file each at a time (its module fixtures and seeded templates stay in
# one process); each starts its own PostgreSQL cluster and RTSP servers. `-n 0` runs serially.
pytest_args+=(-n 2 --dist loadfile)
# PySide6 is a dependency: a Qt that cannot load is a broken install, not a reason to skip.
python -c 'import PySide6.QtGui' || fail "PySide6 does not import (missing system libraries?)"
set +e
python -m pytest "${pytest_args[@]}" "$@"
rc=$?
set -e
case "$rc" in
    0) ;;
    5) fail "pytest collected no tests" ;;
    *) fail "pytest (exit $rc)" ;;
esac

printf '\nOK: all checks passed in %ss\n' "$SECONDS"
