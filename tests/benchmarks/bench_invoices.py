"""Benchmark: invoices between Odoo and the Xero sandbox, batched and record by record.

    python3 tests/benchmarks/bench_invoices.py [--n 2000] [--runs 3] [--sample 200] [--keep-db]

One command does everything: it clones the template database (``xero_tmpl_*``, as built by
``tools/test.sh``; without one it installs account, sale_management, purchase and stock itself),
installs the addon once into ``xero_bench_<pid>_base``, then for each run clones that database twice
and drives Odoo through ``python3 -m odoo shell`` (this same file is piped into the shell):

* the *export* database: master data imported from the sandbox (currencies, taxes, accounts, bank
  accounts, contacts, items), N posted customer invoices (2-3 lines, taxes) built from those bound
  records, then (a) one export run, (c) an incremental import + export with nothing changed, and
  (d) the export of ``--sample`` more invoices record by record (one run per invoice);
* the *import* database: the sandbox seeded with N ACCREC invoices (``seed_gen.invoices_seed``),
  master data imported first, then (b) one import run and (c) an incremental import + export.

Each scenario prints one JSON object per run (API calls by kind from the sandbox, wall seconds,
documents per second, peak RSS, pass/fail of its target), then a summary line with medians over the
runs. The sandbox runs with ``minute_limit=100000`` (and a day limit of 10,000,000) so that Xero's
60 calls/minute pacing does not dominate; ``xero_60_per_minute_floor_seconds`` says how long the
same calls would take at least at Xero's real pace. Databases are dropped at the end unless
``--keep-db``. Not a test: the targets are checked by reading the figures.
"""

import argparse
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MARK = "@@BENCH@@ "
MINUTE_LIMIT = 100000
DAY_LIMIT = 10_000_000
MASTER_DATA = ["currencies", "taxes", "accounts", "bank_accounts", "contacts", "items"]
TEMPLATE_MODULES = "account,sale_management,purchase,stock"
# Run bookkeeping the connector writes on every run (not business data, not bindings).
BOOKKEEPING_TABLES = {
    "xero_sync_run",
    "xero_sync_run_line",
    "xero_sync_setting",
    "xero_api_log",
    "xero_account",
    "bus_bus",
}
WATCHED_TABLES = ("account_move", "account_move_line", "xero_binding", "res_partner")


# ================================================================================ inside Odoo
# Everything below up to the "outside Odoo" part runs in ``python3 -m odoo shell`` (``env`` given).


def _emit(obj):
    if isinstance(obj, dict) and obj.get("scenario") and isinstance(obj.get("api_calls"), int):
        # Xero's day is 1,000 calls (Starter) or 5,000: what 1,000 documents cost of it.
        docs = obj.get("sample") or obj.get("n")
        if docs:
            obj["api_calls_per_1000_docs"] = round(obj["api_calls"] * 1000 / docs, 1)
    print(MARK + json.dumps(obj, default=str), flush=True)


def _rss_mb(field):
    try:
        with open("/proc/self/status", encoding="ascii") as handle:
            for line in handle:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


def _reset_peak():
    """Reset the kernel's peak-RSS mark (VmHWM) to the current RSS; False where not possible."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


class CallCounter:
    """Counts the sandbox's API requests by kind: lists, single-record GETs, writes..."""

    def __init__(self, sandbox):
        import threading
        from collections import Counter

        self.lock = threading.Lock()
        self.kinds = Counter()
        self.single_paths = Counter()
        original = sandbox.record

        def record(method, path, query, headers, raw, answer, seconds):
            kind = self.classify(method, path)
            with self.lock:
                self.kinds[kind] += 1
                if kind == "single_get":
                    self.single_paths["GET /" + path.split("/")[3]] += 1
            return original(method, path, query, headers, raw, answer, seconds)

        sandbox.record = record  # the HTTP handler calls sandbox.record(...) for every request

    @staticmethod
    def classify(method, path):
        low = path.lower()
        if not low.startswith("/api.xro/2.0/"):
            return "auth"  # /connections, /connect/token, identity
        parts = [p for p in path[len("/api.xro/2.0/") :].split("/") if p]
        if method in ("PUT", "POST"):
            return "write"
        if method == "DELETE":
            return "delete"
        if method == "GET":
            return "list" if len(parts) == 1 else "single_get"
        return "other"

    def snapshot(self):
        with self.lock:
            return dict(self.kinds), dict(self.single_paths)


def _diff(after, before):
    out = {}
    for key, value in after.items():
        delta = value - before.get(key, 0)
        if delta:
            out[key] = delta
    return out


