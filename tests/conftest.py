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


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache holds the API's throttle counters: each test starts with none."""
    from django.core.cache import cache

    from processing.api import authentication

    cache.clear()
    authentication._failed_here.clear()


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request):
    """A transactional test ends with a flush, which takes the migrated reference data
    with it: put it back for any transactional test that runs after one."""
    marker = request.node.get_closest_marker("django_db")
    transactional = marker is not None and (
        marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    if transactional or {"transactional_db", "live_server"} & set(request.fixturenames):
        from entities.models import Country
        from processing.reference.load import load_reference_data

        request.getfixturevalue("transactional_db")
        if not Country.objects.exists():
            load_reference_data()
