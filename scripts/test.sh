#!/usr/bin/env bash
# The one test command, for developers and CI alike: `bash scripts/test.sh [pytest args...]`.
#
# Sets up what the tests need on a fresh Debian 12 (as root), then runs every check in order
# and stops at the first failure: ruff, mypy, import-linter, pytest. Reruns are fast: apt and
# pip are skipped when nothing is missing and pyproject.toml has not changed.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

VENV=.venv
MARKER="$VENV/.installed-pyproject.sha256"
export DEBIAN_FRONTEND=noninteractive
export PIP_DISABLE_PIP_VERSION_CHECK=1
# No display on CI; Qt tests render offscreen.
export QT_QPA_PLATFORM="${QT_QPA_PLATFORM:-offscreen}"

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

have_pg_server() {
    local bin
    for bin in /usr/lib/postgresql/*/bin/initdb; do
        [ -x "$bin" ] && return 0
    done
    return 1
}

stage "system packages"
missing=()
command -v python3 >/dev/null 2>&1 || missing+=(python3)
have_pg_server || missing+=(postgresql)
command -v runuser >/dev/null 2>&1 || missing+=(util-linux)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "installing: ${missing[*]}"
    apt_install "${missing[@]}"
    have_pg_server || fail "postgresql installed but no /usr/lib/postgresql/*/bin/initdb"
else
    echo "all present"
fi

stage "virtualenv ($VENV)"
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
if [ "$(cat "$MARKER" 2>/dev/null || true)" != "$want" ]; then
    echo "pip install -e '.[test]' (log: $VENV/pip-install.log)"
    if ! "$VENV/bin/python" -m pip install -e '.[test]' >"$VENV/pip-install.log" 2>&1; then
        tail -n 40 "$VENV/pip-install.log" >&2
        fail "pip install -e '.[test]'"
    fi
    echo "$want" >"$MARKER"
else
    echo "up to date with pyproject.toml"
fi
export VIRTUAL_ENV="$PWD/$VENV"
export PATH="$VIRTUAL_ENV/bin:$PATH"

stage "ruff check"
ruff check . || fail "ruff check (try: ruff check --fix .)"

stage "mypy"
mypy || fail "mypy"

stage "import-linter"
lint-imports || fail "lint-imports (layer contracts in pyproject.toml)"

stage "pytest $*"
pytest_args=(-p no:cacheprovider)
# pytest-qt refuses to load without a Qt binding; the core's tests must still run then.
if ! python -c 'import PySide6.QtCore' >/dev/null 2>&1; then
    echo "(PySide6 not importable: running without the pytest-qt plugin)"
    pytest_args+=(-p no:pytest-qt)
fi
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
