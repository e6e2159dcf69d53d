"""Fault injection: exports killed with SIGKILL at random points, records edited between reruns.

    python3 tests/benchmarks/fault_inject.py [--n 300] [--kills 10] [--seed 1] [--keep-db]

Not a test: it prints figures. Set-up as ``bench_invoices.py`` (whose helpers it imports): a
clone of the template database with the addon installed. The Xero sandbox runs in a process of
its own (``python3 -m xero_sandbox``), so that it outlives the exports killed here; the account
is connected through ``odoo xero connect``, master data imported, export enabled (direction
both) for contacts, invoices, bills, credit notes and payments, then N of each kind of record
is created: new contacts, customer drafts, posted invoices, bills (supplier references that
repeat), customer credit notes, payments on N more posted invoices.

Then, ``--kills`` times: ``python3 -m odoo xero -d DB export all`` is started and killed with
SIGKILL after a random delay (the sandbox paces calls, ``--minute-limit``, so that the export is
still sending then), and a few records of each kind are edited (a price, a bill or
credit note reset, changed and posted again, a contact renamed, one more payment). A last
export runs to its end. Each Odoo record carries a marker Xero keeps (line description,
payment reference, contact name); the figures count, per kind: records in Odoo, in Xero,
Xero duplicates, missing in Xero, and Odoo records without a synced binding.
"""

import argparse
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)

import bench_invoices as bench  # noqa: E402  (the database set-up this script shares)

ROOT = bench.ROOT
MARK = "@@FAULT@@ "
KINDS = ("contacts", "drafts", "invoices", "bills", "credit_notes", "payments")
OBJECTS = ("contacts", "invoices", "bills", "credit_notes", "payments")
MARKER = re.compile(r"FI-(?:draft|inv|bill|cn|pay)-\d+(?:-x\d+)?|FI Contact \d+")


# ================================================================================ inside Odoo
def _emit(obj):
    print(MARK + json.dumps(obj, default=str), flush=True)


def _account(env):
    return env["xero.account"].search([("company_id", "=", env.company.id)], limit=1)


def _inner_setup(env, cfg):
    from datetime import date

    from odoo.fields import Command

    n = cfg["n"]
    account = _account(env)
    if account.company_id.currency_id.name != "USD":
        raise RuntimeError("the company must use USD, the sandbox organisation's currency")
    __, errors = account._xero_run("import", bench.MASTER_DATA)
    if errors:
        raise RuntimeError("master data import failed: %s" % errors)
    account.sync_setting_ids.filtered(lambda s: s.object_key in OBJECTS).write(
        {"enabled": True, "direction": "both"}
    )
    Binding = env["xero.binding"]

    def bound(key, **where):
        domain = [("account_id", "=", account.id), ("object_key", "=", key)]
        return Binding.search(domain + [(k, "=", v) for k, v in where.items()], order="id")

    partners = env["res.partner"].browse(bound("contacts").mapped("res_id"))[:20]
    sales = env["account.account"].browse(bound("accounts", xero_number="200").res_id)
    expense = env["account.account"].browse(bound("accounts", xero_number="429").res_id)
    tax = env["account.tax"].browse(bound("taxes", xero_id="OUTPUT2").res_id)
    bank = env["account.journal"].browse(bound("bank_accounts")[:1].res_id)
    env["res.partner"].create(
        [{"name": f"FI Contact {i:04d}", "customer_rank": 1, "email": f"fi{i}@example.com"} for i in range(n)]
    )

    def moves(move_type, prefix, account_, post=True):
        vals = [
            {
                "move_type": move_type,
                "partner_id": partners[i % len(partners)].id,
                "invoice_date": date.today(),
                "ref": f"SUP-{i // 20}" if move_type == "in_invoice" else False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": f"{prefix}-{i}",
                            "quantity": 1 + i % 3,
                            "price_unit": 10 + i,
                            "account_id": account_.id,
                            "tax_ids": [Command.set(tax.ids if move_type.startswith("out") else [])],
                        }
                    )
                ],
            }
            for i in range(n)
        ]
        created = env["account.move"].create(vals)
        if post:
            created.action_post()
        return created

    moves("out_invoice", "FI-draft", sales, post=False)
    moves("out_invoice", "FI-inv", sales)
    moves("in_invoice", "FI-bill", expense)
    moves("out_refund", "FI-cn", sales)
    paid = moves("out_invoice", "FI-paidinv", sales)
    for i, invoice in enumerate(paid):
        _pay(env, invoice, bank, f"FI-pay-{i}", 5)
    env.cr.commit()
    _emit({"step": "setup", "records": n})


