"""Shared fixtures: a fixed cast of users, an API client, and service guards.

Tests that need PostgreSQL, Redis or chromium are marked `postgres`, `redis` or `browser`.
Where the service is absent they skip with the reason; with SPM_REQUIRE_SERVICES=1 (set by
.ci/run, where everything is provided) the same absence fails the test instead.
"""

import importlib
import os
import shutil
import socket
from pathlib import Path

import pytest
from django.db.models.signals import post_migrate

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


def _reload_vocabularies(sender, **kwargs) -> None:
    """Put back what data migrations load (clusters, regions, countries, roles) after a flush.

    A transactional test ends with a flush of every table; Django then sends post_migrate, as it
    does to recreate content types and permissions. "reports" is the last app installed, so by
    its signal every permission the roles need exists.
    """
    if sender.label != "reports":
        return
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    importlib.import_module("missions.migrations.0002_reference_vocabularies").load(apps, None)
    roles = importlib.import_module("missions.migrations.0003_roles")
    for name, actions in roles.ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(Permission.objects.filter(
            content_type__app_label__in=roles.REGISTRY_APPS,
            codename__regex=rf"^({'|'.join(actions)})_",
        ))


post_migrate.connect(_reload_vocabularies, dispatch_uid="tests-reload-vocabularies")


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
