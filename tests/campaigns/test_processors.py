"""Processors confirm the processing they do for the organisation: the same links, the
answer a change set to the processor's record, applied with the history path ``review``."""

import html
import re

import pytest
from django.core import mail
from django.urls import reverse

from campaigns import services
from campaigns.models import TaskState
from entities.models import ThirdParty
from entities.services import entity_save
from tests.factories import RecipientFactory, ThirdPartyFactory, country

pytestmark = pytest.mark.django_db


@pytest.fixture
def mailer(register):
    party = ThirdPartyFactory(organisation=register["acme"], name="Mailer Ltd",
                              email="privacy@mailer.example", service="Email delivery")
    RecipientFactory(activity=register["newsletter"], third_party=party)
    # Named by a draft only, or a controller: not asked.
    ThirdPartyFactory(organisation=register["acme"], name="Unused Ltd", email="u@unused.example")
    RecipientFactory(activity=register["draft"],
                     third_party=ThirdPartyFactory(organisation=register["acme"], name="Draft's Ltd"))
    RecipientFactory(activity=register["payroll"], third_party=ThirdPartyFactory(
        organisation=register["acme"], name="HMRC", kind="controller"))
    return party


def start(register):
    return services.start_campaign(organisation=register["acme"], kind="processors",
                                   user=register["dpo"])


def test_each_processor_named_by_an_activity_in_force_is_asked(register, mailer,
                                                               django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        campaign = start(register)
    names = set(campaign.invitations.values_list("third_party__name", flat=True))
    assert "Mailer Ltd" in names
    assert not names & {"Unused Ltd", "Draft's Ltd", "HMRC"}
    assert campaign.tasks.count() == len(names)
    sent = next(m for m in mail.outbox if m.to == ["privacy@mailer.example"])
    assert "processor (Article 28)" in sent.body
    assert re.search(r"/review/\S+/", sent.body)


def test_a_processors_answer_is_applied_to_its_record_with_the_review_path(client, register, mailer):
    campaign = start(register)
    invitation = campaign.invitations.get(third_party=mailer)
    task = campaign.tasks.get(third_party=mailer)
    url = reverse("campaigns:review", args=[services.token_for(invitation)])
    page = client.get(url).content.decode()
    assert "Mailer Ltd" in page and "Newsletter" in page and "Payroll" not in page

    response = client.post(url, {
        "task": task.pk, "answer": "propose", "service": "Email delivery", "country": "us",
        "contract_link": "https://mailer.example/dpa-2026.pdf",
        "sub_processors": "Amazon Web Services\nTwilio", "security": "ISO 27001 certified"})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == TaskState.PROPOSED
    assert task.proposal == {"country": "US", "contract_link": "https://mailer.example/dpa-2026.pdf",
                             "sub_processors": ["Amazon Web Services", "Twilio"],
                             "security": "ISO 27001 certified"}

    client.force_login(register["dpo"])
    client.post(reverse("admin:campaigns_campaign_decide", args=[campaign.pk, task.pk]),
                {"decision": "accept"})
    mailer.refresh_from_db()
    assert mailer.country == country("US")
    assert mailer.contract_link == "https://mailer.example/dpa-2026.pdf"
    assert "Sub-processors: Amazon Web Services; Twilio" in mailer.notes
    assert "Security measures: ISO 27001 certified" in mailer.notes
    last = mailer.history.order_by("-history_id").first()
    assert (last.history_path, last.history_user) == ("review", register["dpo"])
    assert campaign.tasks.get(pk=task.pk).state == TaskState.ACCEPTED


def test_a_processor_record_changed_since_it_was_asked_is_a_conflict(client, register, mailer):
    campaign = start(register)
    invitation = campaign.invitations.get(third_party=mailer)
    task = campaign.tasks.get(third_party=mailer)
    services.answer(invitation, task.pk, confirm=False, proposed={"service": "Newsletters"})
    entity_save(model=ThirdParty, instance=mailer, service="Changed by the DPO")

    client.force_login(register["dpo"])
    client.post(reverse("admin:campaigns_campaign_decide", args=[campaign.pk, task.pk]),
                {"decision": "accept"})
    mailer.refresh_from_db()
    assert mailer.service == "Changed by the DPO"
    assert campaign.tasks.get(pk=task.pk).state == TaskState.CONFLICT


@pytest.mark.parametrize(("field", "value", "message"), [
    ("country", "ZZ", "'ZZ' is not a country code"),
    ("contract_link", "our shared drive", "'our shared drive' is not a link"),
])
def test_a_bad_answer_names_the_value_and_nothing_is_kept(client, register, mailer, field, value,
                                                          message):
    campaign = start(register)
    invitation = campaign.invitations.get(third_party=mailer)
    task = campaign.tasks.get(third_party=mailer)
    url = reverse("campaigns:review", args=[services.token_for(invitation)])
    response = client.post(url, {"task": task.pk, "answer": "propose", field: value})
    assert response.status_code == 400
    assert message in html.unescape(response.content.decode())
    assert campaign.tasks.get(pk=task.pk).state == TaskState.PENDING
