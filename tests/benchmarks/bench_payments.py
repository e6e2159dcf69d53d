"""Benchmark: the import of N Xero payments (one per invoice) into Odoo.

    python3 tests/benchmarks/bench_payments.py [--n 500] [--runs 1] [--one-by-one]

The machinery is bench_invoices.py's (template clone, one ``odoo shell`` per database, the
sandbox's call counter, the summary); this file only says what runs inside Odoo: the sandbox is
seeded with N AUTHORISED invoices (``seed_gen.invoices_seed``), master data and the invoices are
imported first (not measured), then N payments are written to the sandbox (one per invoice:
the whole amount due for two invoices in three, a third of it for the others, to bank accounts
091 and 090) and

* (b) one import run of the payments is measured (wall and CPU seconds, API calls, peak RSS),
  then checked: N payments created and reconciled, the invoices' payment states and residuals
  those of Xero, no open mismatch entry;
* (c) a second import run with nothing changed (nothing created).

``--one-by-one`` turns the page batch off (``_xero_batch_create = False`` on the payments
object, the path before issue 13: Odoo's payment wizard for each payment) on the same tree; a
tree without the batch (main before issue 13) takes it as it is. Not a test: read the figures.
"""

import argparse
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_invoices as bench  # noqa: E402 - the shared machinery, next to this file


# ================================================================================ inside Odoo
def _seed(env, count):
    data = bench._base_seed(env, count)
    for invoice in data["Invoices"]:
        invoice["Status"] = "AUTHORISED"
    return data


def _pay_in_xero(account, sandbox, days):
    """One payment per invoice of the sandbox (on its day: ``days``, by number), written in
    PUTs of Xero's batch size."""
    bodies = []
    invoices = sorted(sandbox.records("Invoices"), key=lambda r: r["InvoiceNumber"])
    for index, invoice in enumerate(invoices):
        due = invoice["AmountDue"]
        bodies.append(
            {
                "Invoice": {"InvoiceID": invoice["InvoiceID"]},
                "Account": {"Code": "091" if index % 5 else "090"},
                "Date": days[invoice["InvoiceNumber"]],
                "Amount": round(due / 3, 2) if index % 3 == 2 else due,
                "Reference": "BENCH-PAY-%06d" % index,
            }
        )
    results = account._xero_client().write("Payments", bodies, method="PUT")
    failed = [r.messages for r in results if not r.ok]
    if failed:
        raise RuntimeError("the sandbox refused %d payments: %s" % (len(failed), failed[:3]))
    return {r.record["PaymentID"]: r.record for r in results}


def _check(env, account, sandbox, payments):
    """What the import made, against Xero: -> (problems, payment states of the invoices)."""
    Binding = env["xero.binding"]
    problems = []
    bound = {
        b.xero_id: b.res_id
        for b in Binding.search([("account_id", "=", account.id), ("object_key", "=", "payments")])
    }
    if set(bound) != set(payments):
        problems.append("bound payments %d, expected %d" % (len(set(bound) & set(payments)), len(payments)))
    records = env["account.payment"].browse(list(bound.values()))
    unreconciled = records.filtered(lambda p: not p.is_reconciled)
    if unreconciled:
        problems.append("%d payments not reconciled" % len(unreconciled))
    docs = {
        b.xero_id: b.res_id
        for b in Binding.search([("account_id", "=", account.id), ("object_key", "=", "invoices")])
    }
    moves = {m.id: m for m in env["account.move"].browse(list(docs.values()))}
    states = {}
    for invoice in sandbox.records("Invoices"):
        move = moves.get(docs.get(invoice["InvoiceID"]))
        if not move:
            problems.append("invoice %s not in Odoo" % invoice["InvoiceNumber"])
            continue
        expected = "paid" if invoice["AmountDue"] == 0 else "partial"
        states[move.payment_state] = states.get(move.payment_state, 0) + 1
        if move.payment_state != expected or round(move.amount_residual, 2) != invoice["AmountDue"]:
            problems.append(
                "%s: %s %.2f in Odoo, %s %.2f in Xero"
                % (
                    invoice["InvoiceNumber"],
                    move.payment_state,
                    move.amount_residual,
                    expected,
                    invoice["AmountDue"],
                )
            )
    return problems, states


