"""A campaign end to end with a real Celery worker on Redis: invitations and the DPO's
summary sent by the worker, answers through the owner's link, the DPO's decision."""

import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaigns.models import Campaign, TaskState
from tests.reports.test_worker import wait_for, worker  # noqa: F401

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


def test_a_campaign_end_to_end_with_the_worker(register, worker):  # noqa: F811
    dpo = Client()
    dpo.force_login(register["dpo"])
    response = dpo.post(reverse("admin:campaigns_campaign_add"), {
        "organisation": register["acme"].pk, "kind": "owners", "title": "", "scope": "all",
        "link_days": 30, "remind_days": 7})
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get()
    assert campaign.title.startswith("Review of Acme")

    wait_for(lambda: len(mail.outbox) == 2, "the worker to send both invitations")
    body = next(m.body for m in mail.outbox if m.to == ["olive@acme.example"])
    link = re.search(r"http://\S+(/review/\S+/)", body).group(1)

    owner = Client()  # no login
    page = owner.get(link)
    assert page.status_code == 200 and "Payroll" in page.content.decode()
    tasks = {t.activity.name: t for t in campaign.tasks.select_related("activity")}
    owner.post(link, {"task": tasks["Newsletter"].pk, "answer": "confirm"})
    owner.post(link, {"task": tasks["Payroll"].pk, "answer": "propose",
                      "name": "Payroll and pensions"})
    # Olive has answered everything: the worker tells the DPO.
    wait_for(lambda: any("dora@acme.example" in m.to for m in mail.outbox),
             "the worker to send the DPO's summary")
    summary = next(m for m in mail.outbox if "dora@acme.example" in m.to)
    assert "1 changes proposed" in summary.body and "1 confirmed as accurate" in summary.body

    decide = reverse("admin:campaigns_campaign_decide", args=[campaign.pk, tasks["Payroll"].pk])
    assert dpo.post(decide, {"decision": "accept"}).status_code == 302
    payroll = register["payroll"]
    payroll.refresh_from_db()
    assert payroll.name == "Payroll and pensions"
    assert payroll.last_reviewed_on == timezone.localdate()
    last = payroll.history.order_by("-history_id").first()
    assert (last.history_path, last.history_user_id) == ("review", register["dpo"].pk)
    assert campaign.tasks.get(pk=tasks["Payroll"].pk).state == TaskState.ACCEPTED
    # Tampered, the link opens nothing.
    assert owner.get(link[:-4] + "xxx/").status_code == 403
