"""Schemathesis over the whole OpenAPI document (issue 14, kept test): every operation of ``/api/openapi.json`` is
called with generated requests, through the WSGI application, as a city administrator and as a ward reporter.
Any 5xx or a response outside its documented schema fails. Bounded to fit the suite (a few examples per
operation, a time budget per role); the longer run is in docs/TESTING.md."""

from __future__ import annotations

import os
import time

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings as hypothesis_settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from dieuhanh.accounts.services import token_create

EXAMPLES = int(os.environ.get("DIEUHANH_SCHEMATHESIS_EXAMPLES", "2"))
BUDGET_SECONDS = float(os.environ.get("DIEUHANH_SCHEMATHESIS_SECONDS", "28"))


@pytest.fixture
def wsgi_app():
    """The real WSGI application, kept on the test's database connection (as Django's test client does)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield get_wsgi_application()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.parametrize(("username", "unit", "role"), [("admin", "79", "administrator"), ("canbo.benthanh", "26743", "reporter")])
def test_no_operation_answers_a_5xx_or_outside_its_schema(plan, make_user, wsgi_app, username, unit, role):
    user = make_user(username, unit, role)
    _, secret = token_create(actor=user, user=user, name="schemathesis")
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    headers = {"Authorization": f"Bearer {secret}"}
    failures, stop_at, ran = [], time.monotonic() + BUDGET_SECONDS, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if time.monotonic() > stop_at:
            break

        @given(case=operation.as_strategy())
        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, phases=[Phase.explicit, Phase.generate],
                             suppress_health_check=list(HealthCheck))
        def call(case):
            case.validate_response(case.call(headers=headers), checks=[not_a_server_error, response_schema_conformance])

        try:
            call()
        except Exception as exc:
            failures.append(f"{operation.label}: {str(exc)[:600]}")
        ran += 1
    assert ran >= 20, f"only {ran} operations within the budget"
    assert not failures, "\n\n".join(failures)
