"""Benchmark: a burst of webhook events through Odoo's real HTTP server and scheduler.

    python3 tests/benchmarks/bench_webhooks.py [--events 1000] [--contacts 500] [--threads 20]

It installs the addon into a clone of the template database (as bench_invoices.py does),
starts the Xero sandbox (demo seed) in this process, connects the company with the command line
(``odoo xero connect ... --webhook-key KEY``) and imports the contacts; then starts
``odoo server`` (HTTP and one cron thread, ``--db-filter`` on the database, as a server that
receives Xero's webhooks runs), changes ``--contacts`` contacts in the sandbox, and POSTs
``--events`` signed events naming them in turn (one event per delivery; with fewer contacts
than events each is named several times) from ``--threads`` threads at once. It waits until the scheduler (triggered by the
deliveries) has processed every event, and prints one JSON object: the longest and median
answer times, the statuses, the API reads the events caused, how often each changed contact was
imported, and whether Odoo has the new names. Not a test: read the figures.
"""

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
import uuid

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_invoices import ROOT, Bench, _child_env, _psql  # noqa: E402

sys.path.insert(0, os.path.join(ROOT, "sync_xero_connector"))
from xero_sandbox import DEMO_SEED_DIR, Sandbox  # noqa: E402
from xero_sandbox.webhooks import sign  # noqa: E402

KEY = "bench-webhook-key-0123456789"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def post(url, body):
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "x-xero-signature": sign(KEY, body)},
    )
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - started


