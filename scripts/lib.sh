# Shared by scripts/test.sh and scripts/demo.sh: install what is missing, then the venv.
# Sourced, not run. Reruns are fast: apt and pip are skipped when nothing is missing and
# pyproject.toml has not changed since the last install of the same extras.

VENV=.venv
export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1

SECONDS=0
stage() { printf '\n==> [%3ss] %s\n' "$SECONDS" "$*"; }
fail() {
    printf '\nFAILED: %s\n' "$*" >&2
    exit 1
}

apt_updated=0
apt_install() {
    if [ "$(id -u)" -ne 0 ]; then
        fail "missing system packages ($*); install them or rerun as root"
    fi
    if [ "$apt_updated" -eq 0 ]; then
        apt-get update -qq || fail "apt-get update"
        apt_updated=1
    fi
    apt-get install -y -qq --no-install-recommends "$@" </dev/null || fail "apt-get install $*"
}

# ensure_packages NAME... — install the Debian packages among NAME... that are not installed.
ensure_packages() {
    local missing=() pkg
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" ||
            missing+=("$pkg")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        echo "installing: ${missing[*]}"
        apt_install "${missing[@]}"
    fi
}

# What PySide6 needs even offscreen, the xcb set for a real display (Qt's own error names only
# libxcb-cursor0) and a CJK font so Chinese is not boxes: the demo window and the tests both.
QT_RUNTIME_PACKAGES=(libglib2.0-0 libdbus-1-3 libegl1 libgl1 libfontconfig1 libxkbcommon0
    libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-randr0
    libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 libxkbcommon-x11-0 libxcb-cursor0
    fonts-wqy-microhei)

# The wall's tile scaling (commandroom/video/tile_scaler.py): libyuv's SIMD scaler and YUV→RGB
# conversion, twice as fast as swscale; without it the wall falls back to swscale.
VIDEO_RUNTIME_PACKAGES=(libyuv0)

# ensure_venv EXTRAS — create .venv if needed and `pip install -e .[EXTRAS]` when stale.
ensure_venv() {
    local extras="$1" spec=".${1:+[$1]}" marker want
    marker="$VENV/.installed-${extras:-base}.sha256"
    stage "virtualenv ($VENV, $spec)"
    if ! "$VENV/bin/python" -c 'import sys' >/dev/null 2>&1; then
        rm -rf "$VENV"
        if ! python3 -m venv "$VENV"; then
            # Debian ships ensurepip separately; a failed attempt leaves a venv without pip.
            rm -rf "$VENV"
            apt_install python3-venv
            python3 -m venv "$VENV" || fail "python3 -m venv"
        fi
    fi
    want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
    if [ "$(cat "$marker" 2>/dev/null || true)" != "$want" ]; then
        echo "pip install -e '$spec' (log: $VENV/pip-install.log)"
        if ! "$VENV/bin/python" -m pip install -e "$spec" >"$VENV/pip-install.log" 2>&1; then
            tail -n 40 "$VENV/pip-install.log" >&2
            fail "pip install -e '$spec'"
        fi
        echo "$want" >"$marker"
    else
        echo "up to date with pyproject.toml"
    fi
    export VIRTUAL_ENV="$PWD/$VENV"
    export PATH="$VIRTUAL_ENV/bin:$PATH"
}
