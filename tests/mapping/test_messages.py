"""Translatable mapping messages: every MappingError the mappings raise has a stable code with
an English template (xero/mapping/messages.py), and the Odoo layer's catalogue
(models/xero_mapping_messages.py, read here without Odoo) has the same codes with the same
texts, so Odoo's translation export finds every one of them."""

import ast
import copy
import os
import pickle
import re

import pytest
from xero.mapping import accounts, contacts, documents, payments
from xero.mapping.common import MappingError
from xero.mapping.messages import MESSAGES, Text

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAPPING = os.path.join(ROOT, "sync_xero_connector", "xero", "mapping")
ODOO_CATALOGUE = os.path.join(ROOT, "sync_xero_connector", "models", "xero_mapping_messages.py")
PLACEHOLDER = re.compile(r"%\((\w+)\)([sdr])")
AREAS = {code.split(".")[0] for code in MESSAGES}
LENGTH_CHECKS = ("check_length", "_limit")


def _sources():
    for name in sorted(os.listdir(MAPPING)):
        if name.endswith(".py") and name != "messages.py":
            path = os.path.join(MAPPING, name)
            with open(path, encoding="utf-8") as handle:
                yield name, ast.parse(handle.read(), filename=path)


def _name(func):
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _used_codes():
    """(codes, length-check prefixes) written in the mappings' source."""
    codes, prefixes = set(), set()
    for __, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) in LENGTH_CHECKS and len(node.args) >= 3:
                if isinstance(node.args[2], ast.Constant):
                    prefixes.add(node.args[2].value)
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                value = node.value
                if re.fullmatch(r"[a-z_]+(\.[a-z0-9_]+)+", value) and value.split(".")[0] in AREAS:
                    codes.add(value)
    # Codes given to ``_limit`` through a table (contacts' address fields) are prefixes too.
    prefixes |= {code for code in codes if f"{code}.too_long" in MESSAGES}
    return codes - prefixes, prefixes


def _odoo_catalogue():
    """{code: text} of the Odoo layer's TEMPLATES, each value a literal in ``_lt(...)``."""
    with open(ODOO_CATALOGUE, encoding="utf-8") as handle:
        tree = ast.parse(handle.read())
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["TEMPLATES"]:
            out = {}
            for key, value in zip(node.value.keys, node.value.values, strict=True):
                assert isinstance(value, ast.Call) and _name(value.func) == "_lt", ast.dump(value)
                assert len(value.args) == 1 and isinstance(value.args[0], ast.Constant), key.value
                out[key.value] = value.args[0].value
            return out
    raise AssertionError("no TEMPLATES in " + ODOO_CATALOGUE)


def _placeholders(text):
    return sorted(PLACEHOLDER.findall(text))


def _dummy(text):
    return {name: "x" for name, _conv in PLACEHOLDER.findall(text)}


# ---------------------------------------------------------------------- the catalogues
def test_every_code_raised_has_a_template_and_every_template_is_used():
    codes, prefixes = _used_codes()
    assert len(codes) > 100 and len(prefixes) > 20
    missing = sorted(c for c in codes if c not in MESSAGES)
    missing += sorted(
        f"{p}.too_long{end}"
        for p in prefixes
        for end in ("", ".hint")
        if f"{p}.too_long{end}" not in MESSAGES
    )
    assert missing == []
    reachable = codes | {f"{p}.too_long{end}" for p in prefixes for end in ("", ".hint")}
    assert sorted(set(MESSAGES) - reachable) == []


def test_every_mapping_error_of_the_mappings_has_a_coded_message():
    """No English-only message is left: the message (first argument) of every MappingError
    raised in xero/mapping is a Text, or a choice between Texts."""

    def coded(node):
        if isinstance(node, ast.IfExp):
            return coded(node.body) and coded(node.orelse)
        return isinstance(node, ast.Call) and _name(node.func) == "Text"

    offenders, count = [], 0
    for name, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and _name(node.func) == "MappingError":
                count += 1
                if not node.args or not coded(node.args[0]):
                    offenders.append(f"{name}:{node.lineno}")
                hints = [k.value for k in node.keywords if k.arg == "hint"]
                if hints and isinstance(hints[0], ast.Constant | ast.JoinedStr):
                    offenders.append(f"{name}:{node.lineno} (hint)")
    assert count >= 50
    assert offenders == []


def test_both_catalogues_have_the_same_codes_texts_and_placeholders():
    odoo = _odoo_catalogue()
    assert sorted(odoo) == sorted(MESSAGES)
    for code, text in MESSAGES.items():
        assert _placeholders(odoo[code]) == _placeholders(text), code
        assert odoo[code] == text, code  # the msgid Odoo translates is the English text


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_template_renders(code):
    template = MESSAGES[code]
    rendered = template % _dummy(template)
    assert "%(" not in rendered and "%" not in rendered.replace("100 %", "")


# ------------------------------------------------------------------------------ Text
def test_text_is_the_english_message_with_code_and_params():
    text = Text("payments.more_than_due", amount="12.00", due="10.00", document=Text("payments.the_document"))
    assert text == "The payment of 12.00 is larger than the 10.00 still due on the document in Xero."
    assert isinstance(text, str) and text.code == "payments.more_than_due"
    assert text.params["document"].code == "payments.the_document"
    # The Odoo layer renders it from other templates (a translation), nested Texts too.
    marked = text.render(lambda code: "[" + MESSAGES[code] + "]")
    assert marked == "[The payment of 12.00 is larger than the 10.00 still due on [the document] in Xero.]"
    for clone in (copy.deepcopy(text), pickle.loads(pickle.dumps(text))):
        assert clone == text and clone.code == text.code and clone.params == text.params
    with pytest.raises(KeyError):
        Text("payments.no_such_code")
    with pytest.raises(KeyError):
        Text("payments.more_than_due", amount="1")  # a parameter is missing


def test_mapping_error_keeps_message_hint_and_gains_code_and_params():
    with pytest.raises(MappingError) as info:
        accounts.account_to_xero({"name": "Sales", "code": "X" * 11, "account_type": "income"})
    exc = info.value
    assert str(exc) == exc.message == "Account code is 11 characters long; Xero accepts at most 10."
    assert exc.hint == "Xero account codes have at most 10 characters: shorten the code."
    assert (exc.code, exc.params) == ("accounts.code.too_long", {"length": 11, "limit": 10})
    assert (exc.hint_code, exc.hint_params) == ("accounts.code.too_long.hint", {"limit": 10})
    assert exc.kind == "mapping"
    # A MappingError raised with a plain message (the Odoo layer's, translated already).
    plain = MappingError("Odoo has no currency XYZ.", hint="Add it.")
    assert (plain.code, plain.params, plain.hint_code, plain.hint_params) == (None, {}, None, {})


def test_nested_labels_are_codes_too():
    with pytest.raises(MappingError) as info:
        contacts.contact_to_xero({"name": "Acme", "address": {"city": "C" * 256}})
    exc = info.value
    assert exc.message == "City of the invoice address is 256 characters long; Xero accepts at most 255."
    assert exc.params["address"].code == "contacts.invoice_address"
    with pytest.raises(MappingError) as info:
        documents.line_to_xero({"description": "d" * 4001}, "ACCREC", 3)
    assert info.value.code == "documents.line_description.too_long"
    assert info.value.params == {"length": 4001, "limit": 4000, "index": 3}
    with pytest.raises(MappingError) as info:
        payments.payment_to_xero({"document_id": "d", "account_code": "090", "amount": 0})
    assert info.value.code == "payments.not_positive" and info.value.hint is None
