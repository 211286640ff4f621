"""The 403, 404 and 500 pages are the workspace's, under the product's name, with a way
back to the worklist; the 500 page renders with no request at all."""

import pytest
from django.template import loader
from django.test import override_settings
from django.urls import reverse

from tests.factories import UserFactory

WORKLIST = reverse("admin:index")


def assert_workspace_page(response, status, heading):
    assert response.status_code == status
    content = response.content.decode()
    assert "ROPA register" in content and heading in content
    assert f'href="{WORKLIST}"' in content
    assert "unfold/css/styles.css" in content and "--color-primary-600:" in content
    return content


@pytest.mark.django_db
def test_a_missing_page_is_the_workspaces_404(client, dpo_a):
    client.force_login(dpo_a)
    response = client.get("/admin/processing/processingactivity/999999/change/")
    assert_workspace_page(response, 404, "404 · Nothing here")
    anonymous = client.__class__().get("/no-such-page/")
    content = assert_workspace_page(anonymous, 404, "404 · Nothing here")
    assert "/no-such-page/" in content


@pytest.mark.django_db
def test_the_api_keeps_its_json_404(client):
    response = client.get("/api/v1/no-such-endpoint/")
    assert response.status_code == 404 and response.json()["errors"][0]["code"] == "not_found"


@pytest.mark.django_db
def test_a_page_the_role_does_not_allow_is_the_workspaces_403(client):
    # Staff, but a member of no register: the dashboard is refused.
    client.force_login(UserFactory(username="nobody"))
    response = client.get(reverse("admin:processing_processingactivity_dashboard"))
    assert_workspace_page(response, 403, "403 · You may not open this page")


@pytest.mark.django_db
@override_settings(ROOT_URLCONF="tests.admin.error_urls")
def test_a_failing_page_is_the_workspaces_500(client):
    client.raise_request_exception = False
    response = client.get("/failing/")
    assert_workspace_page(response, 500, "500 · Something went wrong on our side")


def test_the_500_page_renders_without_a_request_or_a_context():
    html = loader.get_template("500.html").render()
    assert "ROPA register" in html and "500 · Something went wrong" in html


@pytest.mark.django_db
def test_an_error_page_that_cannot_be_drawn_is_a_plain_one_with_the_same_status(
        client, settings, tmp_path):
    # Production's static files, never collected: the theme's stylesheet has no entry in
    # the manifest, so the workspace's page cannot be drawn.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES, "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}}
    response = client.get("/no-such-page/")
    assert response.status_code == 404 and response.content == b"<h1>Not Found</h1>"
    with override_settings(ROOT_URLCONF="tests.admin.error_urls"):
        client.raise_request_exception = False
        assert client.get("/failing/").status_code == 500
