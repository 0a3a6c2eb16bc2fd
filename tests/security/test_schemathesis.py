"""Schemathesis inside the test run (issue 13, "What to build" 5).

Against a live test server, every operation of the OpenAPI schema is called with a few generated
examples (``EXAMPLES`` per operation and identity, within ``BUDGET_SECONDS``), once with an OSNP's
API token and once with a SAS administrator's: no 5xx, and every answer conforms to the schema
(documented status code, content type and body).
"""

from __future__ import annotations

import time

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from sas_platform.api.tokens import api_token_rotate
from sas_platform.enums import Role
from tests.factories import UserFactory

EXAMPLES = 3
BUDGET_SECONDS = 240
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def tokens(live_server, transactional_db):
    osnp = UserFactory(roles=[Role.OSNP], territories=["13"])
    admin = UserFactory(roles=[Role.ADMIN_SAS], territories=["13"])
    return {"osnp": api_token_rotate(user=osnp).key, "admin_sas": api_token_rotate(user=admin).key}


def _run(operation, base_url: str, token: str, failures: list[str]) -> int:
    calls = 0

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        nonlocal calls
        calls += 1
        try:
            case.call_and_validate(
                base_url=base_url, headers={"Authorization": f"Token {token}"}, checks=CHECKS, timeout=30
            )
        except (Exception, BaseExceptionGroup) as exc:  # every failure collected, reported at once
            lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
            failures.append(f"{operation.label}: {' / '.join(lines[1:6])[:400]}")

    run()
    return calls


def test_every_operation_answers_to_schema(live_server, tokens):
    base_url = live_server.url
    raw = requests.get(f"{base_url}/api/schema/?format=json", timeout=60).json()
    schema = schemathesis.openapi.from_dict(raw)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 40
    failures: list[str] = []
    started, calls, done = time.monotonic(), 0, 0
    for operation in operations:
        if time.monotonic() - started > BUDGET_SECONDS:
            break
        for token in tokens.values():
            calls += _run(operation, base_url, token, failures)
        done += 1
    print(
        f"schemathesis : {done}/{len(operations)} opérations, {calls} appels, {time.monotonic() - started:.0f} s"
    )
    assert done == len(operations), f"budget dépassé : {done}/{len(operations)} opérations testées"
    assert not failures, "\n".join(sorted(set(failures)))
