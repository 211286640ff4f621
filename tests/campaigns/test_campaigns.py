"""Review campaigns: links that open one owner's records only, answers, the DPO's
decisions applied through the services (history path ``review``), conflicts, reminders."""

import datetime
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from campaigns import services, tasks
from campaigns.models import Campaign, Invitation, Task, TaskState
from processing import services as register_services

pytestmark = pytest.mark.django_db


def start(register, **kwargs):
    return services.start_campaign(organisation=register["acme"], user=register["dpo"], **kwargs)


def link_path(invitation) -> str:
    return reverse("campaigns:review", args=[services.token_for(invitation)])


def olive(campaign) -> Invitation:
    return campaign.invitations.get(person__name="Olive Owner")


def test_a_campaign_asks_each_owner_about_the_records_it_owns(
        register, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        campaign = start(register)

    assert {i.person.name: sorted(t.activity.name for t in i.tasks.all())
            for i in campaign.invitations.all()} == {
        "Olive Owner": ["Newsletter", "Payroll"], "Sam Signed": ["CRM"]}
    assert {t.version_sent for t in campaign.tasks.all()} == {1}
    sent = {m.to[0]: m for m in mail.outbox}
    assert set(sent) == {"olive@acme.example", "sam@acme.example"}
    link = re.search(r"http://\S+/review/\S+/", sent["olive@acme.example"].body).group(0)
    assert "/review/campaign/" not in link and "Newsletter" in sent["olive@acme.example"].body
    assert f"/review/campaign/{campaign.pk}/" in sent["sam@acme.example"].body
    assert Invitation.objects.filter(sent_at__isnull=True).count() == 0


def test_the_due_scope_takes_the_records_whose_review_is_due(register):
    register_services.activity_update(activity=register["payroll"],
                                      next_review_on=timezone.localdate() - datetime.timedelta(days=1),
                                      last_reviewed_on=timezone.localdate() - datetime.timedelta(days=400))
    campaign = start(register, scope="due")
    assert [t.activity.name for t in campaign.tasks.all()] == ["Payroll"]


def test_the_owner_confirms_one_record_and_proposes_changes_to_another(client, register):
    campaign = start(register)
    invitation = olive(campaign)
    url = link_path(invitation)
    page = client.get(url)
    assert page.status_code == 200
    content = page.content.decode()
    assert "Newsletter" in content and "Payroll" in content
    assert "CRM" not in content and "Beta&#x27;s" not in content and "Draft" not in content
    newsletter = campaign.tasks.get(activity=register["newsletter"])
    payroll = campaign.tasks.get(activity=register["payroll"])

    assert client.post(url, {"task": newsletter.pk, "answer": "confirm"}).status_code == 302
    response = client.post(url, {
        "task": payroll.pk, "answer": "propose", "name": "Payroll and pensions",
        "purposes": "Pay staff\nRun the pension scheme", "description": "",
        "comment": "Pensions moved to us in March"})
    assert response.status_code == 302

    newsletter.refresh_from_db()
    payroll.refresh_from_db()
    assert newsletter.state == TaskState.CONFIRMED
    assert payroll.state == TaskState.PROPOSED
    assert payroll.proposal == {"name": "Payroll and pensions",
                                "purposes": ["Pay staff", "Run the pension scheme"]}
    assert [c.field for c in services.diff(payroll)] == ["name", "purposes"]


def test_the_dpo_accepts_through_the_services_with_the_review_path(client, register):
    campaign = start(register)
    invitation = olive(campaign)
    payroll = campaign.tasks.get(activity=register["payroll"])
    services.answer(invitation, payroll.pk, confirm=False,
                    proposed={"name": "Payroll and pensions", "purposes": ["Pay staff"]})
    newsletter = campaign.tasks.get(activity=register["newsletter"])
    services.answer(invitation, newsletter.pk, confirm=True)
    client.force_login(register["dpo"])
    change = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk]))
    assert "Payroll and pensions" in change.content.decode()

    for task in (payroll, newsletter):
        response = client.post(reverse("admin:campaigns_campaign_decide", args=[campaign.pk, task.pk]),
                               {"decision": "accept"})
        assert response.status_code == 302

    activity = register["payroll"]
    activity.refresh_from_db()
    today = timezone.localdate()
    assert activity.name == "Payroll and pensions"
    assert [p.description for p in activity.purposes.all()] == ["Pay staff"]
    assert activity.last_reviewed_on == today and activity.next_review_on > today
    last = activity.history.order_by("-history_id").first()
    assert (last.history_path, last.history_user, last.version) == ("review", register["dpo"], 2)
    purposes_history = {h.history_path for h in activity.purposes.model.history.filter(
        activity_id=activity.pk, owner_version=2)}
    assert purposes_history == {"review"}
    register["newsletter"].refresh_from_db()
    assert register["newsletter"].name == "Newsletter"
    assert register["newsletter"].last_reviewed_on == today
    assert set(campaign.tasks.filter(state=TaskState.ACCEPTED).values_list("activity__name", flat=True)) == {
        "Payroll and pensions", "Newsletter"}