def _table_counters(env):
    env.cr.execute("""SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables
                      WHERE n_tup_ins + n_tup_upd + n_tup_del > 0""")
    return {row[0]: row[1:] for row in env.cr.fetchall()}


def _max_write_dates(env):
    out = {}
    for table in WATCHED_TABLES:
        env.cr.execute(f"SELECT max(write_date), count(*) FROM {table}")  # noqa: S608 - constant names
        stamp, count = env.cr.fetchone()
        out[table] = [str(stamp), count]
    return out


def _measure(env, sandbox, counter, fn, watch_writes=False):
    """Run ``fn()`` and return (its result, figures)."""
    import resource

    env.flush_all()
    ops0 = sandbox.stats()["by_operation"]
    kinds0, singles0 = counter.snapshot()
    tables0 = _table_counters(env) if watch_writes else None
    dates0 = _max_write_dates(env) if watch_writes else None
    hwm_reset = _reset_peak()
    rss0 = _rss_mb("VmRSS")
    started = time.perf_counter()
    cpu = time.process_time()
    result = fn()
    env.flush_all()
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu
    kinds1, singles1 = counter.snapshot()
    kinds = _diff(kinds1, kinds0)
    api_calls = sum(v for k, v in kinds.items() if k != "auth")
    figures = {
        "wall_seconds": round(wall, 3),
        "cpu_seconds": round(cpu, 3),
        "api_calls": api_calls,
        "write_calls": kinds.get("write", 0),
        "list_calls": kinds.get("list", 0),
        "single_get_calls": kinds.get("single_get", 0),
        "single_get_by_collection": _diff(singles1, singles0),
        "delete_calls": kinds.get("delete", 0),
        "auth_calls": kinds.get("auth", 0),
        "by_operation": _diff(sandbox.stats()["by_operation"], ops0),
        "xero_60_per_minute_floor_seconds": api_calls,  # 60 calls a minute = one a second
        "rss_before_mb": round(rss0, 1) if rss0 else None,
    }
    if hwm_reset:
        peak = _rss_mb("VmHWM")
        figures["peak_rss_mb"] = round(peak, 1) if peak else None
        figures["peak_rss_growth_mb"] = round(peak - rss0, 1) if peak and rss0 else None
    else:  # process-wide peak since start: an upper bound only
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0, 1)
        figures["peak_rss_note"] = "ru_maxrss (process peak since start)"
    if watch_writes:
        tables1 = _table_counters(env)
        changed = {}
        for table, counts in tables1.items():
            base = tables0.get(table, (0, 0, 0))
            delta = [counts[i] - base[i] for i in range(3)]
            if any(delta):
                changed[table] = {"inserted": delta[0], "updated": delta[1], "deleted": delta[2]}
        dates1 = _max_write_dates(env)
        figures["odoo_rows_changed"] = changed
        figures["odoo_business_rows_changed"] = {
            t: c for t, c in changed.items() if t not in BOOKKEEPING_TABLES
        }
        figures["max_write_date_changed"] = {
            t: [dates0[t], dates1[t]] for t in WATCHED_TABLES if dates0[t] != dates1[t]
        }
    return result, figures


def _run_summary(run):
    return {
        "state": run.state,
        "created": run.created_count,
        "updated": run.updated_count,
        "skipped": run.skipped_count,
        "failed": run.failed_count,
        "run_api_calls": run.api_calls,
        "message": (run.message or "")[:300] or None,
    }


def _mismatches(env, account, limit=5):
    logs = env["xero.mismatch.log"].search([("account_id", "=", account.id), ("state", "=", "open")])
    return len(logs), [
        f"{m.object_key} {m.direction} {m.kind} {m.record_name}: {(m.messages or '')[:200]}"
        for m in logs[:limit]
    ]


