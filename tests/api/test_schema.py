import pytest
import yaml
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def test_schema_validates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    schema = yaml.safe_load(out.read_text())
    paths = schema["paths"]
    for path in ("/api/v1/activities/", "/api/v1/activities/{id}/lawful-basis/",
                 "/api/v1/activities/{id}/submit/", "/api/v1/organisations/",
                 "/api/v1/recipients/", "/api/v1/lawful-bases/", "/api/v1/data-categories/",
                 "/api/v1/data-subject-categories/"):
        assert path in paths, path
    assert "delete" not in paths["/api/v1/activities/{id}/"]
    submit = paths["/api/v1/activities/{id}/submit/"]["post"]
    assert {"400", "403", "404", "412"} <= set(submit["responses"])
    assert any(p["name"] == "If-Match" for p in submit["parameters"])
    assert "ErrorResponse" in schema["components"]["schemas"]


def test_schema_and_docs_are_served(dpo_client):
    assert dpo_client.get("/api/v1/schema/").status_code == 200
    response = APIClient().get("/api/v1/docs/")
    assert response.status_code in (200, 401)
    assert dpo_client.get("/api/v1/docs/").status_code == 200
