"""A register changed through the services at known moments, for the register diff's
tests (core, API, admin)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import time_machine
from django.utils import timezone

from processing import services
from processing.models import ActivityLawfulBasis, ProcessingActivity
from tests.factories import (
    OrganisationFactory,
    ThirdPartyFactory,
    UserFactory,
    basis,
    data_category,
)

#: The days the register is written on (noon, the register's time zone).
DAY0, DAY1, DAY2 = (datetime.date(2026, 3, 2), datetime.date(2026, 3, 4),
                    datetime.date(2026, 3, 6))
QUIET = datetime.date(2026, 3, 5)  # between DAY1 and DAY2: nothing is written


def noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@dataclass
class Scenario:
    organisation: object
    other: object
    editor: object
    kept: ProcessingActivity
    renamed: ProcessingActivity
    retired: ProcessingActivity
    added: ProcessingActivity | None = None
    recipient_party: object = None


def build() -> Scenario:
    """On DAY0 three activities are written; on DAY1 nothing of the diff's interest; on
    DAY2 one is added, one renamed and its lawful basis's scope changed, a recipient added
    to it, and one retired. Another organisation changes too (never in the diff)."""
    organisation = OrganisationFactory(name="Acme Ltd")
    other = OrganisationFactory(name="Other Ltd")
    editor = UserFactory(username="edith")
    with time_machine.travel(noon(DAY0), tick=False):
        kept = services.activity_create(
            organisation=organisation, user=editor, path="api", reference="ACM-01",
            name="Payroll", data_categories=[data_category("identity")])
        renamed = services.activity_create(
            organisation=organisation, user=editor, path="api", reference="ACM-02",
            name="Newsletter",
            data_categories=[data_category("identity"), data_category("contact")])
        first = services.purpose_add(activity=renamed, description="Send the newsletter",
                                     user=editor, path="api")
        services.purpose_add(activity=renamed, description="Measure readership",
                             user=editor, path="api")
        services.lawful_basis_add(activity=renamed, basis=basis("A6-1-a"), user=editor,
                                  path="api", purposes=[first],
                                  consent_record_link="https://consent.example.com/log")
        retired = services.activity_create(
            organisation=organisation, user=editor, path="api", reference="ACM-03",
            name="Old campaign")
        services.activity_create(organisation=other, user=editor, path="api",
                                 reference="OTH-01", name="Elsewhere")
    scenario = Scenario(organisation, other, editor, kept, renamed, retired)
    scenario.recipient_party = ThirdPartyFactory(organisation=organisation, name="Mailer Inc")
    with time_machine.travel(noon(DAY2), tick=False):
        scenario.added = services.activity_create(
            organisation=organisation, user=editor, path="admin", reference="ACM-04",
            name="Recruitment", data_categories=[data_category("identity")])
        renamed.refresh_from_db()
        services.activity_update(activity=renamed, user=editor, path="api",
                                 name="Monthly newsletter")
        use = ActivityLawfulBasis.objects.get(activity=renamed)
        services.part_save(model=ActivityLawfulBasis, instance=use, user=editor, path="api",
                           purposes=list(renamed.purposes.all()))
        renamed.refresh_from_db()
        services.recipient_add(activity=renamed, third_party=scenario.recipient_party,
                               user=editor, path="api", purpose="Sends the emails")
        retired.refresh_from_db()
        services.activity_transition(activity=retired, action="retire", user=editor,
                                     path="api")
        other_activity = ProcessingActivity.objects.get(reference="OTH-01")
        services.activity_update(activity=other_activity, user=editor, path="api",
                                 name="Elsewhere, renamed")
    renamed.refresh_from_db()
    return scenario
