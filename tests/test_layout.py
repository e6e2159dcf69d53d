"""Layout rules: the framework-free packages never import Odoo; Xero endpoint paths are built in
the client only.

``sync_xero_connector/xero`` (the Xero client) and ``sync_xero_connector/xero_sandbox`` (the local
Xero) must run without Odoo, so no module under them may import ``odoo`` in any form.
"""

import ast
import os
import re

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDON = os.path.join(ROOT, "sync_xero_connector")
FRAMEWORK_FREE = ("xero", "xero_sandbox")


def _python_files(package):
    base = os.path.join(ADDON, package)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith(".py"):
                yield os.path.join(dirpath, name)


def _odoo_imports(source, filename="<source>"):
    """Sorted (line, statement) for every import of odoo or odoo.* in the Python source."""
    tree = ast.parse(source, filename=filename)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == "odoo" or alias.name.startswith("odoo."):
                    found.append((node.lineno, f"import {alias.name}"))
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level == 0 and (module == "odoo" or module.startswith("odoo.")):
                found.append((node.lineno, f"from {module} import ..."))
        elif isinstance(node, ast.Call):
            # __import__("odoo...") / importlib.import_module("odoo...")
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in ("__import__", "import_module") and node.args:
                arg = node.args[0]
                if (
                    isinstance(arg, ast.Constant)
                    and isinstance(arg.value, str)
                    and (arg.value == "odoo" or arg.value.startswith("odoo."))
                ):
                    found.append((node.lineno, f"{name}({arg.value!r})"))
    return sorted(found)


def test_detector_sees_odoo_imports():
    """The check itself must catch every form, or a green result means nothing."""
    source = (
        "import os\nimport odoo\nimport odoo.tools as t\nfrom odoo import api\n"
        "from odoo.tools import misc\nfrom . import odoo_like\nfrom .odoo import x\n"
        "def f():\n    import odoo.http\n    return __import__('odoo.fields')\n"
    )
    assert [line for line, _ in _odoo_imports(source)] == [2, 3, 4, 5, 9, 10]


def test_framework_free_packages_do_not_import_odoo():
    offenders = []
    scanned = 0
    for package in FRAMEWORK_FREE:
        for path in _python_files(package):
            scanned += 1
            with open(path, encoding="utf-8") as handle:
                source = handle.read()
            for line, statement in _odoo_imports(source, path):
                offenders.append(f"{os.path.relpath(path, ROOT)}:{line}: {statement}")
    assert not offenders, "framework-free code imports Odoo:\n" + "\n".join(offenders)
    present = [p for p in FRAMEWORK_FREE if os.path.isdir(os.path.join(ADDON, p))]
    assert scanned or not present, f"no .py file found under {present}"


def _imported_test_modules(source):
    """Names of the modules ``from . import a, b`` imports in a tests/__init__.py."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module:
            names.update(alias.name for alias in node.names)
    return names


def test_import_detector():
    assert _imported_test_modules("from . import a, b\nfrom . import c\nfrom .x import y\n") == {
        "a",
        "b",
        "c",
    }


def test_odoo_runner_finds_every_test_module():
    """Odoo's own runner (--test-enable) only runs the test modules tests/__init__.py imports."""
    for addon in ("sync_xero_connector", "sync_xero_connector_stock"):
        folder = os.path.join(ROOT, addon, "tests")
        on_disk = {n[:-3] for n in os.listdir(folder) if n.startswith("test_") and n.endswith(".py")}
        with open(os.path.join(folder, "__init__.py"), encoding="utf-8") as handle:
            imported = _imported_test_modules(handle.read())
        assert sorted(on_disk - imported) == [], f"add them to {addon}/tests/__init__.py"


# ------------------------------------------------------------------ models/: one file per model
ADDONS = ("sync_xero_connector", "sync_xero_connector_stock")


