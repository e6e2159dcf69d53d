# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
# pylint: disable=print-used
# (a command-line tool: its output is what it prints)
"""``odoo-bin xero``: the headless entry point of the Xero connector.

Odoo 19.0 finds this file as ``<addon>/cli/xero.py`` on the addons path and loads it as
``odoo.cli.xero`` (not as part of the addon), so only Odoo's core is imported at module level.
The work is done by ``dispatch(env, ns)`` and the ``cmd_*`` functions, which take an
environment: the tests call them in-process. This entry point owns the transactions: it
commits after each account (and after creating one), never the models.
"""

import argparse
import json
import logging
import sys

from odoo.cli import Command

_logger = logging.getLogger(__name__)

SUBCOMMANDS = ("connect", "status", "import", "export", "sync", "disconnect")


class CommandError(Exception):
    """The command could not run: printed on stderr, exit status 1."""


def build_parser(prog="odoo-bin xero"):
    parser = argparse.ArgumentParser(
        prog=prog,
        description="Connect Odoo companies to Xero and run their synchronisation headless. "
        "Odoo options (-c, -d, --addons-path, --db_host, ...) go before the "
        "subcommand.",
    )
    sub = parser.add_subparsers(dest="subcommand", metavar="SUBCOMMAND", required=True)

    connect = sub.add_parser(
        "connect", help="create or update a company's account as a Custom Connection and connect it"
    )
    connect.add_argument("--company", type=int, required=True, metavar="ID", help="company id")
    connect.add_argument("--client-id", required=True)
    connect.add_argument("--client-secret", required=True)
    # Another server than Xero's (a sandbox): the account's Endpoints become Custom, which
    # only the command line (superuser) and system administrators may set.
    for option in ("--login-url", "--identity-url", "--api-url"):
        connect.add_argument(option, help="a sandbox or test server instead of Xero's")
    connect.add_argument(
        "--webhook-key",
        metavar="KEY",
        help="the signing key of the app's webhook (developer portal > the "
        "app > Webhooks); its URL is on the account form",
    )
    connect.add_argument("--json", action="store_true", help="print the result as JSON")

    status = sub.add_parser("status", help="state of each Xero account")
    status.add_argument("--company", type=int, action="append", metavar="ID")
    status.add_argument("--json", action="store_true")

    dry_run_help = (
        "print what would be created and updated, per object, without writing to "
        "Xero (read calls only) and without keeping anything in Odoo"
    )
    for name, text in (("import", "import objects from Xero"), ("export", "export objects to Xero")):
        run = sub.add_parser(name, help=text)
        run.add_argument(
            "objects",
            nargs="+",
            metavar="OBJECT",
            help="object keys (run even when not enabled), or all: the objects "
            "enabled for this direction on the account",
        )
        run.add_argument("--company", type=int, action="append", metavar="ID")
        run.add_argument("--json", action="store_true")
        run.add_argument("--dry-run", action="store_true", help=dry_run_help)
    sync = sub.add_parser(
        "sync", help="import then export the enabled objects, each in the directions set on the account"
    )
    sync.add_argument("--company", type=int, action="append", metavar="ID")
    sync.add_argument("--json", action="store_true")
    sync.add_argument("--dry-run", action="store_true", help=dry_run_help)

    disconnect = sub.add_parser("disconnect", help="disconnect accounts from Xero")
    disconnect.add_argument("--company", type=int, action="append", metavar="ID")
    disconnect.add_argument("--json", action="store_true")
    return parser


def split_args(args, option_parser):
    """(Odoo options, subcommand and its arguments): the first word that is a subcommand and
    not the value of an Odoo option starts our part."""
    index = 0
    while index < len(args):
        word = args[index]
        if word in SUBCOMMANDS:
            return args[:index], args[index:]
        if word.startswith("-") and "=" not in word:
            option = option_parser.get_option(word)
            if option is not None and option.takes_value():
                index += 1
        index += 1
    return args, []


# ----------------------------------------------------------------------------- commands
def _accounts(env, companies=None, states=None):
    domain = []
    if companies:
        domain.append(("company_id", "in", companies))
    if states:
        domain.append(("state", "in", states))
    accounts = env["xero.account"].search(domain)
    if companies:
        found = set(accounts.company_id.ids)
        missing = [c for c in companies if c not in found]
        if missing:
            ids = ", ".join(map(str, missing))
            raise CommandError(f"No active Xero account for company id(s) {ids}.")
    return accounts


def _iso(value):
    return value.isoformat() if value else None