def test_a_record_changed_since_the_link_was_sent_is_a_conflict_never_applied(client, register):
    campaign = start(register)
    invitation = olive(campaign)
    payroll = campaign.tasks.get(activity=register["payroll"])
    newsletter = campaign.tasks.get(activity=register["newsletter"])
    # The owner answers; then the DPO changes the record before deciding.
    services.answer(invitation, payroll.pk, confirm=False, proposed={"name": "Owner's name"})
    register_services.activity_update(activity=register["payroll"], name="DPO's name")
    # Changed before the owner answers: the answer is a conflict at once.
    register_services.activity_update(activity=register["newsletter"], description="Changed")
    services.answer(invitation, newsletter.pk, confirm=False, proposed={"name": "Owner's other"})

    assert Task.objects.get(pk=newsletter.pk).state == TaskState.CONFLICT
    client.force_login(register["dpo"])
    response = client.post(reverse("admin:campaigns_campaign_decide", args=[campaign.pk, payroll.pk]),
                           {"decision": "accept"}, follow=True)
    assert "changed since its owner was sent it" in response.content.decode()
    assert Task.objects.get(pk=payroll.pk).state == TaskState.CONFLICT
    register["payroll"].refresh_from_db()
    assert register["payroll"].name == "DPO's name"
    assert not register["payroll"].history.filter(history_path="review").exists()
    # A conflict can only be rejected, with a reason the owner sees.
    client.post(reverse("admin:campaigns_campaign_decide", args=[campaign.pk, payroll.pk]),
                {"decision": "reject", "reason": "Superseded by the DPO's change"})
    assert Task.objects.get(pk=payroll.pk).state == TaskState.REJECTED
    assert "Superseded by the DPO" in client.get(link_path(invitation)).content.decode()


@pytest.mark.parametrize("spoil", ["tampered", "expired", "revoked", "closed"])
def test_a_spoilt_link_is_refused_and_says_why(client, register, spoil):
    campaign = start(register, link_days=10)
    invitation = olive(campaign)
    url = link_path(invitation)
    assert client.get(url).status_code == 200
    expected = {"tampered": "not valid", "expired": "expired", "revoked": "withdrawn",
                "closed": "closed"}[spoil]
    if spoil == "tampered":
        url = url[:-3] + ("A" if url[-3] != "A" else "B") + url[-2:]
    elif spoil == "revoked":
        services.revoke(invitation)
    elif spoil == "closed":
        Campaign.objects.filter(pk=campaign.pk).update(closed_at=timezone.now())
    with time_machine.travel(timezone.now() + datetime.timedelta(days=11 if spoil == "expired" else 0)):
        response = client.get(url)
        post = client.post(url, {"task": campaign.tasks.first().pk, "answer": "confirm"})
    assert response.status_code == post.status_code == 403
    assert expected in response.content.decode()
    assert not campaign.tasks.exclude(state=TaskState.PENDING).exists()


