"""Revert of a whole version from the admin: a confirmation that lists what will change
(nothing written on GET), then one new version holding the old fields, links and parts."""

import pytest
from django.urls import reverse

from processing import services
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    InternationalTransfer,
    Purpose,
    RetentionRule,
)
from tests.factories import basis, country, subject_category


def _edit_everything(activity):
    """Change the activity's fields, links and every kind of part, in two versions."""
    purpose = activity.purposes.get(description="To manage customer accounts")
    use = activity.lawful_bases.get()
    services.activity_save(
        activity=activity, fields={"name": "Support and tickets",
                                   "data_subjects": [subject_category("end-users")]},
        parts=[services.PartChange(Purpose, purpose, {"description": "To answer tickets"}),
               services.PartChange(Purpose, activity.purposes.get(description="To train staff"),
                                   delete=True),
               services.PartChange(ActivityLawfulBasis, use, {
                   "basis": basis("A6-1-f"), "legitimate_interest": "Better service",
                   "purposes": []})])
    services.activity_save(
        activity=activity,
        parts=[services.PartChange(ActivityRecipient, activity.recipients.get(), delete=True),
               services.PartChange(InternationalTransfer, None, {"country": country("US")}),
               services.PartChange(RetentionRule, activity.retention_rules.get(),
                                   {"period": "P1Y"})])


@pytest.fixture
def saved_version(activity_a):
    """A version whose lawful basis is limited to a purpose removed later."""
    purpose = activity_a.purposes.get()
    change = services.PartChange(Purpose, None, {"description": "To train staff",
                                                 "position": 2})
    services.activity_save(activity=activity_a, parts=[
        change, services.PartChange(ActivityLawfulBasis, activity_a.lawful_bases.get(),
                                    {"purposes": [purpose, change]})])
    return activity_a.history.order_by("-history_date", "-history_id").first()


def _state(activity):
    activity.refresh_from_db()
    use = activity.lawful_bases.get()
    return {
        "name": activity.name,
        "subjects": sorted(s.code for s in activity.data_subjects.all()),
        "purposes": sorted(p.description for p in activity.purposes.all()),
        "basis": (use.basis.code, use.legitimate_interest,
                  sorted(p.description for p in use.purposes.all())),
        "recipients": sorted(str(r.third_party) for r in activity.recipients.all()),
        "transfers": activity.transfers.count(),
        "retention": sorted(r.period for r in activity.retention_rules.all()),
    }


@pytest.mark.django_db
def test_revert_confirms_then_restores_fields_and_parts(client, dpo_a, activity_a,
                                                        saved_version):
    before = _state(activity_a)
    assert before["purposes"] == ["To manage customer accounts", "To train staff"]
    _edit_everything(activity_a)
    edited = _state(activity_a)
    assert edited != before
    url = reverse("admin:processing_processingactivity_revert",
                  args=[activity_a.pk, saved_version.history_id])
    client.force_login(dpo_a)

    versions = activity_a.history.count()
    response = client.get(url)
    assert response.status_code == 200
    changes = {c.label: c for c in response.context["field_changes"]}
    assert (changes["Name"].old, changes["Name"].new) == ("Support and tickets",
                                                          "Customer support")
    assert changes["Categories of data subjects"].added == ["Customers"]
    assert "Status" not in changes and "Next review on" not in changes
    parts = {p.heading: p for p in response.context["part_changes"]}
    assert set(parts) == {"Purposes", "Lawful bases", "Recipients", "International transfers",
                          "Retention rules"}
    assert parts["Purposes"].added == ["To train staff"]
    assert parts["Recipients"].added and parts["International transfers"].removed
    content = response.content.decode()
    assert 'id="confirm-revert"' in content and "<ins>Customer support</ins>" in content
    # Nothing changed on GET.
    assert _state(activity_a) == edited and activity_a.history.count() == versions

    version = activity_a.version
    response = client.post(url, {"expected_version": version})
    assert response.status_code == 302
    assert _state(activity_a) == before
    # One new version, written as one history row of the activity.
    assert activity_a.version == version + 1
    assert activity_a.history.count() == versions + 1
    latest = activity_a.history.first()
    assert (latest.name, latest.history_user, latest.history_path) == (
        "Customer support", dpo_a, "admin")
    messages = [str(m) for m in response.wsgi_request._messages]
    assert any("purposes, lawful bases" in m for m in messages)


@pytest.mark.django_db
def test_revert_of_an_unchanged_version_writes_nothing(client, dpo_a, activity_a,
                                                       saved_version):
    client.force_login(dpo_a)
    url = reverse("admin:processing_processingactivity_revert",
                  args=[activity_a.pk, saved_version.history_id])
    activity_a.refresh_from_db()
    version, versions = activity_a.version, activity_a.history.count()
    assert client.get(url).context["field_changes"] == []
    client.post(url, {"expected_version": version})
    activity_a.refresh_from_db()
    assert (activity_a.version, activity_a.history.count()) == (version, versions)


@pytest.mark.django_db
def test_contributor_of_another_record_cannot_see_the_confirmation(client, contributor_a,
                                                                   activity_a):
    client.force_login(contributor_a)
    first = activity_a.history.last()
    url = reverse("admin:processing_processingactivity_revert",
                  args=[activity_a.pk, first.history_id])
    assert client.get(url).status_code == 403