def account_status(account):
    account = account.sudo()
    return {
        "account_id": account.id,
        "company_id": account.company_id.id,
        "company": account.company_id.name,
        "connection_type": account.connection_type,
        "tenant_id": account.tenant_id or None,
        "tenant_name": account.tenant_name or None,
        "state": account.state,
        "token_expires_at": _iso(account.token_expires_at),
        "last_runs": {key: _iso(value) for key, value in account._xero_last_runs().items()},
        "objects": _object_rows(account),
        "open_mismatches": account.mismatch_count,
        # The first-day check (made at connect): [{code, level, message, fix, action}].
        "checks_state": account.onboarding_state,
        "checks": account.onboarding_findings or [],
    }


def _object_rows(account):
    """Per object: enabled, direction and the last run of each direction with its counts."""
    rows = []
    for settings in account.sync_setting_ids:
        runs = {}
        for direction in ("import", "export"):
            run = settings[f"last_{direction}_run_id"]
            if run:
                runs[direction] = dict(
                    run._counts(), state=run.state, at=_iso(run.ended_at or run.started_at)
                )
        rows.append(
            {
                "key": settings.object_key,
                "enabled": settings.enabled,
                "direction": settings.direction,
                "mismatches": settings.mismatch_count,
                "runs": runs,
            }
        )
    return rows


def cmd_connect(
    env,
    company_id,
    client_id,
    client_secret,
    login_url=None,
    identity_url=None,
    api_url=None,
    webhook_key=None,
):
    company = env["res.company"].browse(company_id).exists()
    if not company:
        raise CommandError(f"There is no company with id {company_id}.")
    Account = env["xero.account"].with_context(active_test=False)
    account = Account.search([("company_id", "=", company.id)], limit=1)
    vals = {
        "connection_type": "custom",
        "client_id": client_id,
        "client_secret": client_secret,
        "active": True,
    }
    if webhook_key:
        vals["webhook_key"] = webhook_key
    for field_name, value in (("login_url", login_url), ("identity_url", identity_url), ("api_url", api_url)):
        if value:
            vals[field_name] = value
            vals["endpoint_mode"] = "custom"
    if account:
        account.write(vals)
    else:
        # The command runs as OdooBot: notifications (reconnect, failed runs) go to the
        # administrator instead, who can change the Responsible on the account.
        admin = env.ref("base.user_admin", raise_if_not_found=False)
        account = Account.create(
            dict(
                vals,
                name=f"Xero - {company.name}",
                company_id=company.id,
                user_id=admin.id if admin else False,
            )
        )
    # Saved first: the API log and token cursors only see committed accounts.
    env.cr.commit()
    account._xero_connect_custom()
    env.cr.commit()
    return account_status(account)


def cmd_status(env, companies=None):
    return [account_status(account) for account in _accounts(env, companies)]


def _result_keys():
    # The addon's own list (the CLI module is loaded before the addon: imported when used).
    from odoo.addons.sync_xero_connector.models.xero_sync_run import RESULT_KEYS  # noqa: PLC0415  pylint: disable=odoo-addons-relative-import

    return RESULT_KEYS


def _merge(total, results):
    result_keys = _result_keys()
    for key, counts in results.items():
        into = total.setdefault(key, dict.fromkeys(result_keys, 0))
        for name in result_keys:
            into[name] += counts.get(name, 0)


def _keys(env, direction, objects):
    """Object keys named on the command line, or None for "all" (the enabled objects)."""
    objects = list(objects or ["all"])
    if "all" in objects:
        env["xero.account"]._xero_resolve_objects(["all"], direction)  # something to run
        return None
    return env["xero.account"]._xero_resolve_objects(objects, direction)


def _not_enabled_hint(direction, objects):
    step = "import" if direction == "sync" else direction
    return (
        f" From the command line, name the objects to run them anyway, e.g. `odoo-bin xero {step} contacts`."
        if not objects or "all" in objects
        else ""
    )


def cmd_run(env, direction, objects=None, companies=None):
    """Import, export or sync; returns (merged results, errors per company)."""
    from odoo.exceptions import UserError  # noqa: PLC0415

    accounts = _accounts(env, companies, states=["connected"])
    if not accounts:
        raise CommandError("No connected Xero account: run `odoo-bin xero connect` first.")
    keys = _keys(env, direction, objects)
    total, errors = {}, []
    for account in accounts:
        try:
            # Committed after every batch: an interrupted run resumes where it stopped.
            results, failed = account._xero_run(
                direction, keys, trigger="cli", commit=lambda _processed: env.cr.commit()
            )
        except UserError as exc:
            env.cr.rollback()
            errors.append(f"{account.company_id.name}: {exc.args[0]}" + _not_enabled_hint(direction, objects))
            continue
        except Exception as exc:  # noqa: BLE001 - one account's failure must not stop others
            env.cr.rollback()
            _logger.exception("Xero %s failed for %s", direction, account.company_id.name)
            errors.append(f"{account.company_id.name}: {exc}")
            continue
        env.cr.commit()
        _merge(total, results)
        errors.extend(f"{account.company_id.name}: {message}" for message in failed)
    return total, errors