def api(sandbox, access, method, body):
    """A change made in Xero (not through Odoo)."""
    urllib.request.urlopen(
        urllib.request.Request(
            sandbox.url + "/api.xro/2.0/Contacts",
            data=json.dumps(body).encode(),
            method=method,
            headers={
                "Authorization": "Bearer " + access,
                "xero-tenant-id": sandbox.tenant_id,
                "Content-Type": "application/json",
            },
        ),
        timeout=60,
    ).read()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument(
        "--contacts",
        type=int,
        default=1000,
        help="contacts changed in Xero (made in the sandbox if the demo has "
        "fewer), named by the events in turn (default 1000: one each)",
    )
    parser.add_argument("--threads", type=int, default=20)
    parser.add_argument("--template")
    parser.add_argument("--db-prefix")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    bench = Bench(args)
    sandbox = Sandbox(
        port=0,
        client_id="bench-client",
        client_secret="bench-secret",
        minute_limit=100000,
        day_limit=10_000_000,
        seed=DEMO_SEED_DIR,
    ).start()
    server = None
    try:
        access = sandbox.issue_token()["access_token"]
        missing = args.contacts - sum(
            1 for c in sandbox.records("Contacts") if c.get("ContactStatus") == "ACTIVE"
        )
        for start in range(0, max(missing, 0), 100):
            api(
                sandbox,
                access,
                "PUT",
                {
                    "Contacts": [
                        {"Name": f"Bench Contact {i:05d}"} for i in range(start, min(start + 100, missing))
                    ]
                },
            )
        db = bench.base()
        common = [f"--addons-path={bench.addons_path}", f"--data-dir={bench.data_dir}"]
        # The demo organisation keeps its books in NZD: so does the company.
        _psql(
            "UPDATE res_company SET currency_id = "
            "(SELECT id FROM res_currency WHERE name = 'NZD') WHERE id = 1; UPDATE res_currency SET active = true WHERE name = 'NZD'",
            db,
        )
        for argv in (
            [
                "connect",
                "--company",
                "1",
                "--client-id",
                "bench-client",
                "--client-secret",
                "bench-secret",
                "--identity-url",
                sandbox.url,
                "--api-url",
                sandbox.url,
                "--webhook-key",
                KEY,
            ],
            ["import", "contacts"],
        ):
            # The addons path before the command: Odoo finds the addon's command there.
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "odoo",
                    common[0],
                    "xero",
                    common[1],
                    "--no-http",
                    "--log-level=warn",
                    "-d",
                    db,
                    *argv,
                ],
                env=_child_env(),
                capture_output=True,
                text=True,
            )
            if done.returncode:
                raise SystemExit(f"odoo xero {argv[0]} failed:\n{done.stdout}\n{done.stderr}")
        # Contacts only, and no polling: every read below is the webhook's (connect enabled
        # the recommended objects, whose hourly crons would otherwise run at server start).
        _psql(
            "UPDATE xero_sync_setting SET enabled = (object_key = 'contacts'), "
            "direction = 'import'; UPDATE ir_cron SET active = false WHERE id IN (SELECT res_id "
            "FROM ir_model_data WHERE module = 'sync_xero_connector' AND model = 'ir.cron' "
            "AND name NOT IN ('ir_cron_xero_webhook_events'))",
            db,
        )
        token = _psql("SELECT webhook_token FROM xero_account", db)
        port = free_port()
        log = open(os.path.join(bench.log_dir, "server.log"), "w", encoding="utf-8")
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "odoo",
                "server",
                *common,
                "-d",
                db,
                f"--db-filter=^{db}$",
                f"--http-port={port}",
                "--http-interface=127.0.0.1",
                "--workers=0",
                "--max-cron-threads=1",
                "--log-level=warn",
            ],
            env=_child_env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}/xero/webhook/{token}"
        for __ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        # Changed in Xero (the sandbox's own webhooks are off: the burst is ours).
        contacts = [c for c in sandbox.records("Contacts") if c.get("ContactStatus") == "ACTIVE"]
        contacts = contacts[: args.contacts]
        renamed = {c["ContactID"]: c["Name"] + " (renamed)" for c in contacts}
        items = [{"ContactID": k, "Name": v} for k, v in renamed.items()]
        for start in range(0, len(items), 100):
            api(sandbox, access, "POST", {"Contacts": items[start : start + 100]})
        ids = list(renamed)
        payloads = []
        for index in range(args.events):
            event = {
                "resourceUrl": "x",
                "resourceId": ids[index % len(ids)],
                "eventDateUtc": f"2026-12-01T10:{index // 60 % 60:02d}:{index % 60:02d}.000",
                "eventType": "UPDATE",
                "eventCategory": "CONTACT",
                "tenantId": sandbox.tenant_id,
                "tenantType": "ORGANISATION",
            }
            payloads.append(
                json.dumps(
                    {
                        "events": [event],
                        "firstEventSequence": index + 1,
                        "lastEventSequence": index + 1,
                        "entropy": uuid.uuid4().hex[:20],
                    }
                ).encode()
            )
        before = sandbox.stats()["by_operation"]
        results, lock = [], threading.Lock()

        def worker(chunk):
            for payload in chunk:
                outcome = post(url, payload)
                with lock:
                    results.append(outcome)

        started = time.perf_counter()
        threads = [
            threading.Thread(target=worker, args=(payloads[i :: args.threads],)) for i in range(args.threads)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        burst = time.perf_counter() - started
        deadline = time.time() + 300
        while (
            time.time() < deadline
            and _psql("SELECT count(*) FROM xero_webhook_event WHERE state = 'new'", db) != "0"
        ):
            time.sleep(0.5)
        processed = time.perf_counter() - started
        after = sandbox.stats()["by_operation"]
        reads = {
            k: after.get(k, 0) - before.get(k, 0)
            for k in after
            if k.startswith("GET") and after.get(k, 0) != before.get(k, 0)
        }
        imports = _psql(
            "SELECT l.xero_id, count(*) FROM xero_sync_run_line l JOIN xero_sync_run r "
            "ON r.id = l.run_id WHERE r.trigger = 'webhook' GROUP BY l.xero_id",
            db,
        )
        per_record = [int(row.split("|")[1]) for row in imports.splitlines() if row]
        names = _psql(
            "SELECT b.xero_id || '|' || p.name FROM xero_binding b JOIN res_partner p "
            "ON p.id = b.res_id WHERE b.object_key = 'contacts'",
            db,
        )
        in_odoo = dict(row.split("|", 1) for row in names.splitlines() if row)
        times = [t for __, t in results]
        print(
            json.dumps(
                {
                    "events_posted": args.events,
                    "contacts_changed": len(ids),
                    "threads": args.threads,
                    "statuses": {str(s): sum(1 for x, __ in results if x == s) for s, __ in results},
                    "longest_answer_s": round(max(times), 3),
                    "median_answer_s": round(statistics.median(times), 3),
                    "burst_s": round(burst, 2),
                    "all_processed_after_s": round(processed, 2),
                    "events_by_state": dict(
                        row.split("|")
                        for row in _psql(
                            "SELECT state, count(*) FROM xero_webhook_event GROUP BY state", db
                        ).splitlines()
                    ),
                    "api_reads": reads,
                    "webhook_runs": int(
                        _psql("SELECT count(*) FROM xero_sync_run WHERE trigger = 'webhook'", db)
                    ),
                    "imports_per_changed_record": sorted(set(per_record)),
                    "records_imported": len(per_record),
                    "odoo_has_new_names": all(in_odoo.get(k) == v for k, v in renamed.items()),
                },
                sort_keys=True,
            )
        )
    finally:
        if server:
            server.terminate()
            server.wait(timeout=30)
        sandbox.stop()
        if not args.keep_db:
            for name in list(bench.dbs):
                bench.drop(name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