def _connect(env, seed, cfg):
    """A started sandbox with ``seed``, a connected xero.account, master data imported."""
    from datetime import timedelta

    import requests

    from odoo import fields

    from odoo.addons.sync_xero_connector.xero_sandbox import Sandbox

    sandbox = Sandbox(
        port=0,
        client_id="bench-client",
        client_secret="bench-secret",
        token_ttl=1800,
        refresh_grace=1800,
        minute_limit=MINUTE_LIMIT,
        day_limit=DAY_LIMIT,
        seed=seed,
    ).start()
    if cfg.get("tcp_nodelay"):
        # The sandbox's keep-alive answers otherwise wait ~40 ms per call (Nagle + delayed ACK).
        sandbox._server.RequestHandlerClass.disable_nagle_algorithm = True
    counter = CallCounter(sandbox)
    company = env.company
    company.tax_calculation_rounding_method = "round_per_line"  # required by the connector
    account = env["xero.account"].create(
        {
            "name": "bench",
            "company_id": company.id,
            "client_id": "bench-client",
            "client_secret": "bench-secret",
            "endpoint_mode": "custom",
            "login_url": sandbox.url,
            "identity_url": sandbox.url,
            "api_url": sandbox.url,
            "user_id": env.uid,
        }
    )
    token = sandbox.issue_token([sandbox.tenant_id])
    conn = requests.get(
        sandbox.url + "/connections", timeout=10, headers={"Authorization": "Bearer " + token["access_token"]}
    ).json()[0]
    now = fields.Datetime.now()
    account.sudo().write(
        {
            "state": "connected",
            "tenant_id": conn["tenantId"],
            "tenant_name": conn["tenantName"],
            "connection_id": conn["id"],
            "access_token": token["access_token"],
            "refresh_token": token["refresh_token"],
            "token_expires_at": now + timedelta(seconds=1800),
            "refresh_token_at": now,
        }
    )
    started = time.perf_counter()
    __, errors = account._xero_run("import", MASTER_DATA)
    if errors:
        raise RuntimeError("master data import failed: %s" % errors)
    env.flush_all()
    env.cr.commit()
    return sandbox, counter, account, round(time.perf_counter() - started, 1)


def _base_seed(env, invoices):
    import random

    from odoo.addons.sync_xero_connector.xero_sandbox import seed_gen

    data = seed_gen.invoices_seed(invoices)
    # The organisation's base currency is the Odoo company's, as a real set-up would have it.
    data["Organisation"][0]["BaseCurrency"] = env.company.currency_id.name
    data["Items"] = seed_gen.items(random.Random(5))
    return data


def _build_invoices(env, account, count, seed):
    """``count`` posted out_invoices from bound partners, products, account 200 and taxes."""
    import random
    from datetime import date, timedelta

    from odoo.fields import Command

    rng = random.Random(seed)
    Binding = env["xero.binding"]

    def bound(key, **where):
        domain = [("account_id", "=", account.id), ("object_key", "=", key), ("is_primary", "=", True)]
        domain += [(k, "=", v) for k, v in where.items()]
        return Binding.search(domain, order="id")

    partners = env["res.partner"].browse(bound("contacts").mapped("res_id"))
    products = env["product.product"].browse(bound("items").mapped("res_id")).filtered("sale_ok")
    sales = env["account.account"].browse(bound("accounts", xero_number="200").res_id)
    taxes = [
        env["account.tax"].browse(bound("taxes", xero_id=code).res_id)
        for code in ("OUTPUT2", "OUTPUT2", "OUTPUT2", "ZERORATED")
    ]
    journal = env["account.journal"].search(
        [("company_id", "=", env.company.id), ("type", "=", "sale")], limit=1
    )
    if not (partners and products and sales and all(taxes) and journal):
        raise RuntimeError(
            "master data missing: partners %d, products %d, account %s, taxes %s"
            % (len(partners), len(products), sales, taxes)
        )
    today = date.today()
    vals = []
    for index in range(count):
        lines = []
        for __ in range(2 + index % 2):
            product = products[rng.randrange(len(products))]
            lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "name": product.name,
                        "quantity": rng.randrange(1, 12),
                        "price_unit": rng.randrange(500, 90000) / 100,
                        "account_id": sales.id,
                        "tax_ids": [Command.set(rng.choice(taxes).ids)],
                    }
                )
            )
        vals.append(
            {
                "move_type": "out_invoice",
                "partner_id": partners[index % len(partners)].id,
                "invoice_date": today - timedelta(days=index % 90),
                "journal_id": journal.id,
                "invoice_line_ids": lines,
            }
        )
    Move = env["account.move"].with_context(default_move_type="out_invoice")
    moves = Move.browse()
    for start in range(0, count, 500):
        moves |= Move.create(vals[start : start + 500])
    moves.action_post()
    env.flush_all()
    return moves


