"""Failure tests: the database going away under a running web process."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.ops.proxy import TcpProxy

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def _wait_for(url: str, status: int, seconds: float = 30) -> tuple[int, dict, bytes]:
    deadline = time.monotonic() + seconds
    result = (0, {}, b"")
    while time.monotonic() < deadline:
        try:
            result = _get(url)
        except OSError:
            result = (0, {}, b"")
        if result[0] == status:
            return result
        time.sleep(0.3)
    return result


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.django_db
def test_database_restart_gives_503_then_recovers_without_restarting_the_web_process():
    from django.db import connection

    params = connection.settings_dict
    proxy = TcpProxy((params["HOST"] or "127.0.0.1", int(params["PORT"] or 5432))).start()
    port = _free_port()
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "DATABASE_URL": f"postgres://{params['USER'] or 'postgres'}@127.0.0.1:{proxy.port}/"
        f"{params['NAME']}",
        "SECRET_KEY": "failure-test-" + "y" * 50,
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "MIGRATE_ON_START": "0",
        "BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "DB_CONN_MAX_AGE": "60",
    }
    env.pop("CELERY_BROKER_URL", None)
    web = subprocess.Popen([str(ROOT / "bin" / "entrypoint"), "web"], cwd=ROOT, env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        status, _, body = _wait_for(f"{base}/api/v1/regions/", 200)
        assert status == 200, body
        proxy.cut()
        status, headers, body = _wait_for(f"{base}/api/v1/regions/", 503, seconds=15)
        assert status == 503, body
        assert headers.get("Retry-After") == "5"
        assert "database is unavailable" in json.loads(body)["detail"]
        assert _get(f"{base}/readyz")[0] == 503
        proxy.start()
        status, _, body = _wait_for(f"{base}/api/v1/regions/", 200, seconds=15)
        assert status == 200, body
        assert web.poll() is None, "the web process restarted"
    finally:
        web.terminate()
        web.wait(timeout=10)
        proxy.cut()
