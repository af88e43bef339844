"""Fixtures of the web tests: the seed bundle imported once per module (rolled back after)."""

import pytest
from django.db import transaction

from tests.conftest import SEED_DIR


@pytest.fixture(scope="module")
def seed_module(django_db_setup, django_db_blocker):
    """Import the seed bundle once for a module's tests; each test still runs in its own
    savepoint, and everything is rolled back when the module is done."""
    from missions.bundle import registry_import

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            registry_import(directory=SEED_DIR)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded_db(seed_module, db):
    """The seed bundle, for a test that uses the database."""
