#!/usr/bin/env bash
# The demo command: `bash scripts/demo.sh [commandroom demo options...]`.
#
# On a fresh Debian 12 it creates .venv, installs CommandRoom and starts demo mode on an
# embedded SQLite demo database (created and seeded on first start; --reset starts over).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

stage "system packages"
command -v python3 >/dev/null 2>&1 || apt_install python3
ensure_packages "${QT_RUNTIME_PACKAGES[@]}"  # the trainer's window: Qt's libraries, a CJK font
ensure_packages "${VIDEO_RUNTIME_PACKAGES[@]}"  # the wall's tile scaler

ensure_venv ""

stage "commandroom demo $*"
exec "$VENV/bin/commandroom" demo "$@"
