import pytest
from rest_framework.test import APIClient

from processing.models import ProcessingActivity
from tests.api.conftest import member, token_client

pytestmark = pytest.mark.django_db

URL = "/api/v1/activities/"


def test_anonymous_gets_401_with_www_authenticate(activity):
    response = APIClient().get(URL)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["errors"][0]["code"] == "not_authenticated"


def test_bad_token_is_401(activity):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    assert client.get(URL).status_code == 401


def test_session_authentication_works(dpo_user, activity):
    client = APIClient()
    client.force_login(dpo_user)
    assert client.get(f"{URL}{activity.pk}/").status_code == 200


def test_cross_organisation_objects_answer_404(dpo_client, foreign_activity, other_org,
                                               foreign_party):
    urls = [
        f"{URL}{foreign_activity.pk}/",
        f"{URL}{foreign_activity.pk}/lawful-basis/",
        f"{URL}{foreign_activity.pk}/lawful-basis/?as_of=2999-01-01",
        f"/api/v1/organisations/{other_org.pk}/",
        f"/api/v1/recipients/{foreign_party.pk}/",
    ]
    for url in urls:
        response = dpo_client.get(url)
        assert response.status_code == 404, url
        assert response.data["errors"][0]["code"] == "not_found"
    for url, method in [(f"{URL}{foreign_activity.pk}/", "patch"),
                        (f"{URL}{foreign_activity.pk}/", "put"),
                        (f"{URL}{foreign_activity.pk}/submit/", "post"),
                        (f"{URL}{foreign_activity.pk}/retire/", "post")]:
        assert getattr(dpo_client, method)(url, {"name": "x"}, format="json").status_code == 404
    foreign_activity.refresh_from_db()
    assert foreign_activity.name == "Payroll" and foreign_activity.status == "draft"


def test_lists_show_only_own_organisations(dpo_client, activity, foreign_activity, org,
                                           foreign_party):
    assert [a["id"] for a in dpo_client.get(URL).data["results"]] == [activity.pk]
    assert [o["id"] for o in dpo_client.get("/api/v1/organisations/").data["results"]] == [org.pk]
    recipients = dpo_client.get("/api/v1/recipients/").data["results"]
    assert foreign_party.pk not in [r["id"] for r in recipients]
    assert recipients and all(r["organisation"] == org.pk for r in recipients)


@pytest.mark.parametrize("role", ["auditor", "api_client"])
def test_read_only_roles_cannot_write(org, activity, role):
    client = token_client(member(org, role))
    assert client.get(f"{URL}{activity.pk}/").status_code == 200
    assert client.patch(f"{URL}{activity.pk}/", {"name": "x"}, format="json").status_code == 403
    assert client.post(f"{URL}{activity.pk}/submit/").status_code == 403
    response = client.post(URL, {"organisation": org.pk, "name": "New"}, format="json")
    assert response.status_code == 403
    assert response.data["errors"][0]["code"] == "permission_denied"
    activity.refresh_from_db()
    assert activity.name == "Customer support" and activity.status == "draft"
    assert ProcessingActivity.objects.count() == 1


def test_contributor_edits_only_the_activities_it_owns(org, activity):
    contributor = member(org, "contributor")
    client = token_client(contributor)
    assert client.patch(f"{URL}{activity.pk}/", {"name": "x"}, format="json").status_code == 403
    created = client.post(URL, {"organisation": org.pk, "name": "Own"}, format="json")
    assert created.status_code == 201 and created.data["owner"]["name"] == contributor.username
    own = f"{URL}{created.data['id']}/"
    assert client.patch(own, {"name": "Own, renamed"}, format="json").status_code == 200
    assert client.post(own + "submit/").status_code == 200
    # Approval is the DPO's.
    assert client.post(own + "approve/").status_code == 403
    assert ProcessingActivity.objects.get(pk=created.data["id"]).status == "in_review"


def test_dpo_of_one_organisation_cannot_create_in_another(org, other_org, dpo_client):
    response = dpo_client.post(URL, {"organisation": other_org.pk, "name": "x"}, format="json")
    assert response.status_code == 400
    assert response.data["errors"][0]["field"] == "organisation"
    assert not ProcessingActivity.objects.filter(organisation=other_org).exists()


def test_dpo_of_another_organisation_cannot_write_here(activity, other_org):
    client = token_client(member(other_org, "dpo"))
    assert client.patch(f"{URL}{activity.pk}/", {"name": "x"}, format="json").status_code == 404
