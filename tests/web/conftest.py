"""Fixtures of the web tests: the seed bundle imported once per module (rolled back after)."""

import pytest
from django.db import connection, transaction

from tests.conftest import SEED_DIR


@pytest.fixture(scope="module")
def seed_module(django_db_setup, django_db_blocker):
    """Import the seed bundle once for a module's tests; each test still runs in its own
    savepoint, and everything is rolled back when the module is done."""
    from missions.bundle import registry_import
    from missions.search import search_document_refresh

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            registry_import(directory=SEED_DIR)
            # This transaction never commits: do what the commit would do for the search, and
            # drop its callbacks, so that a test's django_capture_on_commit_callbacks sees its own.
            search_document_refresh(mission_ids=None)
            connection.run_on_commit.clear()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded_db(seed_module, db):
    """The seed bundle, for a test that uses the database."""


def _max_pks(models) -> dict:
    from django.db.models import Max

    return {model: model.objects.aggregate(top=Max("pk"))["top"] or 0 for model in models}


@pytest.fixture(scope="module")
def live_site(django_db_setup, django_db_blocker):
    """Serve the app on a local port with the seed bundle committed, for a browser.

    pytest-django's `live_server` would make every test transactional (a flush of every
    table, migrated vocabularies included, after each test). Instead the seed is committed
    once for the module and the rows it created are deleted afterwards.
    """
    from django.apps import apps
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connection, connections
    from django.test.testcases import LiveServerThread
    from django.test.utils import override_settings

    from missions.bundle import registry_import

    integer_pk = [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")
    ]
    with django_db_blocker.unblock():
        before = _max_pks(integer_pk)
        registry_import(directory=SEED_DIR)
        overrides = {}
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            # An in-memory database lives in one connection: the server thread shares it.
            overrides = {connection.alias: connections[connection.alias]}
            connection.inc_thread_sharing()
        settings = override_settings(ALLOWED_HOSTS=["127.0.0.1", "localhost"])
        settings.enable()
        thread = LiveServerThread("127.0.0.1", StaticFilesHandler, overrides)
        thread.daemon = True
        thread.start()
        thread.is_ready.wait()
        if thread.error:
            raise thread.error
        try:
            yield f"http://127.0.0.1:{thread.port}"
        finally:
            thread.terminate()
            if overrides:
                connection.dec_thread_sharing()
            settings.disable()
            # Foreign keys are deferred to the commit, so the order of the deletes is free.
            with transaction.atomic():
                with connection.cursor() as cursor:
                    for model in integer_pk:
                        cursor.execute(
                            f"DELETE FROM {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608
                            f"WHERE {connection.ops.quote_name(model._meta.pk.column)} > %s",
                            [before[model]],
                        )
