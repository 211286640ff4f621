import io
import json

import openpyxl
import pytest
from rest_framework.test import APIClient

from entities.models import Membership
from entities.tokens import token_create
from processing.exports.registry import LAYOUTS
from tests.exports.conftest import build_rich_register
from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def two_registers(db):
    return build_rich_register("Mondago Limited"), build_rich_register("Other Company Ltd")


@pytest.fixture
def auditor(two_registers):
    user = UserFactory(username="auditor", is_staff=False)
    Membership.objects.create(user=user, organisation=two_registers[0], role="auditor")
    return user


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_auditor_exports_only_its_organisations(auditor, two_registers):
    response = client_for(auditor).get("/api/v1/export/", {"format": "workbook"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="register-workbook-' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert [r[0] for r in book["Organisations"].iter_rows(min_row=2, values_only=True)] == [
        "Mondago Limited"]

    other = two_registers[1]
    response = client_for(auditor).get("/api/v1/export/", {"format": "json", "organisation": other.pk})
    assert response.status_code == 404


def test_token_authentication_and_as_of(auditor):
    _token, secret = token_create(auditor)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    response = client.get("/api/v1/export/", {"format": "json", "as_of": "2000-01-01"})
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["as_of"] == "2000-01-01"
    assert document["sheets"]["Activities"] == []


@pytest.mark.parametrize(("params", "parameter"), [
    ({"format": "xls"}, "format"),
    ({}, "format"),
    ({"format": "ico-xlsx", "as_of": "31/12/2024"}, "as_of"),
    ({"format": "ico-xlsx", "organisation": "abc"}, "organisation"),
    ({"format": "ico-xlsx", "status": "archived"}, "status"),
])
def test_bad_parameters_answer_400_naming_the_parameter(auditor, params, parameter):
    response = client_for(auditor).get("/api/v1/export/", params)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert response.json()["detail"]


def test_anonymous_is_refused(db):
    OrganisationFactory()
    assert APIClient().get("/api/v1/export/", {"format": "pdf"}).status_code in (401, 403)


def test_session_authentication_and_every_format(auditor):
    from processing.exports.registry import FORMATS, LAYOUTS

    client = APIClient()
    client.force_login(auditor)
    for fmt in FORMATS:
        response = client.get("/api/v1/export/", {"format": fmt})
        assert response.status_code == 200, fmt
        assert response["Content-Type"] == LAYOUTS[fmt].content_type
        assert len(response.content) > 100


def test_schema_documents_the_export(db):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    operation = schema["paths"]["/api/v1/export/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}
    assert sorted(parameters["format"]["schema"]["enum"]) == sorted([
        "ico-xlsx", "cnil-xlsx", "workbook", "csv", "ods", "json", "jsonld", "pdf"])
    assert parameters["format"]["required"] is True
    # A day or an instant: a string the description explains.
    assert parameters["as_of"]["schema"] == {"anyOf": [{"type": "string", "format": "date"},
                                                       {"type": "string", "format": "date-time"}]}
    assert "YYYY-MM-DD" in parameters["as_of"]["description"]
    assert "ISO 8601 date-time" in parameters["as_of"]["description"]
    # Each format's own content type, as the answer carries it.
    content = operation["responses"]["200"]["content"]
    assert set(content) == {layout.content_type for layout in LAYOUTS.values()}
    assert {"application/zip", "application/pdf", "application/ld+json"} <= set(content)
    for content_type, spec in content.items():
        assert spec["schema"] == ({"type": "object", "additionalProperties": {}}
                                  if content_type.endswith("json")
                                  else {"type": "string", "format": "binary"}), content_type