def _pay(env, invoice, bank, memo, amount):
    wizard = (
        env["account.payment.register"]
        .with_context(active_model="account.move", active_ids=invoice.ids)
        .create(
            {
                "amount": amount,
                "journal_id": bank.id,
                "payment_date": invoice.invoice_date,
                "communication": memo,
                "currency_id": invoice.currency_id.id,
                "payment_difference_handling": "open",
            }
        )
    )
    return wizard._create_payments()


def _lines(env, prefix):
    return env["account.move.line"].search(
        [("name", "=like", prefix + "-%"), ("display_type", "=", "product")]
    )


def _inner_edit(env, cfg):
    """A few records of each kind change between two killed exports."""
    rng = random.Random(cfg["seed"] * 1000 + cfg["round"])
    edited = {}
    drafts = _lines(env, "FI-draft").move_id.filtered(lambda m: m.state == "draft")
    for move in drafts.browse(rng.sample(drafts.ids, min(3, len(drafts)))):
        move.invoice_line_ids[:1].price_unit += 1
        edited["drafts"] = edited.get("drafts", 0) + 1
    for kind, prefix in (("invoices", "FI-inv"), ("bills", "FI-bill"), ("credit_notes", "FI-cn")):
        posted = _lines(env, prefix).move_id.filtered(lambda m: m.state == "posted")
        for move in posted.browse(rng.sample(posted.ids, min(2, len(posted)))):
            move.button_draft()
            move.invoice_line_ids[:1].price_unit += 1
            move.action_post()
            edited[kind] = edited.get(kind, 0) + 1
    partners = env["res.partner"].search([("name", "=like", "FI Contact %")])
    for partner in partners.browse(rng.sample(partners.ids, min(3, len(partners)))):
        partner.name = f"{partner.name.split(' e')[0]} e{cfg['round']}"
        edited["contacts"] = edited.get("contacts", 0) + 1
    paid = _lines(env, "FI-paidinv").move_id.filtered(lambda m: m.amount_residual > 1)
    bank = env["account.journal"].browse(
        env["xero.binding"]
        .search([("account_id", "=", _account(env).id), ("object_key", "=", "bank_accounts")], limit=1)
        .res_id
    )
    if paid:
        invoice = paid.browse(rng.choice(paid.ids))
        _pay(env, invoice, bank, f"FI-pay-{10000 + cfg['round']}-x{cfg['round']}", 1)
        edited["payments"] = 1
    env.cr.commit()
    _emit({"step": "edit", "round": cfg["round"], "edited": edited})


