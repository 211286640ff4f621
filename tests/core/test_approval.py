"""Approval is a control, not a click (DESIGN.md section 7): refused with error findings
unless a reason is recorded, by another DPO where there is one; a contributor's change to
an approved record sends it back to draft; review dates are not a contributor's to type."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from rest_framework.test import APIClient

from entities.models import Membership
from processing import services
from processing.models import ProcessingActivity
from tests.factories import ActivityFactory, OrganisationFactory, UserFactory, complete_activity, person_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def org():
    return OrganisationFactory()


def member(org, role, name):
    user = UserFactory(username=name)
    Membership.objects.create(user=user, organisation=org, role=role)
    return user


def submitted(activity, user):
    services.activity_transition(activity=activity, action="submit", user=user)
    activity.refresh_from_db()
    return activity


def test_an_activity_with_no_error_is_approved_without_a_reason(org):
    dpo = member(org, "dpo", "dora")
    activity = submitted(complete_activity(organisation=org), dpo)
    services.activity_transition(activity=activity, action="approve", user=dpo)
    activity.refresh_from_db()
    assert activity.status == "active"
    assert activity.history.order_by("-history_id").first().history_change_reason is None


def test_error_findings_refuse_the_approval_until_a_reason_is_given_and_kept(org):
    dpo = member(org, "dpo", "dora")
    activity = submitted(ActivityFactory(organisation=org), dpo)

    with pytest.raises(ValidationError) as refused:
        services.activity_transition(activity=activity, action="approve", user=dpo)
    message = refused.value.message_dict["override_reason"][0]
    assert "open error finding(s): A30-PURPOSES" in message and "A6-BASIS" in message
    activity.refresh_from_db()
    assert activity.status == "in_review" and activity.last_reviewed_on is None

    reason = "Interim record while the HR system is replaced; details due in March. " * 3
    services.activity_transition(activity=activity, action="approve", user=dpo,
                                 override_reason=reason)
    activity.refresh_from_db()
    assert activity.status == "active"
    kept = activity.history.order_by("-history_id").first()
    assert kept.history_change_reason.startswith("Approved over 7 open error finding(s) (A30-")
    assert kept.history_change_reason.endswith(reason.strip())  # whole, however long
    assert kept.history_user == dpo


def test_where_there_is_a_second_dpo_the_submitter_does_not_approve(org):
    first, second = member(org, "dpo", "dora"), member(org, "dpo", "dan")
    activity = submitted(complete_activity(organisation=org), first)

    with pytest.raises(ValidationError) as refused:
        services.activity_transition(activity=activity, action="approve", user=first)
    assert refused.value.error_dict["status"][0].code == "state"
    assert "another DPO of its organisation (dan) approves it" in refused.value.messages[0]
    services.activity_transition(activity=activity, action="approve", user=second)
    activity.refresh_from_db()
    assert activity.status == "active"


def test_a_lone_dpo_approves_what_it_submitted(org):
    dpo = member(org, "dpo", "dora")
    member(org, "contributor", "cora")
    activity = submitted(complete_activity(organisation=org), dpo)
    services.activity_transition(activity=activity, action="approve", user=dpo)
    assert ProcessingActivity.objects.get(pk=activity.pk).status == "active"


@pytest.mark.parametrize("status", ["active", "in_review"])
def test_a_contributors_change_sends_the_record_back_to_draft(org, status):
    dpo, contributor = member(org, "dpo", "dora"), member(org, "contributor", "cora")
    activity = complete_activity(organisation=org, status=status,
                                 owner=person_of(contributor, org))

    services.activity_update(activity=activity, user=dpo, description="DPO's wording")
    assert ProcessingActivity.objects.get(pk=activity.pk).status == status

    services.activity_update(activity=activity, user=contributor, description="Changed")
    activity.refresh_from_db()
    assert activity.status == "draft" and activity.status_changed_at is not None

    again = complete_activity(organisation=org, status=status, owner=person_of(contributor, org))
    services.purpose_add(activity=again, description="A new purpose", user=contributor)
    again.refresh_from_db()
    assert again.status == "draft"
    last = again.history.order_by("-history_id").first()
    assert (last.status, last.history_user) == ("draft", contributor)


def test_through_the_api_a_contributor_neither_keeps_a_record_approved_nor_dates_its_review(org):
    contributor = member(org, "contributor", "cora")
    activity = complete_activity(organisation=org, status="active",
                                 owner=person_of(contributor, org),
                                 last_reviewed_on=datetime.date(2026, 1, 1),
                                 next_review_on=datetime.date(2027, 1, 1))
    client = APIClient()
    client.force_authenticate(contributor)
    url = f"/api/v1/activities/{activity.pk}/"

    silenced = client.patch(url, {"next_review_on": "2099-01-01"}, format="json")
    assert silenced.status_code == 400
    assert silenced.data["errors"][0]["field"] == "next_review_on"
    assert "Set by approval" in silenced.data["errors"][0]["message"]
    unchanged = client.patch(url, {"next_review_on": "2027-01-01", "name": "Renamed"}, format="json")
    assert unchanged.status_code == 200, unchanged.data
    assert unchanged.data["status"] == "draft"
    assert ProcessingActivity.objects.get(pk=activity.pk).next_review_on == datetime.date(2027, 1, 1)


def test_the_admin_asks_for_the_reason_and_the_refusal_names_the_findings(client, org):
    dpo = member(org, "dpo", "dora")
    activity = submitted(ActivityFactory(organisation=org), dpo)
    client.force_login(dpo)
    change = reverse("admin:processing_processingactivity_change", args=[activity.pk])
    page = client.get(change).content.decode()
    assert 'name="override_reason"' in page and "7 open errors: approve anyway because" in page

    transition = reverse("admin:processing_processingactivity_transition",
                         args=[activity.pk, "approve"])
    refused = client.post(transition, {"expected_version": activity.version}, follow=True)
    assert "Approval refused" in refused.content.decode()
    assert ProcessingActivity.objects.get(pk=activity.pk).status == "in_review"
    client.post(transition, {"expected_version": activity.version,
                             "override_reason": "Details follow after the audit"})
    assert ProcessingActivity.objects.get(pk=activity.pk).status == "active"


def test_a_contributor_cannot_type_the_next_review_in_the_admin(client, org):
    contributor = member(org, "contributor", "cora")
    activity = complete_activity(organisation=org, owner=person_of(contributor, org))
    client.force_login(contributor)
    page = client.get(reverse("admin:processing_processingactivity_change", args=[activity.pk]))
    assert 'name="next_review_on"' not in page.content.decode()


def test_the_reason_shows_in_the_api_history_of_the_activity(org):
    dpo = member(org, "dpo", "dora")
    activity = submitted(ActivityFactory(organisation=org), dpo)
    services.activity_transition(activity=activity, action="approve", user=dpo,
                                 override_reason="Details follow after the audit")
    client = APIClient()
    client.force_authenticate(dpo)
    history = client.get(f"/api/v1/activities/{activity.pk}/history/").json()
    entries = history["results"] if isinstance(history, dict) else history
    assert entries[0]["reason"].endswith("Details follow after the audit")
    assert entries[-1]["reason"] == ""
