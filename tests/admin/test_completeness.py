"""The activity page shows its completeness per Art 30 item; the dashboard each
organisation's."""

import pytest
from django.urls import reverse

from entities.models import Contact
from tests.admin.conftest import change_url
from tests.factories import ActivityFactory, complete_activity

pytestmark = pytest.mark.django_db

DASHBOARD = "admin:processing_processingactivity_dashboard"


def test_the_activity_page_shows_each_item_and_what_is_missing(client, org_a, dpo_a):
    Contact.objects.create(organisation=org_a, role="dpo", name="Dana", email="d@akixi.example")
    draft = ActivityFactory(organisation=org_a, reference="PA-1")
    client.force_login(dpo_a)

    response = client.get(change_url(draft))

    assert response.status_code == 200
    scored = response.context["completeness"]
    # (a) from the organisation, (e) since no transfer needs a safeguard: 2 of 7.
    assert scored.score == 29
    content = response.content.decode()
    assert "Completeness: 29%" in content
    assert 'data-item="1b"' in content and 'data-item="1g"' in content
    assert '<span class="ropa-completeness-status ropa-completeness-missing">missing</span>' \
        in content
    assert "No purpose is recorded" in content


def test_a_complete_activity_page_says_so(client, org_a, dpo_a):
    Contact.objects.create(organisation=org_a, role="dpo", name="Dana", email="d@akixi.example")
    activity = complete_activity(organisation=org_a, reference="PA-2")
    client.force_login(dpo_a)
    content = client.get(change_url(activity)).content.decode()
    assert "Completeness: 100%" in content
    assert "ropa-completeness-missing" not in content and "ropa-completeness-partial" not in content


def test_the_dashboard_shows_completeness_per_organisation(client, org_a, org_b, dpo_a, dpo_b):
    Contact.objects.create(organisation=org_a, role="dpo", name="Dana", email="d@akixi.example")
    complete_activity(organisation=org_a, reference="PA-1")
    ActivityFactory(organisation=org_a, reference="PA-2")
    ActivityFactory(organisation=org_a, reference="PA-3", status="retired")
    complete_activity(organisation=org_b, reference="PB-1")
    client.force_login(dpo_a)

    response = client.get(reverse(DASHBOARD))

    rows = response.context["completeness_rows"]
    assert [row.organisation.name for row in rows] == ["Akixi Limited"]  # not Mondago's
    akixi = rows[0]
    assert (akixi.organisation.activities, akixi.organisation.score) == (2, round((100 + 29) / 2, 1))
    items = [item.key for item in response.context["completeness_items"]]
    assert akixi.shares[items.index("1b")] == 50.0
    assert akixi.shares[items.index("1e")] == 100.0
    assert akixi.shares[items.index("2a")] is None
    content = response.content.decode()
    assert "Completeness per organisation" in content
    assert f'href="/admin/processing/processingactivity/?organisation={org_a.pk}"' in content
    # The findings chart counts the retired activity as one without findings, as before.
    charts = {c.key: c for c in response.context["charts"]}
    assert [b.value for b in charts["findings"].bars] == [1, 0, 0, 2]
