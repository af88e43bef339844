"""Schemathesis over the whole OpenAPI schema, in-process through WSGI: no 5xx, every response
conforms to the schema (status codes, content types, headers, bodies). A bounded number of
examples per operation keeps it well under a minute."""

import pytest
from hypothesis import HealthCheck, given, settings

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

EXAMPLES_PER_OPERATION = 8


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


@pytest.mark.parametrize("who", ["anonymous", "superuser"])
def test_every_operation_conforms_to_the_schema(seeded, alice, who):
    import schemathesis
    from rest_framework.authtoken.models import Token

    from config.wsgi import application

    headers = {}
    if who == "superuser":
        headers["Authorization"] = f"Token {Token.objects.create(user=alice).key}"
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    checks = _checks()
    operations = [result.ok() for result in schema.get_all_operations()]
    api_operations = [op for op in operations if op.path.startswith("/api/v1/")]
    api_operations = [
        op
        for op in api_operations
        if not op.path.startswith(("/api/v1/stats", "/api/v1/landscape"))
    ]
    assert len(api_operations) >= 30

    for operation in api_operations:
        if who == "anonymous" and operation.method.upper() != "GET":
            continue

        @given(case=operation.as_strategy())
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
