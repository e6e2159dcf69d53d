# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from . import test_install
from . import test_access
from . import test_cli, test_oauth_flow, test_token_concurrency, test_xero_account
from . import test_documents, test_sync_engine
from . import test_hostile_input
from . import test_tenant_switch
from . import test_run_scope
from . import test_onboarding
from . import test_user_feedback
from . import test_exactly_once
from . import test_deletes
from . import test_conflicts
from . import test_document_identity
from . import test_document_rules
from . import test_import_batch, test_import_batch_payments
from . import test_webhooks
from . import test_health
from . import test_orders
from . import test_red_team
from . import test_known_versions
from . import test_attachments
from . import test_attachments_import
from . import test_tracking
from . import test_mapping_messages
from . import test_scheduler
from . import test_red_team_scheduler
