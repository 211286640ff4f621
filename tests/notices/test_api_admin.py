"""The notice through the API (members only; 404 for anyone else, as for a missing
organisation) and through the admin (the organisation's button, the versions, a diff)."""

import pytest
from rest_framework.test import APIClient

from entities.models import Membership
from notices.models import NoticeSettings, PrivacyNotice
from notices.services import generate_notice
from processing import services
from processing.models import ProcessingActivity
from tests.exports.conftest import build_rich_register
from tests.factories import UserFactory

from .helpers import text_of

URL = "/api/v1/organisations/{}/privacy-notice/"


@pytest.fixture
def organisation(db):
    return build_rich_register()


@pytest.fixture
def member(organisation):
    user = UserFactory(username="auditor")
    Membership.objects.create(user=user, organisation=organisation, role="auditor")
    return user


@pytest.fixture
def dpo(organisation):
    user = UserFactory(username="dpo")
    Membership.objects.create(user=user, organisation=organisation, role="dpo")
    return user


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.mark.parametrize(("fmt", "content_type"), [
    ("html", "text/html"), ("md", "text/markdown"), ("pdf", "application/pdf")])
def test_a_member_gets_the_notice_in_each_format(member, organisation, fmt, content_type):
    response = client_for(member).get(URL.format(organisation.pk), {"format": fmt})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert response["X-Notice-Version"] == "1"
    text = text_of(response.content, fmt)
    assert "JointmarketingwithAkixi" in text and "Oldpayroll" not in text
    assert PrivacyNotice.objects.get().created_by == member


def test_anyone_else_is_told_it_does_not_exist(member, organisation):
    other = build_rich_register("Other Company Ltd")
    client = client_for(member)
    foreign = client.get(URL.format(other.pk), {"format": "md"})
    missing = client.get(URL.format(other.pk + 1000), {"format": "md"})
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json()
    assert APIClient().get(URL.format(organisation.pk), {"format": "md"}).status_code in (401, 403)
    assert not PrivacyNotice.objects.exists()


@pytest.mark.parametrize(("params", "parameter", "named"), [
    ({"format": "docx"}, "format", "'docx'"),
    ({}, "format", "html, md, pdf"),
    ({"format": "md", "as_of": "last tuesday"}, "as_of", "last tuesday"),
])
def test_a_bad_parameter_is_named(member, organisation, params, parameter, named):
    response = client_for(member).get(URL.format(organisation.pk), params)
    assert response.status_code == 400
    assert response.json()["parameter"] == parameter
    assert named in response.json()["detail"]
    assert not PrivacyNotice.objects.exists()


def test_the_organisation_page_has_the_button(client, dpo, organisation):
    client.force_login(dpo)
    page = client.get(f"/admin/entities/organisation/{organisation.pk}/change/")
    assert page.status_code == 200
    generate = f"/admin/notices/privacynotice/generate/{organisation.pk}/html/"
    assert generate.encode() in page.content
    made = client.get(generate + "?then=versions")
    assert made.status_code == 302
    assert PrivacyNotice.objects.get().created_by == dpo
    listing = client.get(made["Location"])
    assert b"version 1" in listing.content
    pdf = client.get(f"/admin/notices/privacynotice/generate/{organisation.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_another_organisations_notice_is_not_there_in_the_admin(client, dpo):
    other = build_rich_register("Other Company Ltd")
    client.force_login(dpo)
    assert client.get(f"/admin/notices/privacynotice/generate/{other.pk}/md/").status_code == 404
    version = generate_notice(organisation_id=other.pk).version
    assert client.get(f"/admin/notices/privacynotice/{version.pk}/change/").status_code == 404
    diff = client.get("/admin/notices/privacynotice/diff/", {"a": version.pk, "b": version.pk})
    assert diff.status_code == 404


def test_the_admin_shows_the_difference_between_two_versions(client, dpo, organisation):
    first = generate_notice(organisation_id=organisation.pk).version
    activity = ProcessingActivity.objects.get(organisation=organisation, reference="PA-001")
    services.purpose_add(activity=activity, description="Invitations to our user conference")
    second = generate_notice(organisation_id=organisation.pk).version
    client.force_login(dpo)
    listing = client.get("/admin/notices/privacynotice/",
                         {"organisation__id__exact": organisation.pk})
    assert b"Compare two versions" in listing.content
    diff = client.get("/admin/notices/privacynotice/diff/", {"a": second.pk, "b": first.pk})
    assert diff.status_code == 200
    unified = diff.context["unified"]
    assert unified[:2] == ["--- version 1", "+++ version 2"]
    assert "+- Invitations to our user conference" in unified
    assert not [line for line in unified if line.startswith("-") and not line.startswith("---")]
    assert b"Invitations to our user conference" in diff.content


def test_the_dpo_is_told_what_is_wrong_with_a_template(client, dpo, organisation):
    client.force_login(dpo)
    response = client.post("/admin/notices/noticesettings/add/", {
        "organisation": organisation.pk, "supervisory_authority": "",
        "markdown_template": "{% if notice.name %}unclosed", "html_template": ""})
    assert response.status_code == 200
    assert "Unclosed tag on line 1: &#x27;if&#x27;" in response.content.decode()
    assert not NoticeSettings.objects.exists()


def test_a_dpo_words_only_its_own_organisations_notice(client, dpo, organisation):
    other = build_rich_register("Other Company Ltd")
    client.force_login(dpo)
    response = client.post("/admin/notices/noticesettings/add/", {
        "organisation": other.pk, "supervisory_authority": "Someone else's authority",
        "markdown_template": "", "html_template": ""})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not NoticeSettings.objects.exists()
    response = client.post("/admin/notices/noticesettings/add/", {
        "organisation": organisation.pk, "supervisory_authority": "ICO, Wilmslow",
        "markdown_template": "", "html_template": ""})
    assert response.status_code == 302
    assert NoticeSettings.objects.get().organisation == organisation