def _incremental(env, sandbox, counter, account, n, label, run_no):
    """(c): import then export of invoices with nothing changed."""
    env.cr.commit()  # a fresh transaction: pg_stat_xact_* counts only what (c) does
    out = {"scenario": label, "run": run_no, "n": n}

    def both():
        imp = account._xero_run_object("invoices", "import", trigger="manual")
        env.flush_all()
        imp_kinds = counter.snapshot()[0]
        exp = account._xero_run_object("invoices", "export", trigger="manual")
        return imp, exp, imp_kinds

    kinds_before = counter.snapshot()[0]
    (imp, exp, kinds_mid), figures = _measure(env, sandbox, counter, both, watch_writes=True)
    kinds_after = counter.snapshot()[0]
    import_calls = sum(v for k, v in _diff(kinds_mid, kinds_before).items() if k != "auth")
    export_calls = sum(v for k, v in _diff(kinds_after, kinds_mid).items() if k != "auth")
    out.update(figures)
    out.update(
        {
            "import_api_calls": import_calls,
            "export_api_calls": export_calls,
            "import_run": _run_summary(imp),
            "export_run": _run_summary(exp),
            "enabled_object_runs": 2,
        }
    )
    business = figures["odoo_business_rows_changed"]
    out["odoo_wrote_business_data"] = bool(business) or bool(figures["max_write_date_changed"])
    out["target"] = (
        "<= 1 API call per run (invoices import, invoices export) and no write in "
        "Odoo outside run bookkeeping (%s)" % ", ".join(sorted(BOOKKEEPING_TABLES))
    )
    out["pass"] = import_calls <= 1 and export_calls <= 1 and not out["odoo_wrote_business_data"]
    return out


def _inner_export(env, cfg):
    n, sample, run_no = cfg["n"], cfg["sample"], cfg["run"]
    setup = time.perf_counter()
    sandbox, counter, account, master_seconds = _connect(env, _base_seed(env, 0), cfg)
    try:
        # A first sync imports before it exports: Xero has no invoice yet (one read), and
        # Odoo then knows it holds every Xero invoice (what (c) relies on).
        account._xero_run_object("invoices", "import", trigger="manual")
        env.cr.commit()
        started = time.perf_counter()
        moves = _build_invoices(env, account, n, seed=run_no)
        env.cr.commit()
        build_seconds = round(time.perf_counter() - started, 1)

        # (a) one export run of the N posted invoices
        run, figures = _measure(
            env, sandbox, counter, lambda: account._xero_run_object("invoices", "export", trigger="manual")
        )
        in_xero = [r for r in sandbox.records("Invoices") if r.get("Type") == "ACCREC"]
        bound = env["xero.binding"].search_count(
            [("account_id", "=", account.id), ("object_key", "=", "invoices"), ("res_id", "in", moves.ids)]
        )
        mismatch_count, mismatch_sample = _mismatches(env, account)
        limit = math.ceil(n / 50) + 10
        # Issue 13: every call of the export (pre-match reads included).
        call_limit = 2 * math.ceil(n / 50) + 5
        a = {
            "scenario": "a_export",
            "run": run_no,
            "n": n,
            **figures,
            "docs_per_second": round(n / figures["wall_seconds"], 1) if figures["wall_seconds"] else None,
            "run_result": _run_summary(run),
            "invoices_in_xero": len(in_xero),
            "bound_in_odoo": bound,
            "open_mismatches": mismatch_count,
            "mismatch_sample": mismatch_sample,
            "setup": {"master_data_import_seconds": master_seconds, "create_and_post_seconds": build_seconds},
            "target": f"write_calls <= ceil(N/50)+10 = {limit}, api_calls <= 2*ceil(N/50)+5 = {call_limit}",
        }
        a["pass"] = (
            figures["write_calls"] <= limit
            and figures["api_calls"] <= call_limit
            and run.created_count == n
            and bound == n
        )
        _emit(a)
        env.cr.commit()

        # (c) incremental run right after (a)
        _emit(_incremental(env, sandbox, counter, account, n, "c_incremental_after_a", run_no))
        env.cr.commit()

        # (d) the same export, record by record, on a sample of new invoices
        size = min(sample, n)
        sample_moves = _build_invoices(env, account, size, seed=1000 + run_no)
        env.cr.commit()

        def one_by_one():
            runs = env["xero.sync.run"]
            for move in sample_moves:
                runs |= account._xero_run_object("invoices", "export", trigger="manual", records=move)
            return runs

        runs, figures = _measure(env, sandbox, counter, one_by_one)
        created = sum(runs.mapped("created_count"))
        per_doc_seconds = figures["wall_seconds"] / size
        per_doc_calls = figures["api_calls"] / size
        a_per_doc_seconds = a["wall_seconds"] / n
        a_per_doc_calls = a["api_calls"] / n
        d = {
            "scenario": "d_export_one_by_one",
            "run": run_no,
            "n": n,
            "sample": size,
            **figures,
            "docs_per_second": round(size / figures["wall_seconds"], 1) if figures["wall_seconds"] else None,
            "created": created,
            "failed": sum(runs.mapped("failed_count")),
            "seconds_per_doc": round(per_doc_seconds, 4),
            "api_calls_per_doc": round(per_doc_calls, 3),
            "write_calls_per_doc": round(figures["write_calls"] / size, 3),
            "extrapolated_to_n": {
                "note": f"sample of {size} scaled linearly to N={n}",
                "wall_seconds": round(per_doc_seconds * n, 1),
                "api_calls": round(per_doc_calls * n),
                "write_calls": round(figures["write_calls"] / size * n),
                "xero_60_per_minute_floor_seconds": round(per_doc_calls * n),
            },
            "ratio_to_a": {
                "seconds_per_doc": round(per_doc_seconds / a_per_doc_seconds, 2)
                if a_per_doc_seconds
                else None,
                "api_calls_per_doc": round(per_doc_calls / a_per_doc_calls, 2) if a_per_doc_calls else None,
            },
            "target": "informative (the cost batching saves); pass = every sample document exported",
        }
        d["pass"] = created == size
        _emit(d)
        env.cr.commit()
    finally:
        sandbox.stop()
    _emit(
        {
            "scenario": "_process",
            "role": "export",
            "run": run_no,
            "seconds": round(time.perf_counter() - setup, 1),
        }
    )