def _inner_count(env, cfg):
    """Per kind: markers in Odoo, in Xero, duplicates, missing, unsynced bindings."""
    account = _account(env)
    client = account._xero_client()
    odoo = {kind: {} for kind in KINDS}  # marker -> Odoo id
    for kind, prefix in (
        ("drafts", "FI-draft"),
        ("invoices", "FI-inv"),
        ("bills", "FI-bill"),
        ("credit_notes", "FI-cn"),
    ):
        for line in _lines(env, prefix):
            odoo[kind][line.name] = line.move_id.id
    for payment in env["account.payment"].search([("memo", "=like", "FI-pay-%")]):
        odoo["payments"][payment.memo] = payment.id
    for partner in env["res.partner"].search([("name", "=like", "FI Contact %")]):
        odoo["contacts"][MARKER.search(partner.name).group(0)] = partner.id
    kind_of = {"FI-draft": "drafts", "FI-inv": "invoices", "FI-bill": "bills", "FI-cn": "credit_notes"}
    xero = {kind: {} for kind in KINDS}

    def seen(kind, text):
        found = MARKER.search(text or "")
        if found:
            xero[kind][found.group(0)] = xero[kind].get(found.group(0), 0) + 1

    for name in ("Invoices", "CreditNotes"):
        for record in client.iter_records(name):
            if record.get("Status") in ("DELETED", "VOIDED"):
                continue
            for line in record.get("LineItems") or ():
                prefix = (line.get("Description") or "").rsplit("-", 1)[0]
                if prefix in kind_of:
                    seen(kind_of[prefix], line["Description"])
    for record in client.iter_records("Payments"):
        if record.get("Status") != "DELETED":
            seen("payments", record.get("Reference"))
    for record in client.iter_records("Contacts", params={"includeArchived": "true"}):
        seen("contacts", record.get("Name"))
    keys = {
        "drafts": "invoices",
        "invoices": "invoices",
        "bills": "bills",
        "credit_notes": "credit_notes",
        "payments": "payments",
        "contacts": "contacts",
    }
    figures = {}
    for kind in KINDS:
        ids = set(odoo[kind].values())
        synced = env["xero.binding"].search_count(
            [
                ("account_id", "=", account.id),
                ("object_key", "=", keys[kind]),
                ("res_id", "in", list(ids)),
                ("state", "=", "synced"),
                ("xero_id", "!=", False),
            ]
        )
        figures[kind] = {
            "in_odoo": len(odoo[kind]),
            "in_xero": sum(1 for m in odoo[kind] if xero[kind].get(m)),
            "duplicates": sum(c - 1 for c in xero[kind].values() if c > 1),
            "missing": sum(1 for m in odoo[kind] if not xero[kind].get(m)),
            "unknown_in_xero": sum(1 for m in xero[kind] if m not in odoo[kind]),
            "not_synced_in_odoo": len(ids) - synced,
        }
    open_count, sample = bench._mismatches(env, account)
    _emit({"step": "count", "figures": figures, "open_mismatches": open_count, "mismatch_sample": sample})


def _inner(env, cfg):
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True))
    try:
        {"setup": _inner_setup, "edit": _inner_edit, "count": _inner_count}[cfg["step"]](env, cfg)
    except Exception as exc:  # reported to the outer process
        import traceback

        env.cr.rollback()
        _emit(
            {
                "step": "_error",
                "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc()[-4000:],
            }
        )


