"""Property-based run of every GET operation of the OpenAPI schema: no 5xx, every response
conforming to the schema."""

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from ilo_plan.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/schema/", application).include(method="GET")


@pytest.fixture(scope="module", autouse=True)
def _keep_the_test_connection_open():
    # Each WSGI call would otherwise close the test's database connection at request end.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def _data(plan, settings_override):
    from ilo_plan import open_data

    open_data.build_national_package()  # the worker's: the export's answers are then files, not 503s
    return plan


@pytest.fixture
def settings_override(settings):
    settings.API_THROTTLE_ANON = "100000/min"


@pytest.mark.slow  # schemathesis: every GET of the schema
@schema.parametrize()
@settings(max_examples=5, deadline=None, suppress_health_check=list(HealthCheck))
@pytest.mark.django_db
def test_api_conforms_to_its_schema(case):
    # Lenient parsing of bad query values (a page_size of "null" falls back to the default) is
    # deliberate, so negative-data checks are left out; a 5xx or an undocumented response is not.
    # The in-process transport does not decompress: ask for the answer uncompressed (a real
    # client's gzip is tested in tests/goals/test_public_site.py).
    case.call_and_validate(
        headers={"Accept-Encoding": "identity"},
        checks=[not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance],
    )
