#!/usr/bin/env bash
# The project's single test command:   bash tools/test.sh [extra pytest args...]
#
# Tier 1 (always): the framework-free pytest suite in tests/.
# Tier 2 (when Odoo 19.0 is importable by python3): the addon is installed into a fresh copy of a
# template database (account, sale_management, purchase, stock; built once per machine and Odoo
# tree) with its inventory bridge sync_xero_connector_stock, and their Odoo tests
# (sync_xero_connector/tests, sync_xero_connector_stock/tests: TransactionCase and HttpCase) run
# under pytest-odoo, in the SAME pytest run as tier 1, so the last line printed is one pytest summary.
#
# Environment:
#   XERO_TEST_TIER=1        run tier 1 only, even where Odoo is importable
#   XERO_TEST_DB=NAME       name of the run database (default: xero_test_run_<pid>); it is dropped
#                           and re-cloned at the start of the run
#   XERO_TEST_KEEP_DB=1     keep the run database (and its filestore) after the run
#   XERO_TEST_DATA_DIR=DIR  Odoo data dir (filestores) for the template and run databases
#                           (default: ~/.local/share/Odoo, Odoo's own default)
#   XERO_TEST_ALLOWED_WARNINGS=ERE  install-log WARNING lines matching this are not fatal
#   PYTHON=python3          the interpreter that has Odoo, pytest and pytest-odoo
# Exit status: non-zero when a test fails, the addon's install fails or logs a WARNING/ERROR,
# or no test at all was collected.
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT" || exit 2
ADDON=sync_xero_connector
BRIDGE=sync_xero_connector_stock   # the inventory object (depends on stock; auto-installed)
MODULES="$ADDON,$BRIDGE"
PY="${PYTHON:-python3}"
TEMPLATE_MODULES=account,sale_management,purchase,stock
# Never put the current folder on sys.path (python -m would): the addon must only import as
# odoo.addons.sync_xero_connector, and its framework-free packages through tests/conftest.py.
export PYTHONSAFEPATH=1
export PYTHONDONTWRITEBYTECODE=1

say() { printf '%s\n' "$*"; }

