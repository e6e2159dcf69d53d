# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Tracking categories: Xero ``TrackingCategory`` <-> neutral category, and a line's
``Tracking`` <-> an Odoo analytic distribution (plain ids in and out, no database).

Neutral category::

    {"xero_id", "name", "status" (ACTIVE, ARCHIVED, DELETED), "problem" (None, or why Odoo
     cannot take it), "options": [option...]}

Neutral option::

    {"xero_id", "name", "status", "problem"}

A line's tracking (as ``documents.py`` and ``journals.py`` read it): ``[{"category",
"option"}]``, by name. Xero keeps category names unique in the organisation and option names
unique in their category, ignoring case (``key``).

A Xero line takes at most one option per category, and the whole line goes to that option:
an Odoo distribution maps to Xero only when, on each analytic plan linked to a tracking
category, it puts 100 % on one analytic account. Plans not linked to a category are Odoo's
own (projects, ...): they are left out of the tracking, never refused.
"""

from .. import validate
from .common import MappingError, clean
from .messages import Text

NAME_MAX = 100
MAX_PER_LINE = 2
STATUSES = ("ACTIVE", "ARCHIVED", "DELETED")
# Odoo rounds analytic percentages to 2 decimals ("Percentage Analytic").
PERCENT_TOLERANCE = 0.005


def key(name):
    """How Xero tells two category (or option) names apart: case and outer spaces ignored."""
    return (name or "").strip().casefold() if isinstance(name, str) else ""


def short(text, limit=60):
    """A name as a message shows it: storable, and cut when it is very long."""
    text = validate.safe_text(str(text or ""))
    return text if len(text) <= limit else text[:limit] + "…"


def _name_problem(name, what):
    if not name:
        return f"{what} has no name"
    if len(name) > NAME_MAX:
        return f"{what} name is {len(name)} characters long; Xero allows at most {NAME_MAX}"
    if not validate.is_clean(name):
        return f"{what} name contains a control character"
    return None


# ------------------------------------------------------------------ from Xero
def category_from_xero(record):
    """Never raises: what Odoo cannot take is said in ``problem`` (of the category or of one
    option), so that the other options still import."""
    name = record.get("Name") if isinstance(record.get("Name"), str) else ""
    name = name.strip()
    status = str(record.get("Status") or "ACTIVE").upper()
    problem = _name_problem(name, "The tracking category")
    if not problem and status not in STATUSES:
        problem = f"The tracking category has an unknown status {short(status, 20)!r}"
    options, seen = [], set()
    for option in record.get("Options") or []:
        if not isinstance(option, dict):
            continue
        option_name = option.get("Name") if isinstance(option.get("Name"), str) else ""
        option_name = option_name.strip()
        option_status = str(option.get("Status") or "ACTIVE").upper()
        option_id = option.get("TrackingOptionID")
        option_problem = None
        if not isinstance(option_id, str) or not option_id.strip():
            option_problem = "The option has no TrackingOptionID"
        else:
            option_problem = _name_problem(option_name, "The option")
        if not option_problem and option_status not in STATUSES:
            option_problem = f"The option has an unknown status {short(option_status, 20)!r}"
        if not option_problem and option_status != "DELETED":
            if key(option_name) in seen:
                option_problem = "Another option of the category has the same name"
            seen.add(key(option_name))
        options.append(
            {
                "xero_id": option_id if isinstance(option_id, str) else None,
                "name": option_name,
                "status": option_status,
                "problem": option_problem,
            }
        )
    return {
        "xero_id": record.get("TrackingCategoryID") or None,
        "name": name,
        "status": status,
        "problem": problem,
        "options": options,
    }


# -------------------------------------------------------------------- to Xero
# What ``check_name`` names: (no name, too long, control character) messages.
_NAME_CHECKS = {
    "plan": ("tracking.plan_no_name", "tracking.plan_name_too_long", "tracking.plan_name_control"),
    "account": (
        "tracking.account_no_name",
        "tracking.account_name_too_long",
        "tracking.account_name_control",
    ),
}


def check_name(name, what, label=None):
    """Refuse (never truncate) a name Xero would reject. ``what``: "plan" (analytic plan) or
    "account" (analytic account); ``label``: how the messages show it (default: the name)."""
    name = (name or "").strip()
    label = short(name) if label is None else label
    no_name, too_long, control = _NAME_CHECKS[what]
    if not name:
        raise MappingError(Text(no_name, name=label), hint=Text("tracking.no_name.hint"))
    if len(name) > NAME_MAX:
        raise MappingError(
            Text(too_long, name=label, length=len(name), limit=NAME_MAX),
            hint=Text("tracking.name_too_long.hint", limit=NAME_MAX),
        )
    if not validate.is_clean(name):
        raise MappingError(Text(control, name=label), hint=Text("tracking.name_control.hint"))
    return name


def category_to_xero(neutral, xero_id=None):
    """The category itself (its options go through ``option_changes``). Its status is left
    as Xero has it: archiving a category is done in Xero."""
    name = check_name(neutral.get("name"), "plan", label=short(neutral.get("name")))
    return clean({"TrackingCategoryID": xero_id or None, "Name": name})


def option_status(active):
    return "ACTIVE" if active else "ARCHIVED"


def option_changes(local, remote):
    """What to send so that the options Xero has for a category are the plan's analytic
    accounts.

    ``local``: ``[{"res_id", "name", "active", "xero_id"}]`` (the option an account is linked
    to, or None); ``remote``: neutral options as Xero has them now. Returns::

        {"bind": [(res_id, xero_id)],            # link to the option Xero has by that name
         "create": [(res_id, payload)],           # PUT, new options
         "update": [(res_id, xero_id, payload)],  # POST, renamed or (un)archived
         "refused": [(res_id, message)]}          # cannot be sent as it is

    An inactive account without an option is not created in Xero. An option Xero deleted
    is created again when the account is still active.
    """
    remote_by_id = {o["xero_id"]: o for o in remote if o.get("xero_id") and o.get("status") != "DELETED"}
    taken = {item["xero_id"] for item in local if item.get("xero_id") in remote_by_id}
    free = {}
    for option in remote_by_id.values():
        if option["xero_id"] not in taken and not option.get("problem"):
            free.setdefault(key(option["name"]), option)
    out = {"bind": [], "create": [], "update": [], "refused": []}
    wanted = {}
    # Linked accounts first: a new account never takes the name of a linked one's option.
    for item in sorted(local, key=lambda i: (i.get("xero_id") not in remote_by_id, i["res_id"])):
        name = (item.get("name") or "").strip()
        try:
            check_name(name, "account")
        except MappingError as exc:
            if item.get("active") or item.get("xero_id") in remote_by_id:
                out["refused"].append((item["res_id"], exc.message))
            continue
        current = remote_by_id.get(item.get("xero_id"))
        status = option_status(item.get("active"))
        if current is None:
            if not item.get("active"):
                continue
            other = wanted.get(key(name))
            if other is not None:
                out["refused"].append(
                    (
                        item["res_id"],
                        Text("tracking.same_option_name", other=other, name=short(name)),
                    )
                )
                continue
            wanted[key(name)] = item["res_id"]
            same = free.pop(key(name), None)
            if same is not None:
                out["bind"].append((item["res_id"], same["xero_id"]))
                current = same
            else:
                out["create"].append((item["res_id"], {"Name": name}))
                continue
        else:
            wanted[key(name)] = item["res_id"]
        if current.get("name") != name or current.get("status") != status:
            out["update"].append((item["res_id"], current["xero_id"], {"Name": name, "Status": status}))
    return out


# ------------------------------------------------------- line <-> distribution
def distribution_from_tracking(tracking, options):
    """The analytic distribution of a line tracked as ``tracking``.

    ``options``: ``{(category key, option key): analytic account id}``. Returns
    ``(distribution, missing)``: ``{"3,7": 100.0}`` (None for a line without tracking) and
    the ``(category, option)`` pairs Odoo has no account for (then no distribution)."""
    ids, missing = [], []
    for entry in tracking or []:
        account = options.get((key(entry.get("category")), key(entry.get("option"))))
        if account is None:
            missing.append((entry.get("category"), entry.get("option")))
        else:
            ids.append(int(account))
    if missing or not ids:
        return None, missing
    return {",".join(str(i) for i in sorted(set(ids))): 100.0}, []


def _percent(value):
    return ("%.2f" % value).rstrip("0").rstrip(".")


def tracking_from_distribution(distribution, accounts, label):
    """The Xero tracking of a line whose analytic distribution is ``distribution`` (Odoo's
    JSON: ``{"account id[,account id...]": percentage}``).

    ``accounts``: ``{account id: {"plan", "plan_name", "name", "category", "option"}}`` for
    the analytic accounts of plans linked to a tracking category (``option`` None: the
    account is not an option in Xero yet); ids not in it belong to Odoo-only plans and are
    left out. ``label`` names the line in messages. Raises MappingError for what Xero cannot
    hold: a split (several accounts, or less or more than 100 %, on one plan), an account not
    in Xero yet, more than two categories."""
    shares = {}
    for combination, percentage in (distribution or {}).items():
        if combination == "__update__":
            continue
        try:
            ids = [int(part) for part in str(combination).split(",") if part.strip()]
            percentage = float(percentage)
        except (TypeError, ValueError):
            raise MappingError(
                Text(
                    "tracking.distribution_unreadable",
                    line=label,
                    combination=short(combination),
                    percentage=short(percentage),
                ),
                hint=Text("tracking.distribution_unreadable.hint"),
            ) from None
        for account_id in ids:
            info = accounts.get(account_id)
            if info is None:
                continue
            plan = shares.setdefault(info["plan"], {})
            plan[account_id] = plan.get(account_id, 0.0) + percentage
    out = []
    for _plan, parts in sorted(shares.items(), key=lambda item: str(item[0])):
        first = accounts[next(iter(parts))]
        total = sum(parts.values())
        if len(parts) > 1 or abs(total - 100.0) > PERCENT_TOLERANCE:
            split = " / ".join(
                f"{_percent(pct)} % {short(accounts[a]['name'])}" for a, pct in sorted(parts.items())
            )
            raise MappingError(
                Text(
                    "tracking.split",
                    line=label,
                    plan=short(first["plan_name"]),
                    split=split,
                    category=short(first["category"]),
                ),
                hint=Text("tracking.split.hint"),
            )
        account_id = next(iter(parts))
        info = accounts[account_id]
        if not info.get("option"):
            raise MappingError(
                Text(
                    "tracking.not_an_option",
                    line=label,
                    account=short(info["name"]),
                    category=short(info["category"]),
                ),
                kind="dependency",
                missing=("tracking_categories", info["name"]),
                hint=Text("tracking.not_an_option.hint"),
            )
        out.append({"category": info["category"], "option": info["option"]})
    if len(out) > MAX_PER_LINE:
        raise MappingError(
            Text("tracking.too_many_categories", line=label, count=len(out), limit=MAX_PER_LINE),
            hint=Text("tracking.too_many_categories.hint"),
        )
    return sorted(out, key=lambda entry: key(entry["category"]))


def line_tracking_to_xero(tracking):
    """The ``Tracking`` of a Xero line (names: what Xero resolves on every line type)."""
    return [{"Name": t["category"], "Option": t["option"]} for t in tracking or []]