# =============================================================================== outside Odoo
class FaultRun(bench.Bench):
    def shell(self, db, cfg):
        with open(os.path.abspath(__file__), encoding="utf-8") as handle:
            source = handle.read()
        script = (
            f"FAULT_INNER = {cfg!r}\n__file__ = {os.path.abspath(__file__)!r}\n"
            f"import sys\nsys.path.insert(0, {HERE!r})\n" + source
        )
        log = os.path.join(self.log_dir, f"{db}_{cfg['step']}.log")
        with open(log, "w", encoding="utf-8") as err:
            done = subprocess.run(
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
                input=script,
                stdout=subprocess.PIPE,
                stderr=err,
                text=True,
                env=bench._child_env(),
            )
        results = [
            json.loads(line[len(MARK) :]) for line in done.stdout.splitlines() if line.startswith(MARK)
        ]
        if not results or results[-1]["step"] == "_error":
            raise SystemExit(
                f"odoo shell {cfg['step']} on {db} failed: {results[-1] if results else ''} (log {log})"
            )
        return results[-1]

    def xero(self, db, *argv, **kwargs):
        return [
            sys.executable,
            "-m",
            "odoo",
            f"--addons-path={self.addons_path}",
            "xero",
            "-d",
            db,
            f"--data-dir={self.data_dir}",
            "--log-level=warn",
            *argv,
        ]

    def sandbox(self):
        sys.path.insert(0, os.path.join(ROOT, "sync_xero_connector"))
        from xero_sandbox import seed_gen

        seed = seed_gen.invoices_seed(0, contact_count=20)
        seed["Organisation"][0]["BaseCurrency"] = "USD"
        seed["Items"] = seed_gen.items(random.Random(5))
        folder = tempfile.mkdtemp(prefix="xero_fault_seed_")
        for name, records in seed.items():
            key = "Organisations" if name == "Organisation" else name
            with open(os.path.join(folder, name + ".json"), "w", encoding="utf-8") as handle:
                json.dump({key: records}, handle)
        log = open(os.path.join(self.log_dir, "sandbox.log"), "w", encoding="utf-8")
        env = dict(bench._child_env(), PYTHONPATH=os.path.join(ROOT, "sync_xero_connector"))
        proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "xero_sandbox",
                "--port",
                "0",
                "--seed",
                folder,
                "--client-id",
                "fault-client",
                "--client-secret",
                "fault-secret",
                "--minute-limit",
                str(self.args.minute_limit),
                "--day-limit",
                str(bench.DAY_LIMIT),
                "--concurrency-limit",
                "50",
                "--app-minute-limit",
                str(bench.MINUTE_LIMIT),
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        path = log.name
        for __ in range(100):
            time.sleep(0.2)
            with open(path, encoding="utf-8") as handle:
                found = re.search(r"http://127\.0\.0\.1:\d+", handle.read())
            if found:
                return proc, found.group(0)
        proc.kill()
        raise SystemExit(f"the sandbox did not start (log {path})")

    def run(self):
        args = self.args
        rng = random.Random(args.seed)
        base = self.base()
        db = f"{self.tag}_fault"
        self.clone(base, db)
        sandbox, url = self.sandbox()
        try:
            subprocess.run(
                self.xero(
                    db,
                    "connect",
                    "--company",
                    "1",
                    "--client-id",
                    "fault-client",
                    "--client-secret",
                    "fault-secret",
                    "--login-url",
                    url,
                    "--identity-url",
                    url,
                    "--api-url",
                    url,
                ),
                check=True,
                env=bench._child_env(),
                capture_output=True,
            )
            self.log(json.dumps(self.shell(db, {"step": "setup", "n": args.n})))
            kills = []
            for round_no in range(1, args.kills + 1):
                delay = rng.uniform(args.min_delay, args.max_delay)
                proc = subprocess.Popen(
                    self.xero(db, "export", "all", "--json"),
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                    env=bench._child_env(),
                )
                try:
                    proc.wait(timeout=delay)
                    outcome = f"ended by itself ({proc.returncode})"
                except subprocess.TimeoutExpired:
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait()
                    outcome = "killed"
                kills.append({"round": round_no, "delay_s": round(delay, 1), "outcome": outcome})
                self.log(json.dumps(kills[-1]))
                self.log(json.dumps(self.shell(db, {"step": "edit", "round": round_no, "seed": args.seed})))
            for __ in range(2):  # the clean rerun (twice: the second must find nothing to do)
                done = subprocess.run(
                    self.xero(db, "export", "all", "--json"),
                    env=bench._child_env(),
                    capture_output=True,
                    text=True,
                )
                self.log(f"final export exit {done.returncode}: {done.stdout.strip()[-2000:]}")
            counted = self.shell(db, {"step": "count"})
            figures = counted["figures"]
            self.log(json.dumps({k: counted[k] for k in ("open_mismatches", "mismatch_sample")}))
        finally:
            sandbox.send_signal(signal.SIGTERM)
            sandbox.wait(timeout=30)
            if not args.keep_db:
                for name in list(self.dbs):
                    self.drop(name)
        print(
            "%-13s %8s %8s %10s %8s %10s"
            % ("object", "in Odoo", "in Xero", "duplicates", "missing", "not synced")
        )
        for kind in KINDS:
            f = figures[kind]
            print(
                "%-13s %8d %8d %10d %8d %10d"
                % (kind, f["in_odoo"], f["in_xero"], f["duplicates"], f["missing"], f["not_synced_in_odoo"])
            )
        print(json.dumps({"n": args.n, "kills": kills, "figures": figures}))
        bad = any(f["duplicates"] or f["missing"] for f in figures.values())
        return 1 if bad else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="records of each kind (default 300)")
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--min-delay", type=float, default=4.0, help="seconds before a kill, at least (Odoo starts in ~3 s)"
    )
    parser.add_argument("--max-delay", type=float, default=30.0)
    parser.add_argument(
        "--minute-limit",
        type=int,
        default=120,
        help="the sandbox's calls per minute (Xero: 60): an export lasts long "
        "enough for the kills to land while it sends",
    )
    parser.add_argument("--template", help="template database (default: newest xero_tmpl_*)")
    parser.add_argument("--db-prefix", help="database names' prefix (must start with xero_bench)")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    return FaultRun(parser.parse_args()).run()


if "FAULT_INNER" in globals():  # piped into ``odoo shell`` by FaultRun.shell
    _inner(env, FAULT_INNER)  # noqa: F821 - both given by the shell and the piped prefix
elif __name__ == "__main__":
    sys.exit(main())