def _raw_orm_seconds(env, moves):
    """Seconds Odoo's own ORM takes to create the same moves (partner, dates, currency,
    journal, lines with account, taxes, quantity and price) in one ``create(vals_list)`` and
    to post those posted by the import in one ``action_post()``; rolled back."""
    from odoo import Command

    vals_list, posted = [], []
    for index, move in enumerate(moves):
        vals_list.append(
            {
                "move_type": move.move_type,
                "partner_id": move.partner_id.id,
                "invoice_date": move.invoice_date,
                "invoice_date_due": move.invoice_date_due,
                "currency_id": move.currency_id.id,
                "journal_id": move.journal_id.id,
                "ref": move.ref,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": line.name,
                            "quantity": line.quantity,
                            "price_unit": line.price_unit,
                            "discount": line.discount,
                            "account_id": line.account_id.id,
                            "product_id": line.product_id.id,
                            "tax_ids": [Command.set(line.tax_ids.ids)],
                        }
                    )
                    for line in move.invoice_line_ids
                ],
            }
        )
        if move.state == "posted":
            posted.append(index)
    env.flush_all()
    with env.cr.savepoint() as savepoint:
        started = time.perf_counter()
        # xero_inbound: the connector's own create hook (dirty tracking) stays out of it.
        created = env["account.move"].with_context(xero_inbound=True).create(vals_list)
        created.browse([created.ids[i] for i in posted]).action_post()
        env.flush_all()
        seconds = time.perf_counter() - started
        savepoint.close(rollback=True)
    return round(seconds, 3)


def _inner_import(env, cfg):
    from datetime import UTC, datetime, timedelta

    from odoo.addons.sync_xero_connector.xero_sandbox import msdate

    n, run_no = cfg["n"], cfg["run"]
    setup = time.perf_counter()
    seed = _base_seed(env, n)
    if not cfg.get("fresh_stamps"):
        # A real organisation's invoices were last changed over time, not all in the last
        # minutes: one a minute, the newest an hour ago (else every one of them falls inside the
        # connector's 5-minute re-read overlap of the next incremental import).
        newest = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
        for index, invoice in enumerate(seed["Invoices"]):
            invoice["UpdatedDateUTC"] = msdate.ms_json(newest - timedelta(minutes=n - 1 - index))
    sandbox, counter, account, master_seconds = _connect(env, seed, cfg)
    try:
        statuses = {}
        for invoice in seed["Invoices"]:
            statuses[invoice["Status"]] = statuses.get(invoice["Status"], 0) + 1

        def do_import():
            if not cfg.get("profile"):
                return account._xero_run_object("invoices", "import", trigger="manual")
            import cProfile

            profiler = cProfile.Profile()
            try:
                return profiler.runcall(account._xero_run_object, "invoices", "import", trigger="manual")
            finally:
                profiler.dump_stats(cfg["profile"])

        run, figures = _measure(env, sandbox, counter, do_import)
        moves = env["account.move"].search(
            [("company_id", "=", env.company.id), ("move_type", "=", "out_invoice")]
        )
        bound = env["xero.binding"].search_count(
            [("account_id", "=", account.id), ("object_key", "=", "invoices")]
        )
        mismatch_count, mismatch_sample = _mismatches(env, account)
        states = {}
        for move in moves:
            states[move.state] = states.get(move.state, 0) + 1
        raw_seconds = _raw_orm_seconds(env, moves)
        limit = math.ceil(n / 1000) + 5
        b = {
            "scenario": "b_import",
            "run": run_no,
            "n": n,
            **figures,
            "docs_per_second": round(n / figures["wall_seconds"], 1) if figures["wall_seconds"] else None,
            "run_result": _run_summary(run),
            "xero_statuses": statuses,
            "odoo_states": states,
            "bound_in_odoo": bound,
            "open_mismatches": mismatch_count,
            "mismatch_sample": mismatch_sample,
            "seed_updated_dates": "fresh (load time)"
            if cfg.get("fresh_stamps")
            else "historic: one a minute, newest 1 h before the run",
            "setup": {"master_data_import_seconds": master_seconds},
            "raw_orm_create_post_seconds": raw_seconds,
            "ratio_to_raw_orm": round(figures["wall_seconds"] / raw_seconds, 2),
            "target": f"list_calls <= ceil(N/1000)+5 = {limit} and no per-document GET; "
            "ratio_to_raw_orm <= 1.5",
        }
        b["pass"] = (
            figures["list_calls"] <= limit
            and figures["single_get_calls"] == 0
            and run.created_count == n
            and bound == n
            and b["ratio_to_raw_orm"] <= 1.5
        )
        _emit(b)
        env.cr.commit()
        _emit(_incremental(env, sandbox, counter, account, n, "c_incremental_after_b", run_no))
        env.cr.commit()
    finally:
        sandbox.stop()
    _emit(
        {
            "scenario": "_process",
            "role": "import",
            "run": run_no,
            "seconds": round(time.perf_counter() - setup, 1),
        }
    )


