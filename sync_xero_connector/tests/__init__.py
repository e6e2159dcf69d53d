# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import test_install
from . import test_cli, test_oauth_flow, test_token_concurrency, test_xero_account