def test_a_link_never_reaches_another_owners_or_organisations_records(client, register):
    campaign = start(register)
    other_campaign = services.start_campaign(organisation=register["beta"])
    url = link_path(olive(campaign))
    for task in (campaign.tasks.get(activity=register["crm"]), other_campaign.tasks.get()):
        assert client.post(url, {"task": task.pk, "answer": "confirm"}).status_code == 404
        assert Task.objects.get(pk=task.pk).state == TaskState.PENDING
    # A link made for another campaign's invitation with this one's id is not genuine.
    forged = reverse("campaigns:review", args=[services.signing.dumps(
        {"i": olive(campaign).pk, "c": other_campaign.pk}, salt=services._SALT, compress=True)])
    assert client.get(forged).status_code == 403


def test_an_owner_with_a_login_answers_signed_in_and_no_one_else_can(client, register):
    campaign = start(register)
    url = reverse("campaigns:review_signed_in", args=[campaign.pk])
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(register["dpo"])
    assert client.get(url).status_code == 404  # not an owner in this campaign
    client.force_login(register["sam_login"])
    page = client.get(url)
    assert page.status_code == 200 and "CRM" in page.content.decode()
    task = campaign.tasks.get(activity=register["crm"])
    client.post(url, {"task": task.pk, "answer": "confirm"})
    assert Task.objects.get(pk=task.pk).state == TaskState.CONFIRMED


def test_a_proposal_that_empties_the_name_is_refused_keeping_what_was_typed(client, register):
    campaign = start(register)
    url = link_path(olive(campaign))
    task = campaign.tasks.get(activity=register["payroll"])
    response = client.post(url, {"task": task.pk, "answer": "propose", "name": " ",
                                 "purposes": "Pay staff\nNew purpose typed"})
    assert response.status_code == 400
    content = response.content.decode()
    assert "The name cannot be empty." in content and "New purpose typed" in content
    assert Task.objects.get(pk=task.pk).state == TaskState.PENDING
    nothing = client.post(url, {"task": task.pk, "answer": "propose", "name": "Payroll"})
    assert "Nothing was changed" in nothing.content.decode()


def test_reminders_go_to_owners_with_records_unanswered_and_the_dpo_is_told(
        register, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        campaign = start(register, remind_days=7)
    services.answer(campaign.invitations.get(person__name="Sam Signed"),
                    campaign.tasks.get(activity=register["crm"]).pk, confirm=True)
    mail.outbox.clear()

    assert tasks.send_reminders(now=(timezone.now() + datetime.timedelta(days=3)).isoformat()) == 0
    later = timezone.now() + datetime.timedelta(days=8)
    assert tasks.send_reminders(now=later.isoformat()) == 1
    to = [m.to for m in mail.outbox]
    assert to[0] == ["olive@acme.example"] and mail.outbox[0].subject.startswith("Reminder:")
    assert "dora@acme.example" in to[1]
    assert "1 confirmed as accurate" in mail.outbox[1].body
    assert olive(campaign).reminders == 1
    # Reminded now: not again the same day.
    assert tasks.send_reminders(now=later.isoformat()) == 0


def test_the_campaign_page_shows_each_link_for_owners_without_email(client, register):
    register["olive"].email = ""
    register["olive"].save()
    campaign = start(register)
    client.force_login(register["dpo"])
    content = client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).content.decode()
    assert services.link_for(olive(campaign)).split("/review/")[0] in content
    assert "pass the link on" in content


def test_another_organisations_dpo_cannot_see_or_decide(client, register):
    from entities.models import Membership
    from tests.factories import UserFactory

    campaign = start(register)
    outsider = UserFactory(username="outsider")
    Membership.objects.create(user=outsider, organisation=register["beta"], role="dpo")
    client.force_login(outsider)
    task = campaign.tasks.first()
    assert client.get(reverse("admin:campaigns_campaign_change", args=[campaign.pk])).status_code == 404
    assert client.post(reverse("admin:campaigns_campaign_decide", args=[campaign.pk, task.pk]),
                       {"decision": "reject", "reason": "x"}).status_code == 404


def test_the_worklist_shows_the_campaigns_progress(client, register):
    campaign = start(register)
    services.answer(olive(campaign), campaign.tasks.get(activity=register["payroll"]).pk,
                    confirm=True)
    client.force_login(register["dpo"])
    content = client.get(reverse("admin:index")).content.decode()
    assert campaign.title in content
    assert "1 of 3 answered, 1 waiting for your decision" in content
