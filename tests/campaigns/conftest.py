import pytest

from entities.models import Membership, Person
from tests.factories import OrganisationFactory, UserFactory, complete_activity
from tests.reports.conftest import celery_in_process, celery_queue  # noqa: F401


@pytest.fixture
def register(db):
    """Two organisations. Acme's DPO; Olive, an owner with no login, owns two active
    records; Sam owns one and signs in; Beta's own record belongs to another register."""
    acme, beta = OrganisationFactory(name="Acme"), OrganisationFactory(name="Beta")
    dpo = UserFactory(username="dora", email="dora@acme.example")
    Membership.objects.create(user=dpo, organisation=acme, role="dpo")
    sam_login = UserFactory(username="sam", email="sam@acme.example")
    Membership.objects.create(user=sam_login, organisation=acme, role="contributor")
    olive = Person.objects.create(organisation=acme, name="Olive Owner", email="olive@acme.example")
    sam = Person.objects.create(organisation=acme, name="Sam Signed", email="sam@acme.example",
                                login=sam_login)
    other = Person.objects.create(organisation=beta, name="Bea", email="bea@beta.example")
    return {
        "acme": acme, "beta": beta, "dpo": dpo, "sam_login": sam_login, "olive": olive, "sam": sam,
        "newsletter": complete_activity(organisation=acme, owner=olive, status="active",
                                        name="Newsletter"),
        "payroll": complete_activity(organisation=acme, owner=olive, status="active",
                                     name="Payroll"),
        "crm": complete_activity(organisation=acme, owner=sam, status="active", name="CRM"),
        "draft": complete_activity(organisation=acme, owner=olive, status="draft", name="Draft"),
        "beta_record": complete_activity(organisation=beta, owner=other, status="active",
                                         name="Beta's"),
    }
