"""Security settings pinned down (research/reliability-performance.md S1-S4, S12)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "registry.example.org",
    "DATABASE_URL": "sqlite:///:memory:",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"SECRET_KEY", "ALLOWED_HOSTS", "DEBUG", "SECURE_SSL_REDIRECT"}}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
        capture_output=True, text=True, timeout=120,
    )


def test_deploy_checks_pass_with_production_settings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set"),
        ({"SECRET_KEY": "short-key"}, "SECRET_KEY is too weak"),
        ({"SECRET_KEY": "django-insecure-" + "x" * 60}, "SECRET_KEY is too weak"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must name"),
    ],
)
def test_production_refuses_to_start_without_a_strong_key_and_hosts(overrides, message):
    result = manage("check", **{**PRODUCTION_ENV, **overrides})
    assert result.returncode != 0
    assert message in result.stderr


PAGES = ["/", "/search/?q=x", "/api/v1/missions/", "/api/v1/schema/", "/admin/login/", "/healthz"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES[:-1])
def test_security_headers_on_pages_and_api(client, url):
    response = client.get(url, secure=True)
    assert response.status_code == 200, url
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]
    policy = response["Content-Security-Policy"]
    for directive in ("object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                      "default-src 'self'"):
        assert directive in policy
    assert "'unsafe-inline'" not in policy.split("script-src", 1)[1].split(";")[0]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    content_type = response["Content-Type"].lower()
    # JSON is UTF-8 by definition (RFC 8259) and takes no charset; HTML must name it.
    assert "charset=utf-8" in content_type or content_type.startswith(
        ("application/json", "application/vnd.oai.openapi")
    )


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure(client, alice):
    page = client.get("/admin/login/", secure=True)
    csrf = page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"
    client.post("/admin/login/?next=/admin/",
                {"username": "alice", "password": "pw-alice-1",
                 "csrfmiddlewaretoken": page.context["csrf_token"]}, secure=True)
    session = client.cookies["sessionid"]
    assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_pages_redirect_to_https_but_the_api_answers(client):
    assert client.get("/admin/login/").status_code == 301
    assert client.get("/api/v1/missions/").status_code == 200


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_admin_login_locks_after_five_failures_for_that_name_and_address(client, alice):
    from rest_framework.authtoken.models import Token

    def attempt(username, password, ip="203.0.113.5"):
        return client.post("/admin/login/?next=/admin/",
                           {"username": username, "password": password}, REMOTE_ADDR=ip)

    for _ in range(4):
        response = attempt("alice", "wrong")
        assert response.status_code == 200
        assert "correct username and password" in response.content.decode()
    locked = attempt("alice", "wrong")
    assert locked.status_code == 429
    assert b"locked" in locked.content.lower()
    # Locked: even the right password is refused from that address...
    assert attempt("alice", "pw-alice-1").status_code == 429
    # ...but not from another address, nor for another name, nor through an API token.
    assert attempt("alice", "pw-alice-1", ip="198.51.100.9").status_code == 302
    token = Token.objects.create(user=alice)
    client.logout()
    response = client.get("/api/v1/missions/", HTTP_AUTHORIZATION=f"Token {token.key}",
                          REMOTE_ADDR="203.0.113.5")
    assert response.status_code == 200


@pytest.mark.django_db
@override_settings(AXES_ENABLED=True)
def test_a_forged_forwarded_for_header_does_not_dodge_the_lockout(client, alice):
    for n in range(5):
        response = client.post("/admin/login/?next=/admin/",
                               {"username": "alice", "password": "wrong"},
                               REMOTE_ADDR="203.0.113.5", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert response.status_code == 429
