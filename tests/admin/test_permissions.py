"""Organisation scoping and roles: who sees and changes what (DESIGN section 7)."""

import pytest
from django.urls import reverse

from processing.models import ProcessingActivity
from tests.admin.conftest import change_url, form_data, member
from tests.factories import ActivityFactory, UserFactory, person_of

CHANGELIST = reverse("admin:processing_processingactivity_changelist")


@pytest.mark.django_db
def test_dpo_sees_only_its_organisations_register(client, dpo_a, activity_a, activity_b):
    client.force_login(dpo_a)
    response = client.get(CHANGELIST)
    assert [a.reference for a in response.context["cl"].result_list] == ["PA-001"]
    assert client.get(change_url(activity_b)).status_code == 404
    assert client.get(change_url(activity_a)).status_code == 200
    for name in ("history", "compare"):
        url = reverse(f"admin:processing_processingactivity_{name}", args=[activity_b.pk])
        assert client.get(url).status_code == 404, name
    transition = reverse("admin:processing_processingactivity_transition",
                         args=[activity_b.pk, "retire"])
    assert client.post(transition).status_code == 404
    activity_b.refresh_from_db()
    assert activity_b.status == "draft"


@pytest.mark.django_db
def test_other_organisations_recipients_are_not_offered(client, dpo_a, activity_a, activity_b):
    from tests.factories import ThirdPartyFactory

    ThirdPartyFactory(organisation=activity_b.organisation, name="Mondago's supplier")
    client.force_login(dpo_a)
    url = reverse("admin:autocomplete")
    response = client.get(url, {"app_label": "processing", "model_name": "activityrecipient",
                                "field_name": "third_party", "term": ""})
    names = {r["text"] for r in response.json()["results"]}
    assert names and "Mondago's supplier" not in names


@pytest.mark.django_db
def test_auditor_reads_but_cannot_change(client, auditor_a, activity_a):
    client.force_login(auditor_a)
    response = client.get(change_url(activity_a))
    assert response.status_code == 200
    assert not response.context["has_change_permission"]
    assert b'name="_save"' not in response.content
    assert response.context["workflow_actions"] == []
    # Inlines are shown read-only.
    assert all(not inline.has_change_permission for inline in response.context["inline_admin_formsets"])
    response = client.post(change_url(activity_a), {"name": "Changed by an auditor"})
    assert response.status_code == 403
    assert client.get(reverse("admin:processing_processingactivity_add")).status_code == 403
    transition = reverse("admin:processing_processingactivity_transition",
                         args=[activity_a.pk, "submit"])
    assert client.post(transition).status_code == 403
    activity_a.refresh_from_db()
    assert (activity_a.name, activity_a.status) == ("Customer support", "draft")


@pytest.mark.django_db
def test_nobody_but_a_superuser_hard_deletes_an_activity(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    delete = reverse("admin:processing_processingactivity_delete", args=[activity_a.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    assert ProcessingActivity.objects.filter(pk=activity_a.pk).exists()
    response = client.get(change_url(activity_a))
    # Removing a wrong part (a recipient, a basis) is an edit of the activity.
    assert all(inline.formset.can_delete for inline in response.context["inline_admin_formsets"])
    changelist = client.get(CHANGELIST)
    assert b'value="transition_retire"' in changelist.content
    assert b'value="delete_selected"' not in changelist.content


@pytest.mark.django_db
def test_contributor_edits_its_own_activities_and_submits_them(client, org_a, contributor_a, dpo_a):
    own = ActivityFactory(organisation=org_a, owner=person_of(contributor_a, org_a), name="Own record")
    other = ActivityFactory(organisation=org_a, owner=person_of(dpo_a, org_a), name="DPO's record")
    client.force_login(contributor_a)
    response = client.get(change_url(other))
    assert response.status_code == 200 and not response.context["has_change_permission"]
    response = client.get(change_url(own))
    assert response.context["has_change_permission"]
    assert [a for a, _l, _t in response.context["workflow_actions"]] == ["submit"]
    data = form_data(response)
    data["name"] = "Own record, renamed"
    assert client.post(change_url(own), data).status_code == 302
    own.refresh_from_db()
    assert own.name == "Own record, renamed"

    url = reverse("admin:processing_processingactivity_transition", args=[own.pk, "submit"])
    client.post(url, {"expected_version": own.version})
    own.refresh_from_db()
    assert own.status == "in_review"
    approve = reverse("admin:processing_processingactivity_transition", args=[own.pk, "approve"])
    assert client.post(approve, {"expected_version": own.version}).status_code == 403
    own.refresh_from_db()
    assert own.status == "in_review"


@pytest.mark.django_db
def test_contributor_owns_what_it_creates(client, org_a, contributor_a):
    client.force_login(contributor_a)
    response = client.get(reverse("admin:processing_processingactivity_add"))
    assert "owner" not in response.context["adminform"].form.fields
    data = form_data(response)
    data.update(organisation=str(org_a.pk), name="Webinar registrations", role="controller")
    response = client.post(reverse("admin:processing_processingactivity_add"), data)
    assert response.status_code == 302, response.context["error_summary"]
    created = ProcessingActivity.objects.get(name="Webinar registrations")
    assert created.owner.login == contributor_a and created.owner.organisation == org_a
    assert created.is_owned_by(contributor_a)
    assert created.reference == "PA-001"


@pytest.mark.django_db
def test_user_without_membership_sees_no_register(client, activity_a):
    outsider = UserFactory(username="outsider")
    client.force_login(outsider)
    assert client.get(CHANGELIST).status_code == 403
    response = client.get(reverse("admin:index"))
    assert response.context["app_list"] == []


@pytest.mark.django_db
def test_api_client_membership_does_not_open_the_admin(client, org_a, activity_a):
    robot = member("robot", org_a, "api_client")
    client.force_login(robot)
    assert client.get(change_url(activity_a)).status_code == 403
