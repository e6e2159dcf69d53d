"""Benchmark: sale orders <-> Xero quotes, batched.

    python3 tests/benchmarks/bench_orders.py [--n 2000] [--runs 1] [--roles export,import]

The machinery is bench_invoices.py's (template clone, one ``odoo shell`` per database, the
sandbox's call counter, the summary); this file only says what runs inside Odoo:

* the *export* database: master data imported from the sandbox, N sale orders (2-3 lines,
  taxes, every tenth confirmed) from bound partners and products, then (a) one export run
  of the quotes and (c) an import + export of quotes with nothing changed;
* the *import* database: the sandbox seeded with N quotes (DRAFT, SENT, ACCEPTED, DECLINED),
  master data imported first, then (b) one import run and (c) the same incremental runs.

Each scenario prints one JSON object (API calls by kind, write calls, wall seconds, orders per
second) and a summary line. Not a test: the targets are checked by reading the figures.
"""

import argparse
import math
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_invoices as bench  # noqa: E402 - the shared machinery, next to this file


# ================================================================================ inside Odoo
def _build_orders(env, account, count, seed):
    import random

    from odoo.fields import Command

    rng = random.Random(seed)
    Binding = env["xero.binding"]

    def bound(key, **where):
        domain = [("account_id", "=", account.id), ("object_key", "=", key), ("is_primary", "=", True)] + [
            (k, "=", v) for k, v in where.items()
        ]
        return Binding.search(domain, order="id")

    partners = env["res.partner"].browse(bound("contacts").mapped("res_id"))
    products = env["product.product"].browse(bound("items").mapped("res_id")).filtered("sale_ok")
    taxes = [
        env["account.tax"].browse(bound("taxes", xero_id=code).res_id)
        for code in ("OUTPUT2", "OUTPUT2", "ZERORATED")
    ]
    vals = []
    for index in range(count):
        lines = [
            Command.create(
                {
                    "product_id": product.id,
                    "name": product.name,
                    "product_uom_qty": rng.randrange(1, 12),
                    "price_unit": rng.randrange(500, 90000) / 100,
                    "tax_ids": [Command.set(rng.choice(taxes).ids)],
                }
            )
            for product in (products[rng.randrange(len(products))] for __ in range(2 + index % 2))
        ]
        vals.append({"partner_id": partners[index % len(partners)].id, "order_line": lines})
    Order = env["sale.order"]
    orders = Order.browse()
    for start in range(0, count, 500):
        orders |= Order.create(vals[start : start + 500])
    orders.filtered(lambda o: o.id % 10 == 0).action_confirm()
    env.flush_all()
    return orders


def _quotes_seed(env, count):
    """The invoice benchmark's organisation with ``count`` quotes instead of invoices."""
    data = bench._base_seed(env, count)
    statuses = ("DRAFT", "SENT", "ACCEPTED", "DECLINED")
    data["Quotes"] = [
        {
            "QuoteID": invoice["InvoiceID"],
            "QuoteNumber": "QU-%06d" % (index + 1),
            "Contact": invoice["Contact"],
            "Date": invoice["Date"],
            "ExpiryDate": invoice["DueDate"],
            "Status": statuses[index % 4],
            "LineAmountTypes": "EXCLUSIVE",
            "Title": "Quote %d" % (index + 1),
            "LineItems": invoice["LineItems"],
        }
        for index, invoice in enumerate(data.pop("Invoices"))
    ]
    return data


def _incremental(env, sandbox, counter, account, n, label, run_no):
    env.cr.commit()

    def both():
        return (
            account._xero_run_object("quotes", "import", trigger="manual"),
            account._xero_run_object("quotes", "export", trigger="manual"),
        )

    (imp, exp), figures = bench._measure(env, sandbox, counter, both)
    out = {
        "scenario": label,
        "run": run_no,
        "n": n,
        **figures,
        "import_run": bench._run_summary(imp),
        "export_run": bench._run_summary(exp),
        "target": "nothing created or updated, no write call",
    }
    out["pass"] = figures["write_calls"] == 0 and not (
        imp.created_count + imp.updated_count + exp.created_count + exp.updated_count
    )
    return out


def _scenario(label, run_no, n, run, figures, env, account, target, ok):
    count, sample = bench._mismatches(env, account)
    return {
        "scenario": label,
        "run": run_no,
        "n": n,
        **figures,
        "docs_per_second": round(n / figures["wall_seconds"], 1) if figures["wall_seconds"] else None,
        "run_result": bench._run_summary(run),
        "open_mismatches": count,
        "mismatch_sample": sample,
        "target": target,
        "pass": ok,
    }


def _inner(env, cfg):
    env = env(context=dict(env.context, tracking_disable=True, mail_create_nolog=True, mail_notrack=True))
    n, run_no, role = cfg["n"], cfg["run"], cfg["role"]
    sandbox = None
    try:
        seed = _quotes_seed(env, n) if role == "import" else bench._base_seed(env, 0)
        sandbox, counter, account, __ = bench._connect(env, seed, cfg)
        if role == "export":
            orders = _build_orders(env, account, n, seed=run_no)
            env.cr.commit()
            run, figures = bench._measure(
                env, sandbox, counter, lambda: account._xero_run_object("quotes", "export", trigger="manual")
            )
            confirmed = len(orders.filtered(lambda o: o.state == "sale"))
            # One batch write per 50 orders, and one status step per batch with confirmed ones.
            limit = 2 * math.ceil(n / 50) + 10
            bench._emit(
                _scenario(
                    "a_export",
                    run_no,
                    n,
                    run,
                    figures,
                    env,
                    account,
                    f"write_calls <= 2*ceil(N/50)+10 = {limit} ({confirmed} confirmed: created "
                    "SENT, then ACCEPTED)",
                    figures["write_calls"] <= limit and run.created_count == n,
                )
            )
            env.cr.commit()
            bench._emit(_incremental(env, sandbox, counter, account, n, "c_incremental_after_a", run_no))
        else:
            run, figures = bench._measure(
                env, sandbox, counter, lambda: account._xero_run_object("quotes", "import", trigger="manual")
            )
            limit = math.ceil(n / 100) + 5  # Quotes take no pageSize: 100 a page
            bench._emit(
                _scenario(
                    "b_import",
                    run_no,
                    n,
                    run,
                    figures,
                    env,
                    account,
                    f"list_calls <= ceil(N/100)+5 = {limit}, no per-quote GET",
                    figures["list_calls"] <= limit
                    and figures["single_get_calls"] == 0
                    and run.created_count == n,
                )
            )
            env.cr.commit()
            bench._emit(_incremental(env, sandbox, counter, account, n, "c_incremental_after_b", run_no))
        env.cr.commit()
    except Exception as exc:  # reported to the outer process, which fails the run
        import traceback

        bench._emit(
            {
                "scenario": "_error",
                "role": role,
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
class OrdersBench(bench.Bench):
    name = "bench_orders"
    script = os.path.abspath(__file__)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="orders per scenario (default 2000)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--roles",
        default="export,import",
        help="databases to run: export (a, c), import (b, c); default both",
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
    args = parser.parse_args()
    args.sample, args.fresh_stamps = 0, False  # bench_invoices' options, unused here
    return OrdersBench(args).run()


if "BENCH_INNER" in globals():  # piped into ``odoo shell`` by Bench.shell
    _inner(env, BENCH_INNER)  # noqa: F821 - both given by the shell and the piped prefix
elif __name__ == "__main__":
    sys.exit(main())
