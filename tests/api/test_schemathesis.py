"""Fuzz every operation of the OpenAPI schema: no 5xx, responses as documented.

The schema is read from the app itself (WSGI, no server), on a small seeded register,
authenticated as a DPO so that writes are tried too. Hypothesis runs derandomized (a
fixed seed) with a bounded number of examples per operation, so runs are repeatable and
short. Each operation is fuzzed with valid and with invalid input, and operations on one
object are also fuzzed against an object that exists.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import CHECKS as REGISTERED_CHECKS

from entities.tokens import token_create
from ropa.wsgi import application
from tests.api.conftest import member
from tests.factories import OrganisationFactory, ThirdPartyFactory, complete_activity

MAX_EXAMPLES = 6
#: Every check schemathesis has (its ``--checks all``).
CHECKS = REGISTERED_CHECKS.get_all()
FUZZ_SETTINGS = settings(
    max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def keep_test_connection():
    """Requests go through the WSGI handler, not Django's test client: keep it from closing
    the connection that holds the test's transaction, as the test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def seeded_register(db, keep_test_connection):

    org = OrganisationFactory(name="Mondago Limited")
    for n in range(1, 4):
        activity = complete_activity(organisation=org, reference=f"PA-{n:03d}")
    activity.joint_controllers.set([ThirdPartyFactory(organisation=org, kind="joint_controller")])
    dpo = member(org, "dpo", "fuzz-dpo")
    _token, secret = token_create(dpo)
    return {"token": secret, "activity": activity, "organisation": org}


def _existing_object(path: str, register) -> dict:
    """Path parameters naming an object that exists, for operations on one object."""
    if "{id}" not in path:
        return {}
    if path.startswith("/api/v1/activities/"):
        return {"id": register["activity"].pk}
    if path.startswith("/api/v1/organisations/"):
        return {"id": register["organisation"].pk}
    return {}


def _fuzz(operation, headers, mode, path_parameters=None):
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @FUZZ_SETTINGS
    @given(case=strategy)
    def run(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        # Nothing to make invalid (an operation without parameters or body).
        assert mode is GenerationMode.NEGATIVE, operation.label


def _operations():
    """The operations of the schema, read once when the tests are collected."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", application)
    return {op.label: op for op in (result.ok() for result in schema.get_all_operations())}


OPERATIONS = _operations()


def test_the_schema_has_every_endpoint():
    paths = {op.path for op in OPERATIONS.values()}
    for path in ("/api/v1/activities/", "/api/v1/activities/{id}/", "/api/v1/organisations/",
                 "/api/v1/recipients/", "/api/v1/lawful-bases/", "/api/v1/data-categories/",
                 "/api/v1/data-subject-categories/", "/api/v1/activities/{id}/lawful-basis/"):
        assert path in paths


@pytest.mark.django_db
@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_operation_answers_without_server_error_and_as_documented(label, seeded_register):
    operation = OPERATIONS[label]
    headers = {"Authorization": f"Token {seeded_register['token']}"}
    _fuzz(operation, headers, GenerationMode.POSITIVE)
    _fuzz(operation, headers, GenerationMode.NEGATIVE)
    existing = _existing_object(operation.path, seeded_register)
    if existing:
        _fuzz(operation, headers, GenerationMode.POSITIVE, existing)
