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

ensure_venv test

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
