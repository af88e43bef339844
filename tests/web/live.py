"""The live site of the browser tests: the seed committed, served on a local port, in chromium.

It stays up while consecutive tests use it and is taken down (server stopped, committed rows
deleted) before any test that does not: see the hooks in conftest.py.
"""

import os

from django.conf import settings
from django.core.servers.basehttp import ThreadedWSGIServer
from django.db import connection, connections, transaction
from django.test.testcases import LiveServerThread

from tests.conftest import CHROMIUM, SEED_DIR

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
# Read when conftest.py is collected, before pytest-django points the connections at the test
# databases: the databases named by the settings (DATABASE_URL), never to be written to here.
CONFIGURED_NAMES = {alias: config["NAME"] for alias, config in settings.DATABASES.items()}


def require_test_database() -> None:
    """Refuse to go on unless the default connection points at the test database.

    pytest-django creates the test databases only for the aliases its collected tests ask
    for (the `db` fixture or the django_db marker); a run made only of tests without them
    would leave the connection on the database of the settings.
    """
    name = connection.settings_dict["NAME"]
    if str(name) == str(CONFIGURED_NAMES[connection.alias]):
        raise RuntimeError(
            f"the live site would write to {name!r}, the database of the settings, not a test "
            "database: its tests must carry the django_db marker (conftest.py adds it)"
        )


def _integer_pk_models() -> list:
    from django.apps import apps

    return [
        model
        for model in apps.get_models(include_auto_created=True)
        if model._meta.pk.get_internal_type() in ("AutoField", "BigAutoField")
    ]


class CommittedRows:
    """The rows committed from now on, told apart by their integer primary keys."""

    def __init__(self):
        from django.db.models import Max

        self.models = _integer_pk_models()
        self.before = {m: m.objects.aggregate(top=Max("pk"))["top"] or 0 for m in self.models}

    def delete(self) -> None:
        """Delete them, and every statistics snapshot (derived data a write may have refreshed,
        recomputed by the next read). Rows updated meanwhile are not put back."""
        from reports.models import StatisticSnapshot

        quote = connection.ops.quote_name
        # Foreign keys are deferred to the commit, so the order of the deletes is free.
        with transaction.atomic(), connection.cursor() as cursor:
            for model in self.models:
                cursor.execute(
                    f"DELETE FROM {quote(model._meta.db_table)} "  # noqa: S608
                    f"WHERE {quote(model._meta.pk.column)} > %s",
                    [self.before[model]],
                )
            StatisticSnapshot.objects.all().delete()


class _JoiningServer(ThreadedWSGIServer):
    # Non-daemon request threads are joined by server_close(): each closes its database
    # connection on the way out, so none is left open when the test database is dropped.
    daemon_threads = False
    block_on_close = True


class _ServerThread(LiveServerThread):
    server_class = _JoiningServer


class LiveSite:
    """The seed committed and served on a local port, with chromium; start() and stop() it."""

    def __init__(self, django_db_blocker, keepdb: bool):
        self.blocker = django_db_blocker
        self.keepdb = keepdb
        self.url = None
        self._rows = self._thread = self._playwright = self._browser = None
        self._shared = False

    def start(self) -> str:
        """Commit the seed and serve it (if not yet done); return the server's address."""
        if self.url:
            return self.url
        from django.test.utils import override_settings

        from missions.bundle import registry_import

        with self.blocker.unblock():
            require_test_database()
            self._rows = CommittedRows()
            registry_import(directory=SEED_DIR)
            overrides = {}
            if connection.vendor == "sqlite" and connection.is_in_memory_db():
                # An in-memory database lives in one connection: the server thread shares it.
                overrides = {connection.alias: connections[connection.alias]}
                connection.inc_thread_sharing()
                self._shared = True
            self._settings = override_settings(ALLOWED_HOSTS=["127.0.0.1", "localhost"])
            self._settings.enable()
            from django.contrib.staticfiles.handlers import StaticFilesHandler

            self._thread = _ServerThread("127.0.0.1", StaticFilesHandler, overrides)
            self._thread.start()
            self._thread.is_ready.wait()
            if self._thread.error:
                self.stop(final=False)
                raise self._thread.error
        try:
            self._launch_browser()
        except Exception:
            self.stop(final=False)
            raise
        self.url = f"http://127.0.0.1:{self._thread.port}"
        return self.url

    @property
    def browser(self):
        return self._browser

    def _launch_browser(self) -> None:
        # Launched here, before any test's transaction: while Playwright's loop runs, Django
        # keeps this thread's connections apart from those opened before (asgiref's Local),
        # so a transaction begun before the launch could not be rolled back after it.
        from playwright.sync_api import sync_playwright

        # Playwright's sync API runs an event loop in this thread while the ORM calls here stay
        # synchronous; unset in stop() (a leaked value fails `check --deploy`).
        self._playwright = sync_playwright().start()
        self._previous_unsafe = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        self._browser = self._playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)

    def _close_browser(self) -> None:
        if self._playwright is None:
            return
        if self._browser is not None:
            self._browser.close()
        connections.close_all()  # those the ORM opened while the loop ran (see above)
        self._playwright.stop()
        self._playwright = self._browser = None
        if self._previous_unsafe is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = self._previous_unsafe

    def stop(self, *, final: bool) -> None:
        """Close chromium, stop the server and delete the committed rows.

        `final`: the test database is about to be destroyed (unless kept with --reuse-db),
        so deleting the rows first would only cost time.
        """
        self.url = None
        self._close_browser()  # first: no request thread waits on a connection it keeps open
        if self._thread is not None:
            self._thread.terminate()
            self._thread = None
            self._settings.disable()
        if self._shared:
            connection.dec_thread_sharing()
            self._shared = False
        if self._rows is not None:
            rows, self._rows = self._rows, None
            if not final or self.keepdb:
                with self.blocker.unblock():
                    rows.delete()
