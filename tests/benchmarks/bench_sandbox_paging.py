"""Benchmark: a full paged read (pageSize 1000) of a 10,000-invoice sandbox over HTTP.

    python3 tests/benchmarks/bench_sandbox_paging.py [--invoices 10000] [--page-size 1000] [--runs 3]

Prints one JSON line per run and a summary line with the median. Not a timed test: the target (< 5 s for
the whole read) is checked by reading the figure.
"""

import argparse
import json
import os
import statistics
import sys
import time

import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "sync_xero_connector"))

from xero_sandbox import Sandbox  # noqa: E402 (after the sys.path entry above)
from xero_sandbox.seed_gen import invoices_seed  # noqa: E402


def read_all(sandbox, token, page_size):
    session = requests.Session()
    headers = {
        "Authorization": "Bearer " + token,
        "xero-tenant-id": sandbox.tenant_id,
        "Accept": "application/json",
    }
    page, total, pages, nbytes = 1, 0, 0, 0
    started = time.perf_counter()
    while True:
        response = session.get(
            sandbox.url + "/api.xro/2.0/Invoices",
            params={"page": page, "pageSize": page_size},
            headers=headers,
            timeout=60,
        )
        response.raise_for_status()
        nbytes += len(response.content)
        batch = response.json()["Invoices"]
        if not batch:
            break
        total += len(batch)
        pages += 1
        if len(batch) < page_size:
            break
        page += 1
    return total, pages, nbytes, time.perf_counter() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--invoices", type=int, default=10000)
    parser.add_argument("--page-size", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    started = time.perf_counter()
    seed = invoices_seed(args.invoices)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    # Limits raised so the benchmark measures serving, not the 60/minute rule.
    sandbox = Sandbox(seed=seed, minute_limit=100000, day_limit=1000000).start()
    loaded = time.perf_counter() - started
    token = sandbox.issue_token()["access_token"]
    figures = []
    try:
        for run in range(args.runs):
            total, pages, nbytes, seconds = read_all(sandbox, token, args.page_size)
            figures.append(seconds)
            print(
                json.dumps(
                    {
                        "run": run + 1,
                        "invoices": total,
                        "pages": pages,
                        "page_size": args.page_size,
                        "bytes": nbytes,
                        "seconds": round(seconds, 3),
                    }
                )
            )
    finally:
        sandbox.stop()
    print(
        json.dumps(
            {
                "invoices": args.invoices,
                "runs": args.runs,
                "median_seconds": round(statistics.median(figures), 3),
                "seed_generation_seconds": round(generated, 3),
                "seed_load_seconds": round(loaded, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
