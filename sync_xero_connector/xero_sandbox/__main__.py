"""``python3 -m xero_sandbox --port PORT [--seed DIR] ...``: serve until killed."""

import argparse
import signal
import sys
import threading

from . import DEMO_SEED_DIR, Sandbox


def main(argv=None):
    parser = argparse.ArgumentParser(prog="xero_sandbox", description="A local, stateful Xero API server.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0 picks a free one)")
    parser.add_argument(
        "--seed",
        help="folder of seed JSON files (Contacts.json, Invoices.json, ...); 'demo' for the shipped demo organisation",
    )
    parser.add_argument("--client-id", default="sandbox-client")
    parser.add_argument("--client-secret", default="sandbox-secret")
    parser.add_argument("--minute-limit", type=int, default=60)
    parser.add_argument("--day-limit", type=int, default=5000)
    parser.add_argument("--concurrency-limit", type=int, default=5)
    parser.add_argument("--app-minute-limit", type=int, default=10000)
    parser.add_argument("--token-ttl", type=int, default=1800)
    parser.add_argument("--webhook-url")
    parser.add_argument("--webhook-key")
    parser.add_argument(
        "--tenant-name",
        help="name of the tenant and its organisation (default: the seed's Organisation Name)",
    )
    args = parser.parse_args(argv)
    seed = DEMO_SEED_DIR if args.seed == "demo" else args.seed
    sandbox = Sandbox(
        port=args.port,
        seed=seed,
        client_id=args.client_id,
        client_secret=args.client_secret,
        minute_limit=args.minute_limit,
        day_limit=args.day_limit,
        concurrency_limit=args.concurrency_limit,
        app_minute_limit=args.app_minute_limit,
        token_ttl=args.token_ttl,
        webhook_url=args.webhook_url,
        webhook_key=args.webhook_key,
        tenant_name=args.tenant_name,
    )
    sandbox.start()
    print(f"Xero sandbox ready at {sandbox.url} (tenant {sandbox.tenant_id})", flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    try:
        stop.wait()
    except KeyboardInterrupt:
        pass
    sandbox.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
