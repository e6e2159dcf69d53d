#!/usr/bin/env bash
# Full demo: a fresh database with the addon, the local Xero sandbox seeded with the demo
# organisation, connect (Custom Connection), import all, export all, and the summary.
# Usage: bash tools/demo.sh        (env: XERO_DEMO_DB=name, XERO_DEMO_KEEP=1 keeps the sandbox up)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

if ! python3 -c 'import odoo.release as r; assert r.serie == "19.0"' >/dev/null 2>&1; then
    echo "The demo needs Odoo 19.0 importable by python3 (see README.rst, Installation):" \
         "'import odoo' failed or is not 19.0. Nothing was done." >&2
    exit 2
fi
# odoo is a namespace package in 19.0 (odoo.__file__ is None): locate the tree by odoo.release.
ODOO_ROOT=$(python3 -c 'import os, odoo.release as r; print(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))')
ADDONS="$ROOT"
for dir in "$ODOO_ROOT/addons" "$ODOO_ROOT/odoo/addons"; do
    [ -d "$dir" ] && ADDONS="$dir,$ADDONS"
done
DB=${XERO_DEMO_DB:-xero_demo}
WORK=$(mktemp -d)
CLIENT_ID=demo-client
CLIENT_SECRET=$(python3 -c 'import secrets; print(secrets.token_urlsafe(24))')

# --addons-path must come first so that Odoo finds the addon's `xero` command.
odoo() { python3 -m odoo --addons-path="$ADDONS" "$@"; }

echo "== Starting the Xero sandbox with the demo organisation"
PYTHONPATH=sync_xero_connector python3 -m xero_sandbox --port 0 \
    --seed sync_xero_connector/xero_sandbox/seed/demo \
    --client-id "$CLIENT_ID" --client-secret "$CLIENT_SECRET" >"$WORK/sandbox.log" 2>&1 &
SANDBOX_PID=$!
cleanup() {
    if [ "${XERO_DEMO_KEEP:-0}" != 1 ]; then kill "$SANDBOX_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
URL=""
for _ in $(seq 1 100); do
    URL=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$WORK/sandbox.log" | head -n 1 || true)
    [ -n "$URL" ] && break
    kill -0 "$SANDBOX_PID" 2>/dev/null || { cat "$WORK/sandbox.log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$URL" ] || { echo "The sandbox did not start:" >&2; cat "$WORK/sandbox.log" >&2; exit 1; }
echo "   sandbox at $URL"

echo "== Creating database $DB with the addon (one to two minutes)"
dropdb --if-exists "$DB" >/dev/null 2>&1 || true
odoo server -d "$DB" -i sync_xero_connector --stop-after-init --log-level=warn --http-interface=127.0.0.1 --http-port=0 \
    >"$WORK/install.log" 2>&1 || { tail -n 40 "$WORK/install.log" >&2; exit 1; }

echo "== Connecting company 1 to the sandbox organisation (Custom Connection)"
# connect prints the first-day check: the demo organisation keeps its books in NZD and Odoo's
# default company in USD, so documents are blocked until the company uses NZD.
odoo xero -d "$DB" --log-level=warn --http-interface=127.0.0.1 connect --company 1 --client-id "$CLIENT_ID" \
    --client-secret "$CLIENT_SECRET" --login-url "$URL" --identity-url "$URL" --api-url "$URL"

echo "== Applying the check's fix, as the user would click it: use NZD as the company currency"
odoo shell -d "$DB" --log-level=warn --no-http >"$WORK/fix.log" 2>&1 <<'PY' || { cat "$WORK/fix.log" >&2; exit 1; }
account = env["xero.account"].search([("company_id", "=", 1)])
account.action_onboarding_use_xero_currency()
env.cr.commit()
PY
odoo xero -d "$DB" --log-level=warn --http-interface=127.0.0.1 status

table() {  # the JSON results of import/export as a table
    python3 -c '
import json, sys
rows = json.loads(sys.stdin.read() or "{}")
keys = ("created", "updated", "skipped", "failed")
print("   %-14s %8s %8s %8s %8s" % (("object",) + keys))
order = "currencies taxes accounts bank_accounts contact_groups contacts items tracking_categories invoices bills credit_notes payments manual_journals quotes purchase_orders".split()
for name, counts in sorted(rows.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99):
    print("   %-14s %8d %8d %8d %8d" % ((name,) + tuple(counts.get(k, 0) for k in keys)))
total = {k: sum(c.get(k, 0) for c in rows.values()) for k in keys}
print("   %-14s %8d %8d %8d %8d" % (("total",) + tuple(total[k] for k in keys)))
'
}

# Import all: the objects the first connection enabled (every object, Xero -> Odoo).
echo "== Import all"
STATUS=0
odoo xero -d "$DB" --log-level=warn --http-interface=127.0.0.1 import all --json >"$WORK/import.json" || STATUS=1
table <"$WORK/import.json"
[ "$STATUS" = 0 ] || echo "   (import all reported errors: see above)"

# Export: what Odoo would send. The first connection enabled import only; the user turns export
# on for contacts, items and documents (Synchronisation tab). The chart of accounts and the taxes
# stay out of Xero unless "Export Chart of Accounts and Taxes" is ticked.
echo "== Turning on two-way sync for contacts, items and documents (Synchronisation tab)"
odoo shell -d "$DB" --log-level=warn --no-http >"$WORK/enable.log" 2>&1 <<'PY' || { cat "$WORK/enable.log" >&2; exit 1; }
account = env["xero.account"].search([("company_id", "=", 1)])
account.sync_setting_ids.filtered(lambda s: s.object_key in (
    "contact_groups", "contacts", "items", "invoices", "bills", "credit_notes", "payments",
    "quotes", "purchase_orders",
) and s.can_export).write({"enabled": True, "direction": "both"})
env.cr.commit()
PY
echo "== Export all, dry run (what would be sent; nothing is written)"
odoo xero -d "$DB" --log-level=warn --http-interface=127.0.0.1 export all --dry-run || true
echo "== Export all"
odoo xero -d "$DB" --log-level=warn --http-interface=127.0.0.1 export all --json >"$WORK/export.json" || STATUS=1
table <"$WORK/export.json"
echo "== Health"
odoo xero -d "$DB" --log-level=warn --http-interface=127.0.0.1 status
python3 -c '
import json, sys, urllib.request
stats = json.load(urllib.request.urlopen(sys.argv[1] + "/_sandbox/stats"))
print("   API calls the sandbox received in all (connect, check, import, preview, export): %s" % stats["total"])
' "$URL"
echo "== Done in $((SECONDS / 60)) min $((SECONDS % 60)) s"
exit "$STATUS"
