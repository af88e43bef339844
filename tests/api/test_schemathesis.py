"""Schemathesis over the whole OpenAPI schema, in-process through WSGI: no 5xx, every response
conforms to the schema (status codes, content types, headers, bodies). A bounded number of
examples per operation keeps it well under a minute."""

import pytest
from hypothesis import HealthCheck, given, settings

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES_PER_OPERATION = 6


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_headers_conformance,
        response_schema_conformance,
    ]


@pytest.fixture
def keep_test_connection():
    """Keep the test's transaction open across WSGI requests, as Django's test client does."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


STATISTICS = ("/api/v1/stats", "/api/v1/landscape")


@pytest.mark.parametrize("part", ["registry", "statistics"])
def test_every_operation_conforms_to_the_schema(seeded, alice, keep_test_connection, part):
    """Reads run anonymously (as most clients do); writes run with a superuser's token."""
    import schemathesis
    from rest_framework.authtoken.models import Token
    from werkzeug.test import Client

    from config.wsgi import application

    token = {"Authorization": f"Token {Token.objects.create(user=alice).key}"}
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    checks = _checks()
    operations = [result.ok() for result in schema.get_all_operations()]
    api_operations = [
        op
        for op in operations
        if op.path.startswith("/api/v1/")
        and op.path.startswith(STATISTICS) == (part == "statistics")
    ]
    assert len(api_operations) >= (30 if part == "registry" else 1)

    client = Client(application)  # through WSGI, like schemathesis, so the connection stays
    for operation in api_operations:
        headers = {} if operation.method.upper() == "GET" else token
        strategies = [operation.as_strategy()]
        if "{id}" in operation.path:
            # Random ids mostly miss: also exercise a row that exists.
            listing = client.get(operation.path.split("{id}")[0] + "?limit=1").json
            if listing.get("results"):
                first = listing["results"][0]["id"]
                strategies.append(operation.as_strategy(path_parameters={"id": first}))
        for strategy in strategies:
            _explore(strategy, headers, checks)


def _explore(strategy, headers: dict, checks: list) -> None:
    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        case.call_and_validate(headers=headers, checks=checks)

    run()
