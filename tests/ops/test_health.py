import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.db import OperationalError
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]


def test_healthz_answers_without_a_known_host_or_https(client):
    response = client.get("/healthz", HTTP_HOST="10.0.0.7")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_readyz_reports_database_and_broker(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "eager"}


@pytest.mark.django_db
@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_readyz_is_503_when_the_broker_is_unreachable(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["broker"] == "unavailable"


@pytest.mark.django_db
def test_readyz_is_503_when_migrations_are_pending(client, monkeypatch):
    from django.db.migrations.executor import MigrationExecutor

    monkeypatch.setattr(MigrationExecutor, "migration_plan", lambda self, targets: ["pending"])
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["database"] == "migrations pending"


def test_a_lost_database_gives_503_with_retry_after(rf):
    from config.middleware import DatabaseUnavailableMiddleware

    middleware = DatabaseUnavailableMiddleware(lambda request: None)
    api = middleware.process_exception(rf.get("/api/v1/missions/"), OperationalError("gone"))
    page = middleware.process_exception(rf.get("/search/"), OperationalError("gone"))
    assert (api.status_code, api["Retry-After"]) == (503, "5")
    assert json.loads(api.content)["detail"].startswith("The database is unavailable")
    assert page.status_code == 503
    assert middleware.process_exception(rf.get("/"), ValueError("other")) is None


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.postgres
@pytest.mark.redis
@pytest.mark.slow
@pytest.mark.django_db
def test_entrypoint_migrates_and_serves_against_postgres_and_redis(django_db_setup):
    """The Docker start-up path (bin/entrypoint web), run directly on this machine."""
    from django.db import connection

    from tests.conftest import redis_url

    settings_dict = connection.settings_dict
    database_url = (
        f"postgres://{settings_dict['USER'] or 'postgres'}@{settings_dict['HOST'] or '127.0.0.1'}:"
        f"{settings_dict['PORT'] or 5432}/{settings_dict['NAME']}"
    )
    port = _free_port()
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": redis_url(),
        "SECRET_KEY": "entrypoint-test-" + "x" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "DEBUG": "0",
    }
    process = subprocess.Popen(
        [str(ROOT / "bin" / "entrypoint"), "web"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        body = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=2) as resp:
                    body = json.loads(resp.read())
                    break
            except OSError:
                time.sleep(0.5)
        assert body == {"status": "ok", "database": "ok", "broker": "ok"}, process.stdout.read1()
    finally:
        process.terminate()
        process.wait(timeout=10)