def _inner(env, cfg):
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True))
    try:
        if cfg["role"] == "export":
            _inner_export(env, cfg)
        else:
            _inner_import(env, cfg)
    except Exception as exc:  # reported to the outer process, which fails the run
        import traceback

        _emit(
            {
                "scenario": "_error",
                "role": cfg["role"],
                "run": cfg["run"],
                "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc()[-4000:],
            }
        )
        env.cr.rollback()


# =============================================================================== outside Odoo


def _psql(sql, db="postgres"):
    return subprocess.run(
        ["psql", "-X", "-At", "-d", db, "-c", sql], check=True, capture_output=True, text=True
    ).stdout.strip()


def _odoo_layout():
    code = (
        "import os, odoo.release as r; "
        "print(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__)))); print(r.serie)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], check=True, capture_output=True, text=True, env=_child_env()
    ).stdout.split()
    odoo_root, serie = out[0], out[1]
    paths = [
        p
        for p in (os.path.join(odoo_root, "addons"), os.path.join(odoo_root, "odoo", "addons"))
        if os.path.isdir(p)
    ]
    return ",".join(paths + [ROOT]), serie


def _child_env():
    env = dict(os.environ)
    env["PYTHONSAFEPATH"] = "1"  # the addon imports only as odoo.addons.sync_xero_connector
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


