"""The reason an activity was approved over open error findings, in the PDF for signing
off beside the record's status (DESIGN section 7: shown in history and the PDF)."""

import datetime
import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from pypdf import PdfReader

from entities.models import Membership
from processing import services
from processing.approvals import approval_reasons
from processing.exports import pdf
from processing.register import read_register
from tests.factories import ActivityFactory, OrganisationFactory, UserFactory, complete_activity

pytestmark = pytest.mark.django_db

REASON = "Interim record while the HR system is replaced; details due in March"


def _text(content: bytes) -> str:
    return re.sub(r"\s+", " ", " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages))


@pytest.fixture
def approved():
    org = OrganisationFactory(name="Acme Ltd")
    dpo = UserFactory(username="dora")
    Membership.objects.create(user=dpo, organisation=org, role="dpo")
    overridden = ActivityFactory(organisation=org, reference="ACM-01", name="Payroll")
    clean = complete_activity(organisation=org, reference="ACM-02", name="Customer accounts")
    for activity in (overridden, clean):
        services.activity_transition(activity=activity, action="submit", user=dpo)
    before = timezone.now()
    services.activity_transition(activity=overridden, action="approve", user=dpo,
                                 override_reason=REASON)
    services.activity_transition(activity=clean, action="approve", user=dpo)
    # A DPO's edit after the approval keeps it in force, and its reason.
    overridden.refresh_from_db()
    services.activity_update(activity=overridden, user=dpo, description="Monthly payroll")
    return {"overridden": overridden, "clean": clean, "before": before}


def test_the_pdf_shows_the_override_reason_beside_the_status(approved):
    text = _text(pdf.render_pdf(read_register()))

    assert "Approved over open findings" in text
    assert REASON in text
    assert re.search(r"Approved over \d+ open error finding\(s\) \(A30-", text)
    # Once: the clean approval has no reason to show.
    assert text.count("Approved over open findings") == 1
    payroll = text[text.index("ACM-01 Payroll Acme Ltd"):]
    assert payroll.index("Status") < payroll.index("Approved over open findings")


def test_a_pdf_as_of_before_the_approval_shows_no_reason(approved):
    as_of = approved["before"] - datetime.timedelta(microseconds=1)
    text = _text(pdf.render_pdf(read_register(as_of=as_of)))

    assert "ACM-01 Payroll" in text and REASON not in text


def test_a_record_returned_to_draft_no_longer_carries_the_reason(approved):
    services.activity_transition(activity=approved["overridden"], action="return_to_draft")

    text = _text(pdf.render_pdf(read_register()))
    assert REASON not in text


def test_the_reasons_of_a_batch_are_read_in_one_query(approved):
    activities = [a for org in read_register().organisations for a in org.activities]

    with CaptureQueriesContext(connection) as queries:
        reasons = approval_reasons(activities)

    assert len(queries) == 1
    assert list(reasons) == [approved["overridden"].pk]
    assert reasons[approved["overridden"].pk].endswith(REASON)
