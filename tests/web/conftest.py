"""Fixtures of the web tests: the seed bundle imported once per module (rolled back after), and
for the browser tests the seed committed and served, with chromium (tests/web/live.py).

The live site is committed data another thread reads, so no test transaction hides it from
the tests that do not use it. It is started before the first test that uses it and taken down
after the last of a run of such tests; the browser tests are moved to the end of the session,
so that it starts once (should a later reordering, --ff say, split them, it starts again:
slower, still correct).
"""

import pytest
from django.db import connection, transaction

from tests.conftest import SEED_DIR
from tests.web.live import LiveSite


@pytest.fixture(scope="module")
def seed_module(django_db_setup, django_db_blocker):
    """Import the seed bundle once for a module's tests; each test still runs in its own
    savepoint, and everything is rolled back when the module is done."""
    from missions.bundle import registry_import
    from missions.search import search_index_refresh

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            registry_import(directory=SEED_DIR)
            # This transaction never commits: do what the commit would do for the search, and
            # drop its callbacks, so that a test's django_capture_on_commit_callbacks sees its own.
            search_index_refresh(mission_ids=None)
            connection.run_on_commit.clear()
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def seeded_db(seed_module, db):
    """The seed bundle, for a test that uses the database."""


LIVE_SITE = pytest.StashKey[LiveSite]()


def _uses_live_site(item) -> bool:
    return "live_site_server" in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    for item in items:
        # pytest-django sets up the test database only for the tests that ask for it: without
        # this a run made only of tests that use the live site (not `db`) would write the
        # seed into the database of the settings, and delete rows there afterwards.
        if _uses_live_site(item) and not item.get_closest_marker("django_db"):
            item.add_marker(pytest.mark.django_db)
    items.sort(key=_uses_live_site)  # stable: the browser tests last, in their order


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    # Before the test's fixtures, so that the seed is committed outside its transaction.
    live = item.config.stash.get(LIVE_SITE, None)
    if live is not None and _uses_live_site(item):
        live.start()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    result = yield
    live = item.config.stash.get(LIVE_SITE, None)
    if live is not None and not (nextitem and _uses_live_site(nextitem)):
        live.stop(final=False)
    return result


@pytest.fixture(scope="session")
def live_site_server(request, django_db_setup, django_db_blocker, django_db_keepdb):
    """The seed committed and served, with chromium; the hooks above start and stop it.

    pytest-django's `live_server` would make every test transactional (a flush of every
    table, migrated vocabularies included, after each test).
    """
    live = LiveSite(django_db_blocker, keepdb=django_db_keepdb)
    live.start()
    request.config.stash[LIVE_SITE] = live
    yield live
    del request.config.stash[LIVE_SITE]
    live.stop(final=True)


@pytest.fixture
def live_site(live_site_server):
    """The address of the server; the test runs in a transaction like a `db` test."""
    return live_site_server.url


@pytest.fixture
def browser(live_site_server):
    """Chromium, shared by the browser tests; it closes before the server stops."""
    return live_site_server.browser


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()
