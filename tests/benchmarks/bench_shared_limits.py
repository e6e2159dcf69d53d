"""Benchmark: Xero's per-organisation limits held across Odoo processes.

    python3 tests/benchmarks/bench_shared_limits.py [--processes 3] [--threads 4] [--calls 8]

Set-up as ``bench_invoices.py`` (whose helpers it imports): a database with the addon, the
sandbox (in this process, seeded with the demo organisation, with Xero's limits: 60 calls a
minute and 5 in flight per organisation, a 429 beyond either), the account connected with
``odoo xero connect``. Then ``--processes`` Odoo processes (``odoo shell``) start at once; each
runs ``--threads`` threads that each make ``--calls`` API calls (GET /Organisation, through the
account's client, as a sync does) while its main thread runs a full import of one object
(contacts, currencies, taxes: one each). Every GET /Organisation takes the sandbox 0.5 s
(its latency fault), so that the threads' calls overlap. The sandbox sees every call; the script prints, from what it saw: the most calls in
flight at once, the most calls in any 60 seconds, the 429 answers, and whether every run
ended done. Not a test: the figures are read.
"""

import argparse
import json
import os
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_invoices as bench  # noqa: E402  (the database set-up this script shares)

MARK = "@@SHARED@@"


def _inner(env, cfg):
    """In each Odoo process: threads calling Xero, and a sync run in the main thread."""
    from odoo import SUPERUSER_ID, api
    from odoo.modules.registry import Registry

    account_id = env["xero.account"].search([], limit=1).id
    errors = []

    def caller():
        try:
            with Registry(env.cr.dbname).cursor() as cr:
                thread_env = api.Environment(cr, SUPERUSER_ID, {})
                client = thread_env["xero.account"].browse(account_id)._xero_client()
                for __ in range(cfg["calls"]):
                    client.organisation()
        except Exception as exc:  # noqa: BLE001 - reported in the figures
            errors.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=caller) for __ in range(cfg["threads"])]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    account = env["xero.account"].browse(account_id)
    # Another object in each process (a run of the same object waits for none: it is refused
    # while one is in progress, by design).
    key = ("contacts", "currencies", "taxes", "contact_groups")[cfg["process"] % 4]
    runs = [account._xero_run_object(key, "import", trigger="manual", full=True)]
    env.cr.commit()
    for thread in threads:
        thread.join()
    print(
        MARK
        + json.dumps(
            {
                "process": cfg["process"],
                "seconds": round(time.perf_counter() - started, 1),
                "runs": [(run.object_key, run.state, run.message) for run in runs],
                "thread_errors": errors,
            }
        ),
        flush=True,
    )


class SharedLimits(bench.Bench):
    def xero(self, db, *argv):
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

    def run(self):
        args = self.args
        sys.path.insert(0, os.path.join(bench.ROOT, "sync_xero_connector"))
        from xero_sandbox import DEMO_SEED_DIR, Sandbox

        base = self.base()
        db = f"{self.tag}_shared"
        self.clone(base, db)
        sandbox = Sandbox(
            port=0,
            seed=DEMO_SEED_DIR,
            client_id="shared-client",
            client_secret="shared-secret",
            minute_limit=60,
            concurrency_limit=5,
        )
        seen, lock = [], threading.Lock()

        def observe(exchange):
            if exchange["path"].startswith("/api.xro/"):
                ended = time.monotonic()
                with lock:
                    seen.append((ended - exchange["seconds"], ended, exchange["status"]))

        sandbox.observers.append(observe)
        sandbox.start()
        url = sandbox.url
        try:
            subprocess.run(
                self.xero(
                    db,
                    "connect",
                    "--company",
                    "1",
                    "--client-id",
                    "shared-client",
                    "--client-secret",
                    "shared-secret",
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
            time.sleep(61)  # connect's own calls leave the minute before the measure
            with lock:
                seen.clear()
            sandbox.faults.add(
                "latency", count=100000, method="GET", path="/api.xro/2.0/Organisation", seconds=0.5
            )
            with open(os.path.abspath(__file__), encoding="utf-8") as handle:
                source = handle.read()
            procs = []
            for number in range(args.processes):
                cfg = {"process": number, "threads": args.threads, "calls": args.calls}
                script = (
                    f"__name__ = 'bench_inner'\n__file__ = {os.path.abspath(__file__)!r}\n"
                    f"{source}\n_inner(env, {cfg!r})\n"
                )
                procs.append(
                    subprocess.Popen(
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
                        stderr=subprocess.DEVNULL,
                        text=True,
                        env=bench._child_env(),
                    )
                )
                procs[-1].stdin.write(script)
                procs[-1].stdin.close()
            started = time.perf_counter()
            reports = []
            for proc in procs:
                out = proc.stdout.read()
                proc.wait()
                reports += [
                    json.loads(line[len(MARK) :]) for line in out.splitlines() if line.startswith(MARK)
                ]
            seconds = time.perf_counter() - started
        finally:
            sandbox.stop()
            for name in list(self.dbs):
                if not args.keep_db:
                    self.drop(name)
        with lock:
            calls = sorted(seen)
        events = sorted(
            [(s, 1) for s, __, __ in calls] + [(e, -1) for __, e, __ in calls],
            key=lambda pair: (pair[0], pair[1]),
        )
        in_flight = peak = 0
        for __, step in events:
            in_flight += step
            peak = max(peak, in_flight)
        starts = [s for s, __, __ in calls]
        most_in_60, low = 0, 0
        for high, start in enumerate(starts):
            while start - starts[low] >= 60:
                low += 1
            most_in_60 = max(most_in_60, high - low + 1)
        figures = {
            "processes": args.processes,
            "threads_per_process": args.threads,
            "calls_per_thread": args.calls,
            "api_calls_seen": len(calls),
            "most_in_flight": peak,
            "most_in_any_60_seconds": most_in_60,
            "answers_429": sum(1 for __, __, status in calls if status == 429),
            "all_runs_done": bool(reports)
            and len(reports) == args.processes
            and all(state == "done" for report in reports for __, state, __ in report["runs"]),
            "thread_errors": [e for report in reports for e in report["thread_errors"]],
            "wall_seconds": round(seconds, 1),
            "reports": reports,
            "target": "most_in_flight <= 5, most_in_any_60_seconds <= 60, no 429, every run done",
        }
        figures["pass"] = (
            peak <= 5
            and most_in_60 <= 60
            and figures["answers_429"] == 0
            and figures["all_runs_done"]
            and not figures["thread_errors"]
        )
        print(json.dumps(figures, indent=1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--calls", type=int, default=8)
    parser.add_argument("--template")
    parser.add_argument("--db-prefix")
    parser.add_argument("--keep-db", action="store_true")
    SharedLimits(parser.parse_args()).run()


if __name__ == "__main__":
    main()
