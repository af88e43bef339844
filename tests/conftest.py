"""Shared fixtures: a fixed cast of users, an API client, and service guards.

Tests that need PostgreSQL, Redis or chromium are marked `postgres`, `redis` or `browser`.
Where the service is absent they skip with the reason; with SPM_REQUIRE_SERVICES=1 (set by
.ci/run, where everything is provided) the same absence fails the test instead.
"""

import os
import shutil
import socket
from pathlib import Path

import pytest

SEED_DIR = Path(__file__).resolve().parent.parent / "seed"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _require(reason: str) -> None:
    if os.environ.get("SPM_REQUIRE_SERVICES") == "1":
        pytest.fail(f"{reason} (SPM_REQUIRE_SERVICES=1: CI must provide it)")
    pytest.skip(reason)


def redis_url() -> str:
    return os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


def _reachable(url: str) -> bool:
    from urllib.parse import urlparse

    parts = urlparse(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def pytest_runtest_setup(item):
    from django.db import connection

    if item.get_closest_marker("postgres") and connection.vendor != "postgresql":
        _require("needs PostgreSQL: set DATABASE_URL=postgres://...")
    if item.get_closest_marker("redis") and not _reachable(redis_url()):
        _require(f"needs a Redis broker at {redis_url()}")
    if item.get_closest_marker("browser"):
        try:
            import playwright  # noqa: F401
        except ImportError:
            _require("needs Playwright for Python (pip install playwright)")
        if not (os.path.exists(CHROMIUM) or shutil.which("chromium")):
            _require(f"needs Debian's chromium at {CHROMIUM} (apt-get install chromium)")


@pytest.fixture(autouse=True)
def _test_settings(settings):
    """Serve static files by their plain names (no collectstatic) and hash passwords fast."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# -- users ------------------------------------------------------------------------------------


@pytest.fixture
def alice(django_user_model):
    """Alice, a superuser."""
    return django_user_model.objects.create_superuser("alice", "alice@example.org", "pw-alice-1")


@pytest.fixture
def bob(django_user_model):
    """Bob, an editor: may add and change registry data."""
    from django.contrib.auth.models import Permission

    user = django_user_model.objects.create_user("bob", "bob@example.org", "pw-bob-1")
    user.is_staff = True
    user.save()
    perms = Permission.objects.filter(
        content_type__app_label__in=["missions", "mandates"],
        codename__regex=r"^(add|change|view)_",
    )
    user.user_permissions.set(perms)
    return user


@pytest.fixture
def charlie(django_user_model):
    """Charlie, a reader with an account and no permissions."""
    return django_user_model.objects.create_user("charlie", "charlie@example.org", "pw-charlie-1")


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


# -- data -------------------------------------------------------------------------------------


@pytest.fixture
def seeded(db):
    """The shipped seed bundle, imported."""
    from missions.bundle import registry_import

    registry_import(directory=SEED_DIR)
