"""Shared pytest setup for the framework-free tier.

The addon folder is put on sys.path so that its framework-free packages import as top-level
``xero`` (the client) and ``xero_sandbox`` (the local Xero), exactly as the sandbox command does.
"""

import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ADDON = os.path.join(ROOT, "sync_xero_connector")
if ADDON not in sys.path:
    sys.path.insert(0, ADDON)

SHARED = os.path.join(os.path.dirname(ROOT), "shared")
SPEC_DIR = os.path.join(SHARED, "xero", "openapi")


@pytest.fixture(scope="session")
def spec_dir():
    """Folder of the official Xero OpenAPI specs; skips where ../shared is absent."""
    if not os.path.isdir(SPEC_DIR):
        pytest.skip(f"../shared/xero/openapi not found at {SPEC_DIR}: spec conformance tests need it")
    return SPEC_DIR
