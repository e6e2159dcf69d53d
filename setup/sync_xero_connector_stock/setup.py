# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""Packaging of the inventory bridge the OCA way: ``odoo/addons/sync_xero_connector_stock`` is a
symlink to the module, installed as the ``odoo.addons.sync_xero_connector_stock`` namespace
package.

    pip install ./setup/sync_xero_connector ./setup/sync_xero_connector_stock

Version and summary are read from the manifest, so they are declared once.
"""

import ast
import os

from setuptools import find_namespace_packages, setup

HERE = os.path.dirname(os.path.abspath(__file__))
ADDON = os.path.join(HERE, "odoo", "addons", "sync_xero_connector_stock")
with open(os.path.join(ADDON, "__manifest__.py"), encoding="utf-8") as handle:
    MANIFEST = ast.literal_eval(handle.read())

setup(
    name="odoo-addon-sync_xero_connector_stock",
    version=MANIFEST["version"],
    description=MANIFEST["summary"],
    license="LGPL-3",
    author=MANIFEST["author"],
    url=MANIFEST["website"],
    packages=find_namespace_packages(include=["odoo.addons.sync_xero_connector_stock*"]),
    include_package_data=True,
    package_data={"": ["*.xml", "*.csv", "*.rst"]},
    install_requires=["odoo-addon-sync_xero_connector"],
    python_requires=">=3.10",
    classifiers=[
        "Framework :: Odoo",
        "Framework :: Odoo :: 19.0",
        "License :: OSI Approved :: GNU Lesser General Public License v3 (LGPLv3)",
    ],
    zip_safe=False,
)
