#!/usr/bin/env python3
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Make each addon's README.rst from its ``readme/`` fragments (the OCA layout).

    python3 tools/gen_readme.py          # write sync_xero_connector/README.rst and the bridge's
    python3 tools/gen_readme.py --check  # exit 1 when a README.rst is not what its fragments make

Fragments (reStructuredText, sections inside them underlined with ``-``): DESCRIPTION, INSTALL,
CONFIGURE, USAGE, ROADMAP, CONTRIBUTORS. Each becomes a top-level section of README.rst in that order.
"""

import ast
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDONS = [os.path.join(ROOT, name) for name in ("sync_xero_connector", "sync_xero_connector_stock")]
SECTIONS = [
    ("DESCRIPTION", "What it does"),
    ("INSTALL", "Installation"),
    ("CONFIGURE", "Configuration"),
    ("USAGE", "Usage"),
    ("ROADMAP", "Known issues / Roadmap"),
    ("CONTRIBUTORS", "Contributors"),
]


def heading(title, char, overline=False):
    bar = char * len(title)
    return ([bar] if overline else []) + [title, bar, ""]


def render(addon):
    with open(os.path.join(addon, "__manifest__.py"), encoding="utf-8") as handle:
        manifest = ast.literal_eval(handle.read())
    out = [
        ".. Made by tools/gen_readme.py from the readme/ fragments: edit those, then run it.",
        "",
    ]
    out += heading(manifest["name"], "=", overline=True)
    out += [
        f"*{manifest['summary']}*",
        "",
        f"Version {manifest['version']} · licence {manifest['license']} · {manifest['author']}",
        "",
        ".. contents::",
        "   :local:",
        "",
    ]
    for name, title in SECTIONS:
        path = os.path.join(addon, "readme", name + ".rst")
        with open(path, encoding="utf-8") as handle:
            body = handle.read().strip("\n")
        if title:
            out += heading(title, "=")
        out += body.split("\n") + [""]
    return "\n".join(out)


def main(argv):
    status = 0
    for addon in ADDONS:
        target = os.path.join(addon, "README.rst")
        text = render(addon)
        if "--check" in argv:
            current = open(target, encoding="utf-8").read() if os.path.exists(target) else ""
            if current != text:
                sys.stderr.write(f"{target} is not what readme/ makes: run python3 tools/gen_readme.py\n")
                status = 1
            continue
        with open(target, "w", encoding="utf-8") as handle:
            handle.write(text)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