def cmd_preview(env, direction, objects=None, companies=None):
    """``--dry-run``: what import, export or sync would do, per account and object, with read
    calls to Xero only and nothing kept in Odoo. Returns (rows, errors)."""
    from odoo.exceptions import UserError  # noqa: PLC0415

    accounts = _accounts(env, companies, states=["connected"])
    if not accounts:
        raise CommandError("No connected Xero account: run `odoo-bin xero connect` first.")
    keys = _keys(env, direction, objects)
    rows, errors = [], []
    for account in accounts:
        try:
            found = account._xero_preview(direction, keys)
        except UserError as exc:
            errors.append(f"{account.company_id.name}: {exc.args[0]}" + _not_enabled_hint(direction, objects))
            continue
        finally:
            env.cr.rollback()  # nothing of a preview is kept
        for row in found:
            rows.append(dict(row, company=account.company_id.name))
            if row["message"]:
                errors.append(f"{account.company_id.name}: {row['key']} {row['step']}: {row['message']}")
    return rows, errors


def _print_preview(rows, out):
    print("Dry run: nothing was sent to Xero and nothing was kept in Odoo.", file=out)
    words = {
        "import": ("to create in Odoo", "to update in Odoo"),
        "export": ("to create in Xero", "to update in or link to Xero"),
    }
    for row in rows:
        head = f"{row['key']} {row['step']}"
        if row["held"]:
            print(f"{head}: {row['message']}", file=out)
            continue
        create, update = words[row["step"]]
        print(
            f"{head}: {row['created']} {create}, {row['updated']} {update}, "
            f"{row['skipped']} unchanged, {row['failed']} blocked",
            file=out,
        )
        for outcome, label in (("created", "create"), ("updated", "update"), ("failed", "blocked")):
            names = row["names"].get(outcome) or []
            if names:
                more = row[outcome] - len(names)
                tail = f" and {more} more" if more > 0 else ""
                print(f"  {label}: {', '.join(names)}{tail}", file=out)
        for problem in row["problems"]:
            print(f"  ! {problem}", file=out)


def cmd_disconnect(env, companies=None):
    accounts = _accounts(env, companies, states=["connected", "select_tenant", "reconnect"])
    done = []
    for account in accounts:
        notes = account._xero_disconnect()
        env.cr.commit()
        done.append(dict(account_status(account), notes=[str(note) for note in notes]))
    return done


def _print_status(rows, out):
    if not rows:
        print("No Xero account.", file=out)
    for row in rows:
        ran = [obj for obj in row["objects"] if obj["runs"]]
        print(
            "{company} (company {company_id}): {state}, organisation {tenant}, token "
            "expires {expiry}, {mismatches} open mismatch entries{never}".format(
                company=row["company"],
                company_id=row["company_id"],
                state=row["state"],
                tenant=row["tenant_name"] or "-",
                expiry=row["token_expires_at"] or "-",
                mismatches=row["open_mismatches"],
                never="" if ran else ", last runs: never",
            ),
            file=out,
        )
        if ran:
            print(
                "  {:<15} {:<8} {:<7} {:<20} {:<8} {:>7} {:>7} {:>7} {:>6} {:>10}".format(
                    "object",
                    "enabled",
                    "step",
                    "last run (UTC)",
                    "state",
                    "created",
                    "updated",
                    "skipped",
                    "failed",
                    "mismatches",
                ),
                file=out,
            )
        for obj in ran:
            for direction, run in sorted(obj["runs"].items()):
                print(
                    "  {:<15} {:<8} {:<7} {:<20} {:<8} {:>7} {:>7} {:>7} {:>6} {:>10}".format(
                        obj["key"],
                        "yes" if obj["enabled"] else "no",
                        direction,
                        (run["at"] or "-")[:19].replace("T", " "),
                        run["state"],
                        run["created"],
                        run["updated"],
                        run["skipped"],
                        run["failed"],
                        obj["mismatches"],
                    ),
                    file=out,
                )
        if row["checks_state"] == "unchecked":
            if row["state"] == "connected":
                print(
                    "  checks: not made yet (run `odoo-bin xero connect` again, or click "
                    "Check Again on the Xero account)",
                    file=out,
                )
            continue
        if not row["checks"]:
            print("  checks: the company and the organisation agree", file=out)
        for check in row["checks"]:
            print(f"  {check['level']} ({check['code']}): {check['message']}", file=out)
            if check.get("fix"):
                print(f"    fix: {check['fix']}", file=out)