class Bench:
    name = "bench_invoices"
    script = os.path.abspath(__file__)  # the file piped into ``odoo shell``

    def __init__(self, args):
        self.args = args
        self.addons_path, self.serie = _odoo_layout()
        self.tag = args.db_prefix or f"xero_bench_{os.getpid()}"
        if not self.tag.startswith("xero_bench"):
            raise SystemExit("--db-prefix must start with xero_bench")
        self.data_dir = tempfile.mkdtemp(prefix="xero_bench_data_")
        self.log_dir = tempfile.mkdtemp(prefix="xero_bench_logs_")
        self.dbs = []

    def log(self, message):
        print(message, file=sys.stderr, flush=True)

    def odoo(self, *argv, **kwargs):
        return subprocess.run(
            [
                sys.executable,
                "-m",
                "odoo",
                *argv,
                f"--addons-path={self.addons_path}",
                f"--data-dir={self.data_dir}",
                "--no-http",
            ],
            env=_child_env(),
            **kwargs,
        )

    def exists(self, db):
        return _psql(f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"

    def clone(self, source, db, source_data_dir=None):
        if self.exists(db):
            self.drop(db)
        subprocess.run(["createdb", "-T", source, db], check=True)
        self.dbs.append(db)
        store = os.path.join(source_data_dir or self.data_dir, "filestore", source)
        if os.path.isdir(store):
            shutil.copytree(store, os.path.join(self.data_dir, "filestore", db))

    def drop(self, db):
        subprocess.run(["dropdb", "--if-exists", db], check=False, capture_output=True)
        if self.exists(db):
            subprocess.run(["dropdb", "--if-exists", "--force", db], check=False)
        shutil.rmtree(os.path.join(self.data_dir, "filestore", db), ignore_errors=True)
        if db in self.dbs:
            self.dbs.remove(db)

    def template(self):
        if self.args.template:
            return self.args.template if self.exists(self.args.template) else None
        name = _psql(
            "SELECT datname FROM pg_database WHERE datname LIKE 'xero\\_tmpl\\_%' "
            "ORDER BY datname DESC LIMIT 1"
        )
        return name or None

    def base(self):
        base = self.tag + "_base"
        template = self.template()
        started = time.perf_counter()
        if template:
            default_store = os.path.join(os.environ.get("HOME", "/tmp"), ".local", "share", "Odoo")
            self.clone(template, base, source_data_dir=default_store)
            modules = "sync_xero_connector"
        else:
            self.log("no xero_tmpl_* template database: installing %s too (slower)" % TEMPLATE_MODULES)
            subprocess.run(["createdb", base], check=True)
            self.dbs.append(base)
            modules = TEMPLATE_MODULES + ",sync_xero_connector"
        log = os.path.join(self.log_dir, "install.log")
        with open(log, "w", encoding="utf-8") as handle:
            done = self.odoo(
                "-d",
                base,
                "-i",
                modules,
                "--stop-after-init",
                "--log-level=warn",
                stdout=handle,
                stderr=subprocess.STDOUT,
            )
        if done.returncode:
            raise SystemExit(f"installing the addon into {base} failed; see {log}")
        self.log(
            f"{base}: {'clone of ' + template if template else 'new database'}, addon installed "
            f"in {time.perf_counter() - started:.0f} s"
        )
        return base

    def shell(self, db, cfg):
        """Run this file inside ``odoo shell`` with ``cfg``; yield the JSON objects it prints."""
        with open(self.script, encoding="utf-8") as handle:
            source = handle.read()
        script = f"BENCH_INNER = {cfg!r}\n__file__ = {self.script!r}\n" + source
        log = os.path.join(self.log_dir, f"{db}.log")
        results = []
        with open(log, "w", encoding="utf-8") as err:
            proc = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "odoo",
                    "shell",
                    "-d",
                    db,
                    f"--addons-path={self.addons_path}",
                    f"--data-dir={self.data_dir}",
                    "--no-http",
                    "--log-level=warn",
                ],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                env=_child_env(),
            )
            proc.stdin.write(script)
            proc.stdin.close()
            for line in proc.stdout:
                if line.startswith(MARK):
                    obj = json.loads(line[len(MARK) :])
                    results.append(obj)
                    if obj["scenario"] == "_error":
                        self.log(f"ERROR in {db}: {obj['error']}\n{obj['traceback']}")
                    elif not obj["scenario"].startswith("_"):
                        print(json.dumps(obj), flush=True)
                elif self.args.verbose:
                    self.log(line.rstrip())
            proc.wait()
        if proc.returncode or not results or any(r["scenario"] == "_error" for r in results):
            with open(log, encoding="utf-8") as handle:
                tail = handle.read()[-3000:]
            self.log(f"odoo shell on {db} exited {proc.returncode}; log {log}:\n{tail}")
        return results

    def run(self):
        started = time.perf_counter()
        collected = []
        failed = False
        try:
            base = self.base()
            for run_no in range(1, self.args.runs + 1):
                for role in self.args.roles.split(","):
                    db = f"{self.tag}_r{run_no}_{role}"
                    self.clone(base, db)
                    cfg = {
                        "role": role,
                        "run": run_no,
                        "n": self.args.n,
                        "sample": self.args.sample,
                        "fresh_stamps": self.args.fresh_stamps,
                        "tcp_nodelay": self.args.tcp_nodelay,
                        "profile": self.args.profile,
                    }
                    results = self.shell(db, cfg)
                    failed = failed or not results or any(r["scenario"] == "_error" for r in results)
                    collected.extend(r for r in results if not r["scenario"].startswith("_error"))
                    if not self.args.keep_db:
                        self.drop(db)
        finally:
            if self.args.keep_db:
                self.log("kept databases: " + ", ".join(self.dbs) + f" (data dir {self.data_dir})")
            else:
                for db in list(self.dbs):
                    self.drop(db)
                shutil.rmtree(self.data_dir, ignore_errors=True)
        summary = summarise(collected, self.args, time.perf_counter() - started, self.name)
        summary["errors"] = failed
        if failed or self.args.keep_db:
            summary["logs"] = self.log_dir
        else:
            shutil.rmtree(self.log_dir, ignore_errors=True)
        print(json.dumps(summary), flush=True)
        return 1 if failed else 0


