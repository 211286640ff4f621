import pytest
from rest_framework.test import APIClient

from entities.models import Membership
from entities.tokens import token_replace
from processing.models import SpecialCategoryCondition
from tests.factories import (
    LawfulBasisUseFactory,
    OrganisationFactory,
    PurposeFactory,
    RecipientFactory,
    ThirdPartyFactory,
    TransferFactory,
    UserFactory,
    basis,
    complete_activity,
    data_category,
    mechanism,
)


def member(organisation, role, username=None):
    user = UserFactory(username=username or f"{role}-{organisation.pk}")
    Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def token_client(user) -> APIClient:
    client = APIClient()
    secret, _replaced = token_replace(user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


@pytest.fixture
def org(db):
    return OrganisationFactory(name="Akixi Limited")


@pytest.fixture
def other_org(db):
    return OrganisationFactory(name="Elsewhere Ltd")


@pytest.fixture
def dpo_user(org):
    return member(org, "dpo")


@pytest.fixture
def dpo_client(dpo_user):
    return token_client(dpo_user)


@pytest.fixture
def activity(org):
    """A complete controller activity of ``org``: no findings."""
    return complete_activity(organisation=org, name="Customer support", reference="PA-100")


@pytest.fixture
def marketing(org):
    """An activity with findings: consent without a record, a US transfer."""
    act = complete_activity(organisation=org, name="Marketing emails", reference="PA-200",
                            description="Newsletters to prospects")
    purpose = PurposeFactory(activity=act, description="Send newsletters")
    act.data_categories.add(data_category("health"))
    use = LawfulBasisUseFactory(activity=act, basis=basis("A6-1-a"))
    use.purposes.set([purpose])
    use.data_categories.set([data_category("contact")])
    act.special_category_conditions.set([SpecialCategoryCondition.objects.get(code="A9-2-a")])
    TransferFactory(activity=act, mechanism=mechanism("EU-US-DPF"))
    return act


@pytest.fixture
def foreign_activity(other_org):
    act = complete_activity(organisation=other_org, name="Payroll", reference="PA-900")
    RecipientFactory(activity=act)
    return act


@pytest.fixture
def foreign_party(other_org):
    return ThirdPartyFactory(organisation=other_org, name="Foreign processor")