# Test paths given among the arguments (containing "/" or "::", or ending in ".py", and existing)
# replace the default ones; every other argument is passed to pytest as it is.
EXPLICIT_PATHS=0
for arg in "$@"; do
    case "$arg" in
        -*) ;;
        */*|*::*|*.py) [ -e "${arg%%::*}" ] && EXPLICIT_PATHS=1 ;;
    esac
done
paths() { [ "$EXPLICIT_PATHS" = 1 ] || printf '%s\n' "$@"; }

tier1_only() {
    say "$1"
    shift
    # -p no:odoo: pytest-odoo may be installed where Odoo is not; its plugin would fail to load.
    "$PY" -m pytest -p no:odoo $(paths tests) "$@"
    local rc=$?
    [ "$rc" -eq 5 ] && rc=1   # tier 1 collected nothing: that is a failure
    exit "$rc"
}

if [ "${XERO_TEST_TIER:-2}" = "1" ]; then
    tier1_only "XERO_TEST_TIER=1: tier 2 (Odoo) skipped; running tier 1 only." "$@"
fi
if ! "$PY" -c 'import sys, odoo.release as r; sys.exit(r.serie != "19.0")' >/dev/null 2>&1; then
    tier1_only "Odoo 19.0 is not importable: tier 2 (Odoo) skipped; running tier 1 only." "$@"
fi
if ! "$PY" -c 'import pytest_odoo' >/dev/null 2>&1; then
    say "Odoo 19.0 is importable but pytest-odoo is not (pip install pytest-odoo): tier 2 cannot run." >&2
    exit 1
fi

# ---------------------------------------------------------------------------------------------
# Tier 2 set-up: where Odoo is, the addons path, the databases
# ---------------------------------------------------------------------------------------------
ODOO_ROOT="${ODOO_ROOT:-$("$PY" -c 'import os, odoo.release as r; print(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))')}"
ODOO_VERSION="$("$PY" -c 'import odoo.release as r; print(r.version)')"
ADDONS_PATH=""
for dir in "$ODOO_ROOT/addons" "$ODOO_ROOT/odoo/addons"; do
    [ -d "$dir" ] && ADDONS_PATH="${ADDONS_PATH:+$ADDONS_PATH,}$dir"
done
ADDONS_PATH="$ADDONS_PATH,$ROOT"   # the addon folder sits at the repo root
DATA_DIR="${XERO_TEST_DATA_DIR:-${HOME:-/tmp}/.local/share/Odoo}"
LOCK_DIR="$DATA_DIR/xero-test-locks"
mkdir -p "$DATA_DIR/filestore" "$LOCK_DIR" || exit 2
odoo() { "$PY" -m odoo "$@"; }   # odoo/__main__.py: the same CLI as odoo-bin
ODOO_OPTS=(--addons-path="$ADDONS_PATH" --data-dir="$DATA_DIR" --no-http --stop-after-init)

db_exists() { [ "$(psql -X -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ]; }
drop_db() {  # drop a database and its filestore
    dropdb --if-exists "$1" >/dev/null 2>&1 || dropdb --if-exists --force "$1" >/dev/null || return 1
    rm -rf "${DATA_DIR:?}/filestore/$1"
}

# The template's name changes with the Odoo version and with any change to the Odoo tree
# (path, name, size or mtime of a file), so a new or updated Odoo gets a new template.
TREE_KEY="$( { printf '%s\n%s\n%s\n' "$ODOO_VERSION" "$ODOO_ROOT" "$TEMPLATE_MODULES"
               find "$ODOO_ROOT/odoo" "$ODOO_ROOT/addons" -type f ! -name '*.pyc' \
                    ! -path '*/__pycache__/*' -printf '%P %s %T@\n' 2>/dev/null | LC_ALL=C sort
             } | md5sum | cut -c1-10)"
TEMPLATE="xero_tmpl_$(printf '%s' "$ODOO_VERSION" | tr -c 'a-zA-Z0-9' '_')_$TREE_KEY"
DB="${XERO_TEST_DB:-xero_test_run_$$}"
case "$DB" in
    xero_tmpl_*|postgres|template0|template1|"")
        say "XERO_TEST_DB=$DB: refusing to drop and re-clone that database" >&2; exit 2 ;;
esac
LOG_DIR="$(mktemp -d "${TMPDIR:-/tmp}/xero-test.XXXXXX")"

# This run's lock: a run database whose lock is free belongs to no live run and may be dropped.
exec 8>"$LOCK_DIR/$DB.lock"
flock -n 8 || { say "database $DB is in use by another test run" >&2; exit 2; }
cleanup() {
    if [ "${XERO_TEST_KEEP_DB:-0}" != "1" ]; then
        drop_db "$DB"
        rm -f "$LOCK_DIR/$DB.lock"
    fi
}
if [ "${XERO_TEST_KEEP_DB:-0}" = "1" ]; then
    say "XERO_TEST_KEEP_DB=1: database $DB (filestore $DATA_DIR/filestore/$DB) is kept after the run."
fi
trap cleanup EXIT

# Template: build once (under an exclusive lock, so parallel runs wait instead of racing), then
# clone it with createdb -T, together with its filestore.
{
    flock 9
    for old in $(psql -X -d postgres -Atc "SELECT datname FROM pg_database
                 WHERE datname ~ '^xero_test_run_[0-9]+$' AND datname <> '$DB'"); do
        if flock -n "$LOCK_DIR/$old.lock" true; then   # no live run holds it: stale
            drop_db "$old" && rm -f "$LOCK_DIR/$old.lock"
        fi
    done
    for old in $(psql -X -d postgres -Atc "SELECT datname FROM pg_database
                 WHERE datname ~ '^xero_tmpl_' AND datname <> '$TEMPLATE'"); do
        drop_db "$old"   # a template of an older Odoo tree
    done
    if ! db_exists "$TEMPLATE"; then
        say "Building template database $TEMPLATE ($TEMPLATE_MODULES, Odoo $ODOO_VERSION at $ODOO_ROOT); once per machine, about 70-120 s..."
        start=$SECONDS
        drop_db "${TEMPLATE}_wip"
        if odoo server -d "${TEMPLATE}_wip" -i "$TEMPLATE_MODULES" "${ODOO_OPTS[@]}" \
                > "$LOG_DIR/template.log" 2>&1 \
            && ! grep -qE '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$LOG_DIR/template.log" \
            && [ "$(psql -X -d "${TEMPLATE}_wip" -Atc "SELECT count(*) FROM ir_module_module
                    WHERE name IN ('$(sed "s/,/','/g" <<<"$TEMPLATE_MODULES")') AND state = 'installed'")" \
                 = "$(tr ',' '\n' <<<"$TEMPLATE_MODULES" | wc -l)" ]; then
            psql -X -q -d postgres -c "ALTER DATABASE \"${TEMPLATE}_wip\" RENAME TO \"$TEMPLATE\"" &&
            if [ -d "$DATA_DIR/filestore/${TEMPLATE}_wip" ]; then
                rm -rf "${DATA_DIR:?}/filestore/$TEMPLATE"
                mv "$DATA_DIR/filestore/${TEMPLATE}_wip" "$DATA_DIR/filestore/$TEMPLATE"
            fi
            say "Template $TEMPLATE built in $((SECONDS - start)) s."
        else
            say "Building the template database failed; its log ($LOG_DIR/template.log) ends:" >&2
            tail -n 40 "$LOG_DIR/template.log" >&2
            drop_db "${TEMPLATE}_wip"
            exit 1
        fi
    fi
    drop_db "$DB" || { say "cannot drop the existing database $DB" >&2; exit 1; }
    createdb -T "$TEMPLATE" "$DB" || exit 1
    if [ -d "$DATA_DIR/filestore/$TEMPLATE" ]; then
        cp -a "$DATA_DIR/filestore/$TEMPLATE" "$DATA_DIR/filestore/$DB" || exit 1
    fi
} 9>"$LOCK_DIR/template.lock" || exit $?

# ---------------------------------------------------------------------------------------------
# Install the addon into the clone. Any ERROR/CRITICAL line fails the run, and so does any
# WARNING: the clone already has every other module installed, so each warning logged while
# installing the addon comes from the addon (its Python code, manifest, data or views), whichever
# logger reports it (odoo.addons.sync_xero_connector.*, odoo.modules.*, odoo.models, ...).
# ---------------------------------------------------------------------------------------------
say "Odoo $ODOO_VERSION at $ODOO_ROOT: installing $MODULES into $DB (clone of $TEMPLATE)..."
INSTALL_LOG="$LOG_DIR/install.log"
start=$SECONDS
odoo server -d "$DB" -i "$MODULES" "${ODOO_OPTS[@]}" > "$INSTALL_LOG" 2>&1
install_rc=$?
LOG_LINE='^[0-9-]+ [0-9:,]+ [0-9]+ (WARNING|ERROR|CRITICAL) '
problems="$(grep -E "$LOG_LINE" "$INSTALL_LOG" \
    | { if [ -n "${XERO_TEST_ALLOWED_WARNINGS:-}" ]; then
            grep -vE -- " WARNING .*(${XERO_TEST_ALLOWED_WARNINGS})"; else cat; fi; })"
INSTALL_FAILURE=""
if [ "$install_rc" -ne 0 ]; then
    INSTALL_FAILURE="odoo exited with status $install_rc while installing $MODULES"
fi
for module in $ADDON $BRIDGE; do
    state="$(psql -X -d "$DB" -Atc "SELECT state FROM ir_module_module WHERE name = '$module'" 2>/dev/null)"
    if [ -z "$INSTALL_FAILURE" ] && [ "$state" != "installed" ]; then
        INSTALL_FAILURE="$module is in state '${state:-unknown}' after the install, not 'installed'"
    fi
done
if [ -z "$INSTALL_FAILURE" ] && [ -n "$problems" ]; then
    INSTALL_FAILURE="installing $MODULES logged WARNING/ERROR lines"
fi
if [ -n "$INSTALL_FAILURE" ]; then
    {
        say "INSTALL FAILED: $INSTALL_FAILURE. Full log: $INSTALL_LOG"
        if [ -n "$problems" ]; then
            say "$problems"
        fi
        say "--- last lines of the install log:"
        tail -n 30 "$INSTALL_LOG"
        say "---"
    } >&2
    # Still run tier 1, and count the failed install as one failed test in the same summary.
    PLUGIN_DIR="$LOG_DIR/plugin"
    mkdir -p "$PLUGIN_DIR"
    cat > "$PLUGIN_DIR/xero_install_failed.py" <<'PYEOF'
import os
import pytest


class InstallFailed(pytest.Item):
    def runtest(self):
        raise AssertionError(os.environ["XERO_TEST_INSTALL_FAILURE"])

    def repr_failure(self, excinfo):
        return str(excinfo.value)

    def reportinfo(self):
        return self.path, None, self.name


def pytest_collection_modifyitems(session, config, items):
    items.append(InstallFailed.from_parent(session, name="install of sync_xero_connector"))
PYEOF
    say "Running tier 1, then reporting the failed install as a failed test."
    XERO_TEST_INSTALL_FAILURE="$INSTALL_FAILURE (log: $INSTALL_LOG)" \
        PYTHONPATH="$PLUGIN_DIR${PYTHONPATH:+:$PYTHONPATH}" \
        "$PY" -m pytest -p no:odoo -p xero_install_failed $(paths tests) "$@"
    exit 1
fi
say "Installed $MODULES in $((SECONDS - start)) s. Running tier 1 and tier 2 in one pytest run."

# ---------------------------------------------------------------------------------------------
# One pytest run: tests/ (framework-free) and the addons' tests (pytest-odoo, with Odoo's HTTP
# server up for HttpCase: --odoo-http).
# ---------------------------------------------------------------------------------------------
"$PY" -m pytest \
    --odoo-database="$DB" \
    --odoo-addons-path="$ADDONS_PATH" \
    --odoo-http \
    --odoo-log-level=warn \
    --odoo-extra=data-dir="$DATA_DIR" \
    --odoo-extra=http-interface=127.0.0.1 \
    -W "ignore:the load_module() method is deprecated:DeprecationWarning" \
    $(paths tests "$ADDON/tests" "$BRIDGE/tests") "$@"
rc=$?
[ "$rc" -eq 5 ] && rc=1   # nothing collected, not even tier 1
exit "$rc"
