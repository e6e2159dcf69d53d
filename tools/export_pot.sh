#!/usr/bin/env bash
# Export sync_xero_connector/i18n/sync_xero_connector.pot from a real database:
#   bash tools/export_pot.sh
# Clones the template database that tools/test.sh builds (xero_tmpl_*: account, sale_management,
# purchase, stock), installs the addon, exports its translatable terms, drops the database.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export PYTHONSAFEPATH=1 PYTHONDONTWRITEBYTECODE=1
PY="${PYTHON:-python3}"
ODOO_ROOT="$("$PY" -c 'import os, odoo.release as r; print(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))')"
ADDONS="$ODOO_ROOT/addons,$ODOO_ROOT/odoo/addons,$ROOT"
TEMPLATE="$(psql -X -d postgres -Atc "SELECT datname FROM pg_database WHERE datname ~ '^xero_tmpl_' ORDER BY oid DESC LIMIT 1")"
[ -n "$TEMPLATE" ] || { echo "no xero_tmpl_* database: run bash tools/test.sh once first" >&2; exit 2; }
DB="xero_pot_$$"
DATA_DIR="$(mktemp -d)"
trap 'dropdb --if-exists "$DB" >/dev/null 2>&1; rm -rf "$DATA_DIR"' EXIT
createdb -T "$TEMPLATE" "$DB"
"$PY" -m odoo --addons-path="$ADDONS" --data-dir="$DATA_DIR" -d "$DB" -i sync_xero_connector \
    --no-http --stop-after-init --log-level=warn
mkdir -p sync_xero_connector/i18n
"$PY" -m odoo --addons-path="$ADDONS" i18n export -d "$DB" -o sync_xero_connector/i18n/sync_xero_connector.pot \
    sync_xero_connector
# The export stamps the creation date: keep it out of the diff when nothing else changed.
sed -i -E '/^"(POT-Creation-Date|PO-Revision-Date): /d' sync_xero_connector/i18n/sync_xero_connector.pot
grep -c '^msgid ' sync_xero_connector/i18n/sync_xero_connector.pot | sed 's/^/msgids: /'