def dispatch(env, ns, out=sys.stdout, err=sys.stderr):
    """Run the parsed command ``ns`` in ``env``; return the exit status."""
    from odoo.exceptions import UserError  # noqa: PLC0415

    # Loaded as odoo.cli.xero, outside the addon's package: a relative import cannot work here.
    from odoo.addons.sync_xero_connector.xero import XeroError  # noqa: PLC0415  pylint: disable=odoo-addons-relative-import

    try:
        if ns.subcommand == "connect":
            row = cmd_connect(
                env,
                ns.company,
                ns.client_id,
                ns.client_secret,
                ns.login_url,
                ns.identity_url,
                ns.api_url,
                getattr(ns, "webhook_key", None),
            )
            if ns.json:
                print(json.dumps(row, sort_keys=True), file=out)
            else:
                _print_status([row], out)
            return 0 if row["state"] == "connected" else 1
        if ns.subcommand == "status":
            rows = cmd_status(env, ns.company)
            if ns.json:
                print(json.dumps(rows, sort_keys=True), file=out)
            else:
                _print_status(rows, out)
            return 0
        if ns.subcommand in ("import", "export", "sync") and ns.dry_run:
            objects = getattr(ns, "objects", None) or ["all"]
            rows, errors = cmd_preview(env, ns.subcommand, objects, ns.company)
            if ns.json:
                print(json.dumps(rows, sort_keys=True), file=out)
            else:
                _print_preview(rows, out)
            for error in errors:
                print(f"error: {error}", file=err)
            return 1 if errors else 0
        if ns.subcommand in ("import", "export", "sync"):
            objects = getattr(ns, "objects", None) or ["all"]
            total, errors = cmd_run(env, ns.subcommand, objects, ns.company)
            if ns.json:
                print(json.dumps(total, sort_keys=True), file=out)
            else:
                for key, counts in total.items():
                    text = ", ".join(f"{counts[k]} {k}" for k in _result_keys())
                    print(f"{key}: {text}", file=out)
            for error in errors:
                print(f"error: {error}", file=err)
            return 1 if errors else 0
        if ns.subcommand == "disconnect":
            rows = cmd_disconnect(env, ns.company)
            if ns.json:
                print(json.dumps(rows, sort_keys=True), file=out)
            else:
                for row in rows:
                    print("{}: disconnected. {}".format(row["company"], " ".join(row["notes"])), file=out)
            return 0
    except (CommandError, UserError, XeroError) as exc:
        env.cr.rollback()
        message = exc.args[0] if isinstance(exc, UserError) and exc.args else str(exc)
        print(f"error: {message}", file=err)
        return 1
    raise AssertionError(f"unknown subcommand {ns.subcommand!r}")


class Xero(Command):
    """Xero connector: connect, status, import, export, sync, disconnect"""

    def run(self, args):
        from odoo import api  # noqa: PLC0415
        from odoo.modules.registry import Registry  # noqa: PLC0415
        from odoo.service import server  # noqa: PLC0415
        from odoo.tools import config  # noqa: PLC0415

        parser = build_parser(self.prog + " [ODOO OPTIONS]")
        odoo_args, our_args = split_args(args, config.parser)
        if not our_args:
            parser.print_help()
            sys.exit(0 if ("-h" in args or "--help" in args) else 2)
        ns = parser.parse_args(our_args)
        config.parser.prog = self.prog
        config.parse_config(odoo_args, setup_logging=True)
        dbnames = config["db_name"]
        if isinstance(dbnames, str):
            dbnames = [name for name in dbnames.split(",") if name]
        if len(dbnames) != 1:
            sys.exit("error: give exactly one database with -d/--database")
        server.load_server_wide_modules()
        registry = Registry(dbnames[0])
        if "xero.account" not in registry:
            sys.exit(f"error: the module sync_xero_connector is not installed in {dbnames[0]}")
        with registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            env = env(context=env["res.users"].context_get())
            status = dispatch(env, ns)
        sys.exit(status)
