"""The JSON API answers what its OpenAPI description promises, with no server error
(schemathesis generates the requests; a few examples per operation keep it quick)."""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings

EXAMPLES_PER_OPERATION = 6


def test_api_matches_its_openapi_schema(readonly_server):
    schema = schemathesis.openapi.from_url(readonly_server.url + "/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    labels = {op.label for op in operations}
    assert {
        "GET /api/events",
        "GET /api/events/{event_id}",
        "GET /api/network",
        "GET /api/map",
        "POST /api/ingest",
    } <= labels
    calls = []
    for op in operations:

        @given(case=op.as_strategy())
        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            response = case.call()
            calls.append(response.status_code)
            assert response.status_code < 500, (case.method, case.path, response.text[:300])
            case.validate_response(response)  # status documented, body matches its schema

        check()
    assert len(calls) >= len(operations)
    assert 403 in calls  # the read-only server refused the generated uploads
