"""Each addon's README.rst is the one tools/gen_readme.py makes from its readme/ fragments."""

import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_readme_is_made_from_fragments():
    result = subprocess.run(
        [sys.executable, os.path.join(ROOT, "tools", "gen_readme.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_readme_is_valid_restructuredtext():
    docutils_core = __import__("pytest").importorskip("docutils.core")
    for addon in ("sync_xero_connector", "sync_xero_connector_stock"):
        with open(os.path.join(ROOT, addon, "README.rst"), encoding="utf-8") as handle:
            text = handle.read()
        docutils_core.publish_doctree(text, settings_overrides={"halt_level": 2, "report_level": 2})