def _inner(env, cfg):
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True))
    n, run_no = cfg["n"], cfg["run"]
    sandbox = None
    try:
        started = time.perf_counter()
        seed = _seed(env, n)
        days = {invoice["InvoiceNumber"]: invoice["Date"] for invoice in seed["Invoices"]}
        sandbox, counter, account, master_seconds = bench._connect(env, seed, cfg)
        Payments = type(env["xero.object.payments"])
        batched = getattr(Payments, "_xero_batch_create", False)
        if cfg.get("one_by_one"):
            Payments._xero_batch_create = False
        setup = time.perf_counter()
        account._xero_run_object("invoices", "import", trigger="manual")
        env.cr.commit()
        invoices_seconds = round(time.perf_counter() - setup, 1)
        payments = _pay_in_xero(account, sandbox, days)
        env.cr.commit()

        def do_import():
            if not cfg.get("profile"):
                return account._xero_run_object("payments", "import", trigger="manual")
            import cProfile

            profiler = cProfile.Profile()
            try:
                return profiler.runcall(account._xero_run_object, "payments", "import", trigger="manual")
            finally:
                profiler.dump_stats(cfg["profile"])

        run, figures = bench._measure(env, sandbox, counter, do_import)
        problems, states = _check(env, account, sandbox, payments)
        count, sample = bench._mismatches(env, account)
        b = {
            "scenario": "b_import_payments",
            "run": run_no,
            "n": n,
            "mode": "one by one (wizard)"
            if cfg.get("one_by_one") or not batched
            else "page batch (one create, one post, one reconciliation)",
            **figures,
            "payments_per_second": round(n / figures["wall_seconds"], 1) if figures["wall_seconds"] else None,
            "run_result": bench._run_summary(run),
            "invoice_payment_states": states,
            "problems": problems[:10],
            "open_mismatches": count,
            "mismatch_sample": sample,
            "setup": {
                "master_data_import_seconds": master_seconds,
                "invoices_import_seconds": invoices_seconds,
            },
            "target": "N payments created and reconciled, documents as in Xero, no mismatch",
        }
        b["pass"] = run.created_count == n and not problems and not count
        bench._emit(b)
        env.cr.commit()

        again, figures = bench._measure(
            env, sandbox, counter, lambda: account._xero_run_object("payments", "import", trigger="manual")
        )
        c = {
            "scenario": "c_incremental_after_b",
            "run": run_no,
            "n": n,
            **figures,
            "run_result": bench._run_summary(again),
            "target": "nothing created or updated",
        }
        c["pass"] = not (again.created_count or again.updated_count)
        bench._emit(c)
        env.cr.commit()
        bench._emit(
            {
                "scenario": "_process",
                "role": "import",
                "run": run_no,
                "seconds": time.perf_counter() - started,
            }
        )
    except Exception as exc:  # reported to the outer process, which fails the run
        import traceback

        bench._emit(
            {
                "scenario": "_error",
                "role": cfg["role"],
                "run": run_no,
                "error": f"{type(exc).__name__}: {exc}",
                "traceback": traceback.format_exc()[-4000:],
            }
        )
        env.cr.rollback()
    finally:
        if sandbox:
            sandbox.stop()


# =============================================================================== outside Odoo
bench.MEDIAN_KEYS += ("payments_per_second",)  # read by bench.summarise


class PaymentsBench(bench.Bench):
    name = "bench_payments"
    script = os.path.abspath(__file__)

    def shell(self, db, cfg):
        cfg["one_by_one"] = self.args.one_by_one
        return super().shell(db, cfg)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=500, help="invoices, one payment each (default 500)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--one-by-one",
        action="store_true",
        help="turn the page batch off: every payment through Odoo's payment wizard",
    )
    parser.add_argument("--template", help="template database (default: newest xero_tmpl_*)")
    parser.add_argument("--db-prefix", help="database names' prefix (must start with xero_bench)")
    parser.add_argument("--keep-db", action="store_true", help="keep the databases")
    parser.add_argument(
        "--tcp-nodelay",
        action="store_true",
        help="set TCP_NODELAY on the sandbox's sockets (see bench_invoices.py)",
    )
    parser.add_argument("--verbose", action="store_true", help="relay the shell's other output")
    parser.add_argument("--profile", help="write a cProfile of the import run (b) to this file")
    args = parser.parse_args()
    args.sample, args.fresh_stamps, args.roles = 0, False, "import"
    return PaymentsBench(args).run()


if "BENCH_INNER" in globals():  # piped into ``odoo shell`` by Bench.shell
    _inner(env, BENCH_INNER)  # noqa: F821 - both given by the shell and the piped prefix
elif __name__ == "__main__":
    sys.exit(main())
