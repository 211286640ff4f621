"""Fixtures of the report tests: a small register built with factories, files in a
temporary MEDIA_ROOT, and Celery running tasks in-process unless a test needs the real
worker or a broker that is down."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from entities.models import Contact, Membership
from ropa.celery import app as celery_app
from tests.factories import (
    ActivityFactory,
    OrganisationFactory,
    TransferFactory,
    UserFactory,
    complete_activity,
    country,
    mechanism,
    person_of,
)


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def celery_in_process(request):
    """Tasks run in the test process (no message leaves it), except for the tests that
    start a real worker or simulate a broker that is down."""
    if request.node.get_closest_marker("celery_worker") or "broker_down" in request.fixturenames:
        yield
        return
    old = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = True, True
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = old


@pytest.fixture
def celery_queue():
    """The real Celery queue to oneself: tests run in parallel (pytest-xdist) that start a
    worker take turns, or one's worker would take the other's tasks."""
    import fcntl
    import hashlib
    import os
    import tempfile

    broker = hashlib.sha256(celery_app.conf.broker_url.encode()).hexdigest()[:12]
    with open(os.path.join(tempfile.gettempdir(), f"ropa-celery-queue-{broker}.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            celery_app.control.purge()  # nothing left over from an earlier test
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture
def broker_down():
    """Point the Celery app at a Redis port where nothing listens, then restore it."""
    conf = celery_app.conf
    saved = conf.broker_url, conf.broker_transport_options, conf.task_always_eager

    def reset_pools():
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    conf.broker_url = "redis://127.0.0.1:1/0"
    conf.broker_transport_options = {"socket_connect_timeout": 1}
    conf.task_always_eager = False
    reset_pools()
    yield
    conf.broker_url, conf.broker_transport_options, conf.task_always_eager = saved
    reset_pools()


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def register(db, today):
    """Two organisations: Acme (the one reported on) and Other (must never show up).

    Acme has a complete activity, an empty one (every Art 30 item missing), one whose
    review is overdue, one due in 10 days, a US transfer under SCCs and one to India with
    no mechanism.
    """
    acme = OrganisationFactory(name="Acme Ltd")
    other = OrganisationFactory(name="Other Ltd")
    owner = person_of(UserFactory(username="olivia", first_name="Olivia", last_name="Owner",
                                  email="olivia@acme.example"), acme)
    dpo_user = UserFactory(username="dora", email="dora@acme.example")
    auditor = UserFactory(username="audrey", email="audrey@acme.example")
    Membership.objects.create(user=dpo_user, organisation=acme, role="dpo")
    Membership.objects.create(user=auditor, organisation=acme, role="auditor")
    Contact.objects.create(organisation=acme, role="dpo", name="Dee Peeo",
                           email="dpo@acme.example")
    Contact.objects.create(organisation=acme, role="privacy", name="Desk",
                           email="privacy@acme.example")
    Contact.objects.create(organisation=other, role="dpo", name="Other DPO",
                           email="dpo@other.example")

    complete = complete_activity(organisation=acme, reference="ACM-01", name="Customer accounts",
                                 owner=owner, status="active")
    empty = ActivityFactory(organisation=acme, reference="ACM-02", name="Empty record")
    overdue = complete_activity(
        organisation=acme, reference="ACM-03", name="Payroll", owner=owner, status="active",
        last_reviewed_on=today - datetime.timedelta(days=400),
        next_review_on=today - datetime.timedelta(days=35))
    due_soon = complete_activity(
        organisation=acme, reference="ACM-04", name="Recruitment", status="active",
        last_reviewed_on=today - datetime.timedelta(days=355),
        next_review_on=today + datetime.timedelta(days=10))
    TransferFactory(activity=complete, country=country("US"), mechanism=mechanism("UK-ADDENDUM"),
                    tia_link="https://example.com/tia.pdf")
    TransferFactory(activity=overdue, country=country("IN"), mechanism=None)
    complete_activity(organisation=other, reference="OTH-01", name="Other processing")
    ActivityFactory(organisation=other, reference="OTH-02", name="Other empty record")
    return {
        "acme": acme, "other": other, "owner": owner, "dpo_user": dpo_user, "auditor": auditor,
        "complete": complete, "empty": empty, "overdue": overdue, "due_soon": due_soon,
    }