MEDIAN_KEYS = (
    "wall_seconds",
    "cpu_seconds",
    "docs_per_second",
    "api_calls",
    "write_calls",
    "list_calls",
    "single_get_calls",
    "peak_rss_mb",
    "peak_rss_growth_mb",
    "import_api_calls",
    "export_api_calls",
    "seconds_per_doc",
    "api_calls_per_doc",
    "api_calls_per_1000_docs",
    "xero_60_per_minute_floor_seconds",
    "raw_orm_create_post_seconds",
    "ratio_to_raw_orm",
)


def _median(values):
    values = [v for v in values if isinstance(v, (int, float))]
    if not values:
        return None
    value = statistics.median(values)
    return round(value, 4) if isinstance(value, float) else value


def summarise(results, args, seconds, name="bench_invoices"):
    scenarios = {}
    for result in results:
        if result["scenario"].startswith("_"):
            continue
        scenarios.setdefault(result["scenario"], []).append(result)
    out = {
        "summary": name,
        "n": args.n,
        "runs": args.runs,
        "sample": min(args.sample, args.n),
        "sandbox": {
            "minute_limit": MINUTE_LIMIT,
            "day_limit": DAY_LIMIT,
            "tcp_nodelay": args.tcp_nodelay,
            "note": "Xero's 60 calls/minute pacing disabled; "
            "xero_60_per_minute_floor_seconds = the calls at 1 per second"
            + (
                ""
                if args.tcp_nodelay
                else "; every call includes the sandbox's "
                "~40 ms keep-alive wait (Nagle + delayed ACK), see --tcp-nodelay"
            ),
        },
        "scenarios": {},
    }
    for name in sorted(scenarios):
        rows = scenarios[name]
        entry = {"runs": len(rows), "pass": all(r.get("pass") for r in rows), "target": rows[0].get("target")}
        for key in MEDIAN_KEYS:
            if any(key in r for r in rows):
                entry["median_" + key] = _median([r.get(key) for r in rows])
        entry["by_operation_run1"] = rows[0].get("by_operation")
        if name == "d_export_one_by_one":
            entry["median_extrapolated_wall_seconds_for_n"] = _median(
                [r["extrapolated_to_n"]["wall_seconds"] for r in rows]
            )
            entry["median_extrapolated_api_calls_for_n"] = _median(
                [r["extrapolated_to_n"]["api_calls"] for r in rows]
            )
            entry["median_ratio_to_a_seconds_per_doc"] = _median(
                [r["ratio_to_a"]["seconds_per_doc"] for r in rows]
            )
            entry["median_ratio_to_a_api_calls_per_doc"] = _median(
                [r["ratio_to_a"]["api_calls_per_doc"] for r in rows]
            )
        if name.startswith("c_"):
            entry["odoo_wrote_business_data"] = any(r.get("odoo_wrote_business_data") for r in rows)
            entry["odoo_rows_changed_run1"] = rows[0].get("odoo_rows_changed")
        scenarios_out = out["scenarios"]
        scenarios_out[name] = entry
    out["all_pass"] = bool(out["scenarios"]) and all(e["pass"] for e in out["scenarios"].values())
    out["total_wall_seconds"] = round(seconds, 1)
    return out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="documents per scenario (default 2000)")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--sample",
        type=int,
        default=200,
        help="invoices exported one by one in (d), extrapolated to N (default 200)",
    )
    parser.add_argument("--template", help="template database (default: newest xero_tmpl_*)")
    parser.add_argument("--db-prefix", help="database names' prefix (must start with xero_bench)")
    parser.add_argument("--keep-db", action="store_true", help="keep the databases")
    parser.add_argument(
        "--fresh-stamps",
        action="store_true",
        help="(b): seed invoices stamped at load time instead of over the past hours",
    )
    parser.add_argument(
        "--roles",
        default="export,import",
        help="databases to run: export (a, c, d), import (b, c); default both",
    )
    parser.add_argument(
        "--tcp-nodelay",
        action="store_true",
        help="set TCP_NODELAY on the sandbox's sockets: removes the ~40 ms "
        "Nagle/delayed-ACK wait its keep-alive answers add to every call",
    )
    parser.add_argument("--verbose", action="store_true", help="relay the shell's other output")
    parser.add_argument("--profile", help="write a cProfile of the import run (b) to this file")
    args = parser.parse_args()
    if not set(args.roles.split(",")) <= {"export", "import"}:
        parser.error("--roles takes export, import or export,import")
    bench = Bench(args)
    if bench.serie != "19.0":
        bench.log(f"warning: Odoo {bench.serie}, the addon targets 19.0")
    return bench.run()


if "BENCH_INNER" in globals():  # piped into ``odoo shell`` by Bench.shell
    _inner(env, BENCH_INNER)  # noqa: F821 - both given by the shell and the piped prefix
elif __name__ == "__main__":
    sys.exit(main())
