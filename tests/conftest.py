"""Shared fixtures: isolated environment, the fake Messages API and the real CLI."""

from tests.fakes.cli_env import cli_env, fake_api  # noqa: F401  (fixtures)
from tests.store.pg_server import pg  # noqa: F401  (fixture: a throwaway PostgreSQL server)
