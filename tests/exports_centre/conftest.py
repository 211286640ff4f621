"""Fixtures of the export centre's tests: two registers, files in a temporary place, and
Celery running tasks in-process unless a test starts the real worker."""

import pytest

from entities.models import Membership
from tests.factories import OrganisationFactory, UserFactory, complete_activity
from tests.reports.conftest import broker_down, celery_in_process, celery_queue  # noqa: F401


@pytest.fixture(autouse=True)
def export_dir(settings, tmp_path):
    """The exports' storage in a temporary folder."""
    folder = tmp_path / "exports"
    settings.STORAGES = {**settings.STORAGES, "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(folder)}}}
    return folder


@pytest.fixture
def register(db):
    """Acme: a DPO, an auditor, three activities in force and a retired one. Beta: its own
    DPO and record, never to be seen from Acme."""
    acme, beta = OrganisationFactory(name="Acme Ltd"), OrganisationFactory(name="Beta Ltd")
    dpo = UserFactory(username="dora")
    auditor = UserFactory(username="audrey")
    stranger = UserFactory(username="bea")
    Membership.objects.create(user=dpo, organisation=acme, role="dpo")
    Membership.objects.create(user=auditor, organisation=acme, role="auditor")
    Membership.objects.create(user=stranger, organisation=beta, role="dpo")
    activities = [
        complete_activity(organisation=acme, reference=f"ACM-0{n}", name=name, status="active")
        for n, name in enumerate(["Customer accounts", "Payroll", "Recruitment"], start=1)]
    complete_activity(organisation=acme, reference="ACM-09", name="Old mailing",
                      status="retired")
    complete_activity(organisation=beta, reference="BET-01", name="Beta secret processing",
                      status="active")
    return {"acme": acme, "beta": beta, "dpo": dpo, "auditor": auditor, "stranger": stranger,
            "activities": activities}