def _model_classes(path):
    """``[(class name, model name)]`` of the Odoo model classes (with ``_name`` or ``_inherit``)."""
    with open(path, encoding="utf-8") as handle:
        tree = ast.parse(handle.read(), filename=path)
    out = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        names = {}
        for stmt in node.body:
            if isinstance(stmt, ast.Assign) and isinstance(stmt.targets[0], ast.Name):
                if stmt.targets[0].id in ("_name", "_inherit") and isinstance(stmt.value, ast.Constant):
                    names[stmt.targets[0].id] = stmt.value.value
                elif stmt.targets[0].id == "_inherit":
                    names.setdefault("_inherit", None)
        if names:
            out.append((node.name, names.get("_name") or names.get("_inherit")))
    return out


def test_each_models_file_holds_the_model_it_is_named_after():
    """``models/<model with _ for .>.py`` holds that model and no other (helpers aside)."""
    wrong = []
    files = [
        (addon, name) for addon in ADDONS for name in sorted(os.listdir(os.path.join(ROOT, addon, "models")))
    ]
    for addon, name in files:
        if not name.endswith(".py") or name == "__init__.py":
            continue
        models = {model for __, model in _model_classes(os.path.join(ROOT, addon, "models", name))}
        expected = name[:-3]
        if not models:
            continue  # a helper module (no model): e.g. the mapping messages' translations
        if len(models) != 1 or next(iter(models)).replace(".", "_") != expected:
            wrong.append(f"{addon}/models/{name}: {sorted(m or '?' for m in models)}")
    assert not wrong, "files not named after their one model:\n" + "\n".join(wrong)


def test_bindings_are_searched_only_by_xero_binding():
    """Every lookup of xero.binding goes through its API (models/xero_binding.py)."""
    import re

    pattern = re.compile(
        r'env\["xero\.binding"\](?:\.sudo\(\))?\.(?:search|search_count|search_read|_read_group|read_group)\b'
        r"|FROM xero_binding|JOIN xero_binding|UPDATE xero_binding"
    )
    found = []
    packages = [
        os.path.join(ROOT, addon, package)
        for addon in ADDONS
        for package in ("models", "wizard", "controllers")
    ]
    for base in packages:
        paths = [
            os.path.join(d, n) for d, __, names in os.walk(base) for n in sorted(names) if n.endswith(".py")
        ]
        for path in paths:
            if path.endswith(os.path.join("models", "xero_binding.py")):
                continue
            with open(path, encoding="utf-8") as handle:
                for number, line in enumerate(handle, 1):
                    if pattern.search(line):
                        found.append(f"{os.path.relpath(path, ROOT)}:{number}: {line.strip()}")
    assert not found, "binding searches outside models/xero_binding.py:\n" + "\n".join(found)


# Xero endpoint paths ("/Invoices", f"/CreditNotes/{id}/Allocations") are built in the client
# (xero/), which quotes the IDs in them; the Odoo side calls its methods.
_ENDPOINT = re.compile(r"^/[A-Z][A-Za-z]+(?:/|$)")
_ODOO_SIDE = ("models", "controllers", "wizards", "cli")


def _endpoint_paths(source, filename="<source>"):
    """Sorted (line, text) of the string literals, and literal parts of f-strings, shaped like
    an endpoint path of the Xero API."""
    return sorted(
        {
            (node.lineno, node.value)
            for node in ast.walk(ast.parse(source, filename=filename))
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _ENDPOINT.match(node.value)
        }
    )


def test_endpoint_detector_sees_paths():
    source = (
        'a = "/Organisation"\nb = f"/CreditNotes/{x}/Allocations"\nc = "/odoo/action"\n'
        'd = "Invoices"\ne = f"{base}/Items"\nf = "/Items/" + x\n'
    )
    assert _endpoint_paths(source) == [
        (1, "/Organisation"),
        (2, "/Allocations"),
        (2, "/CreditNotes/"),
        (5, "/Items"),
        (6, "/Items/"),
    ]


def test_endpoint_paths_only_in_the_client():
    offenders = []
    for package in _ODOO_SIDE:
        for path in _python_files(package):
            with open(path, encoding="utf-8") as handle:
                source = handle.read()
            for line, text in _endpoint_paths(source, path):
                offenders.append(f"{os.path.relpath(path, ROOT)}:{line}: {text!r}")
    assert not offenders, "build Xero paths in xero/client.py:\n" + "\n".join(offenders)
    assert list(_python_files("models")), "no model found"
