#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Screenshots of the connector's screens, as a logged-in user sees them (headless Chromium).

    python3 tools/screenshots.py --db xero_demo --out /tmp/shots [--login admin --password admin]
        [PATH ...]    # default: the Xero screens listed in SCREENS

Starts ``odoo server`` on the database (a free port, workers off), logs in over JSON-RPC, hands
the session cookie to Chromium through its DevTools protocol, opens each page, waits until the
web client has rendered and saves one PNG per page. Needs Debian's ``chromium`` and the Python
package ``websocket-client``. Run ``XERO_DEMO_KEEP=1 bash tools/demo.sh`` first for a database
with data.
"""

import argparse
import base64
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SCREENS = [
    ("xero_accounts", "/odoo/action-sync_xero_connector.xero_account_action"),
    ("xero_account", "/odoo/action-sync_xero_connector.xero_account_action/1"),
    ("xero_account_sync", "/odoo/action-sync_xero_connector.xero_account_action/1|Synchronisation"),
    ("xero_account_background", "/odoo/action-sync_xero_connector.xero_account_action/1|Background Runs"),
    ("xero_health", "/odoo/action-sync_xero_connector.xero_health_action"),
    ("xero_mismatches", "/odoo/action-sync_xero_connector.xero_mismatch_log_action"),
    ("xero_runs", "/odoo/action-sync_xero_connector.xero_sync_run_action"),
    ("xero_background_runs", "/odoo/action-sync_xero_connector.xero_sync_request_action"),
    ("xero_links", "/odoo/action-sync_xero_connector.xero_binding_action"),
    ("invoices", "/odoo/action-account.action_move_out_invoice_type"),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(url, seconds=120):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            return True
        except Exception:  # noqa: BLE001 - not up yet
            time.sleep(0.5)
    return False


def login(base, db, user, password):
    body = json.dumps(
        {"jsonrpc": "2.0", "method": "call", "params": {"db": db, "login": user, "password": password}}
    ).encode()
    request = urllib.request.Request(
        base + "/web/session/authenticate", body, {"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        result = json.loads(answer.read())
        if result.get("error"):
            raise SystemExit(f"login failed: {result['error'].get('message')}")
        for header in answer.headers.get_all("Set-Cookie") or []:
            if header.startswith("session_id="):
                return header.split(";", 1)[0].split("=", 1)[1]
    raise SystemExit("login answered no session cookie")


class Chrome:
    def __init__(self, width, height):
        import websocket  # websocket-client

        self.port = free_port()
        self.profile = tempfile.mkdtemp()
        binary = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
        if not binary:
            raise SystemExit("no chromium on PATH (apt-get install chromium)")
        self.proc = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                f"--remote-debugging-port={self.port}",
                f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_http(f"http://127.0.0.1:{self.port}/json/version", 30)
        targets = json.loads(urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json").read())
        page = next(t for t in targets if t.get("type") == "page")
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=60)
        self.next_id = 0
        self.call("Page.enable")
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression):
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def shot(self, url, path, settle=2.0, timeout=45, click=None):
        self.call("Page.navigate", url=url)
        deadline = time.time() + timeout
        # The web client is ready when its action manager shows a view and no request is pending.
        while time.time() < deadline:
            ready = self.evaluate(
                "document.readyState === 'complete' && "
                "!!document.querySelector('.o_action_manager .o_view_controller')"
            )
            if ready:
                break
            time.sleep(0.5)
        time.sleep(settle)
        if click:
            # A notebook tab (or any link or button) by its text, e.g. "Synchronisation".
            found = self.evaluate(
                "(() => { const el = [...document.querySelectorAll('a, button')].find("
                f"(e) => e.textContent.trim() === {json.dumps(click)}); "
                "if (el) { el.click(); return true; } return false; })()"
            )
            if not found:
                print(f"  (nothing to click named {click!r})", file=sys.stderr)
            time.sleep(settle)
        data = self.call("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as handle:
            handle.write(base64.b64decode(data))
        return self.evaluate("document.title")

    def close(self):
        self.proc.terminate()
        shutil.rmtree(self.profile, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--out", default="/tmp/xero-shots")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--height", type=int, default=1000)
    parser.add_argument(
        "--crons",
        action="store_true",
        help="run the server with a cron thread (the scheduler carries out queued runs)",
    )
    parser.add_argument("--wait", type=float, default=0, help="seconds to wait after the server starts")
    parser.add_argument(
        "paths",
        nargs="*",
        help="NAME=PATH[|TEXT] (TEXT: a tab or button to click first; default: the Xero screens)",
    )
    args = parser.parse_args()
    screens = [tuple(p.split("=", 1)) for p in args.paths] or SCREENS
    os.makedirs(args.out, exist_ok=True)
    odoo_root = subprocess.check_output(
        [
            sys.executable,
            "-c",
            "import os, odoo.release as r; print(os.path.dirname(os.path.dirname(os.path.abspath(r.__file__))))",
        ],
        text=True,
    ).strip()
    addons = ",".join([f"{odoo_root}/addons", f"{odoo_root}/odoo/addons", ROOT])
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "odoo",
            "--addons-path=" + addons,
            "server",
            "-d",
            args.db,
            "--db-filter",
            f"^{args.db}$",
            "--http-interface=127.0.0.1",
            f"--http-port={port}",
            "--workers=0",
            "--max-cron-threads=%d" % (1 if args.crons else 0),
            "--log-level=warn",
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(os.path.join(args.out, "server.log"), "w"),
    )
    base = f"http://127.0.0.1:{port}"
    chrome = None
    try:
        if not wait_http(base + "/web/login"):
            raise SystemExit("the Odoo server did not start: see server.log")
        session = login(base, args.db, args.login, args.password)
        time.sleep(args.wait)
        chrome = Chrome(args.width, args.height)
        chrome.call("Network.enable")
        chrome.call("Network.setCookie", name="session_id", value=session, domain="127.0.0.1", path="/")
        for name, path in screens:
            path, __, click = path.partition("|")
            target = os.path.join(args.out, name + ".png")
            title = chrome.shot(base + path, target, click=click or None)
            print(f"{target}  ({title})")
    finally:
        if chrome:
            chrome.close()
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
