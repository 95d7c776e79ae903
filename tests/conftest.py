"""Shared pytest fixtures: each lives in tests/fixtures/<what>.py and is imported here."""
from tests.fixtures.postgres import *  # noqa: F401,F403  pg_server, pg_url, db, make_settings
from tests.fixtures.azurite import *  # noqa: F401,F403   azurite
from tests.fixtures.pipedrive_sim import *  # noqa: F401,F403  pipedrive_sim
from tests.fixtures.zendesk_sim import *  # noqa: F401,F403  zendesk_sim
from tests.fixtures.webhook import *  # noqa: F401,F403  webhook
