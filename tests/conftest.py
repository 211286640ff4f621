import pytest

from tests.factories import OrganisationFactory, UserFactory


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def dpo(db, organisation):
    from entities.models import Membership

    user = UserFactory(username="dpo")
    Membership.objects.create(user=user, organisation=organisation, role="dpo")
    return user
