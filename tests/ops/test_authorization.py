"""Authorization matrix over every route, method and kind of user (research S5).

Every URL name of the project must have an expectation below: a route added without one fails
`test_every_route_has_an_expectation`, so nobody ships an endpoint whose access was not decided.
"""

import pytest
from django.contrib.auth.models import Permission
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

# kind of route -> what it is
#   write: a registry resource; anyone reads, writes need a token with the model permission
#   read:  GET/HEAD for everyone; every write method refused (401 anonymous, else 403 or 405)
#   action: a POST-only write on one object (close a mission, renew a mandate); it needs the
#          model's change permission
#   form:  a public POST endpoint that changes no data (the language switcher)
#   admin: the Django admin (its own login; not in this matrix's API logic)
WRITE_MODELS = {
    "mission": "missions.mission",
    "transition": "missions.transition",
    "appointment": "missions.appointment",
    "person": "missions.person",
    "organization": "missions.organization",
    "document": "missions.document",
    "mandate-area": "mandates.mandatearea",
    "mandate": "mandates.mandate",
}
READ_RESOURCES = ["field-mission", "envoy", "sanctions-panel", "country", "region"]
EXPECTED = {
    **{f"api:{name}-list": "write" for name in WRITE_MODELS},
    **{f"api:{name}-detail": "write" for name in WRITE_MODELS},
    **{f"api:{name}-list": "read" for name in READ_RESOURCES},
    **{f"api:{name}-detail": "read" for name in READ_RESOURCES},
    "api:mission-history": "read",
    "api:mission-close": "action",
    "api:mandate-renew": "action",
    "api:api-root": "read",
    "api:stats-list": "read",
    "api:stats-detail": "read",
    "api:landscape": "read",
    "api:schema": "read",
    "api:docs": "read",
    "api:redoc": "read",
    "missions:home": "read",
    "missions:mission_list": "read",
    "missions:mission_export": "read",
    "missions:mission_detail": "read",
    "missions:country_list": "read",
    "missions:country_detail": "read",
    "reports:trends": "read",
    "reports:trends_csv": "read",
    "reports:landscape": "read",
    "set_language": "form",
}
WRITE_METHODS = ("post", "put", "patch", "delete")


def url_names(patterns=None, namespace=""):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                continue
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_route_has_an_expectation():
    routes = set(url_names())
    assert routes - set(EXPECTED) == set(), "new routes need an expectation in EXPECTED"
    assert set(EXPECTED) - routes == set(), "expectations for routes that no longer exist"


def example_url(name: str, client: APIClient) -> str:
    """Return an address of the route `name` that exists in the seeded registry."""
    if name.startswith("api:") and name.rsplit("-", 1)[-1] in (
        "detail",
        "history",
        "close",
        "renew",
    ):
        resource, action = name.rsplit("-", 1)
        first = client.get(reverse(f"{resource}-list"), {"limit": 1}).json()["results"][0]
        detail = first["url"].split("testserver", 1)[-1]
        return detail if action == "detail" else f"{detail}{action}/"
    kwargs = {
        "api:stats-detail": {"metric": "active_missions"},
        "missions:mission_detail": {"acronym": "UNIPSIL"},
        "missions:country_detail": {"iso3": "SLE"},
        "missions:mission_export": {"fmt": "csv"},
    }.get(name, {})
    return reverse(name, kwargs=kwargs)


def principals(django_user_model):
    """Anonymous, a token without permissions, an editor's token, a superuser's token."""
    plain = django_user_model.objects.create_user("plain", password="pw-plain-1")
    editor = django_user_model.objects.create_user("editor", password="pw-editor-1")
    editor.user_permissions.set(
        Permission.objects.filter(content_type__app_label__in=["missions", "mandates"])
    )
    root = django_user_model.objects.create_superuser("root", password="pw-root-1")
    clients = {"anonymous": APIClient()}
    for label, user in (("no_perms", plain), ("editor", editor), ("superuser", root)):
        client = APIClient()
        client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
        clients[label] = client
    return clients


@pytest.fixture
def clients(seeded, django_user_model):
    from tests.factories import OrganizationFactory

    OrganizationFactory(acronym="AU", name="African Union")  # the seed has no partnerships
    return principals(django_user_model)


def routes_of(kind: str) -> list[str]:
    return sorted(name for name, expected in EXPECTED.items() if expected == kind)


def test_read_routes_answer_everyone_and_refuse_writes(clients):
    failures = []
    for name in routes_of("read"):
        url = example_url(name, clients["anonymous"])
        for label, client in clients.items():
            if client.get(url).status_code != 200:
                failures.append((name, label, "GET"))
            for method in WRITE_METHODS:
                status = getattr(client, method)(url, {}, format="json").status_code
                allowed = (
                    (401, 405) if label == "anonymous" and url.startswith("/api/") else (403, 405)
                )
                if status not in allowed:
                    failures.append((name, label, method, status))
    assert failures == []


def test_write_routes_need_a_token_with_the_model_permission(clients):
    failures = []

    def expect(name, label, method, status, allowed):
        if status not in allowed:
            failures.append((name, label, method, status))

    for name in routes_of("write"):
        url = example_url(name, clients["anonymous"])
        for label, client in clients.items():
            expect(name, label, "get", client.get(url).status_code, (200,))
        for method in WRITE_METHODS:
            if name.endswith("-list") and method in ("put", "patch", "delete"):
                status = clients["superuser"].generic(method.upper(), url).status_code
                expect(name, "superuser", method, status, (405,))
                continue
            if name.endswith("-detail") and method == "post":
                status = clients["superuser"].post(url, {}, format="json").status_code
                expect(name, "superuser", method, status, (405,))
                continue
            call = {label: getattr(client, method) for label, client in clients.items()}
            expect(
                name,
                "anonymous",
                method,
                call["anonymous"](url, {}, format="json").status_code,
                (401,),
            )
            expect(
                name,
                "no_perms",
                method,
                call["no_perms"](url, {}, format="json").status_code,
                (403,),
            )
            if method == "delete":
                continue  # deleting seed rows here would only test cascades; see tests/api
            # With the permission the request reaches validation: an empty body is 400, not 403.
            expect(
                name,
                "editor",
                method,
                call["editor"](url, {}, format="json").status_code,
                (200, 400),
            )
    assert failures == []


def test_actions_need_a_token_with_the_change_permission(clients):
    failures = []
    for name in routes_of("action"):
        url = example_url(name, clients["anonymous"])
        expected = {
            "anonymous": (401,),
            "no_perms": (403,),
            "editor": (400, 428),
            "superuser": (400, 428),
        }
        for label, client in clients.items():
            status = client.post(url, {}, format="json").status_code
            if status not in expected[label]:
                failures.append((name, label, "post", status))
            if client.get(url).status_code not in (401, 405):
                failures.append((name, label, "get"))
    assert failures == []


def test_language_switcher_posts_for_everyone_and_changes_no_data(client):
    response = client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    assert response.status_code == 302
    assert client.get(reverse("set_language")).status_code in (302, 405)


@pytest.mark.parametrize(
    "url", ["/admin/", "/admin/missions/mission/", "/admin/missions/mission/add/"]
)
def test_admin_is_closed_to_anonymous_and_unprivileged_users(client, charlie, url):
    assert client.get(url).status_code == 302
    client.force_login(charlie)  # not staff
    assert client.get(url).status_code == 302
