import pytest
from django.db import transaction

from processing.demo import load_demo
from tests.factories import UserFactory


@pytest.fixture(scope="module")
def demo_register(django_db_setup, django_db_blocker):
    """The demo register, loaded once for the module inside a transaction rolled back at
    its end; each test runs in its own savepoint, from the freshly loaded demo."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        loader = UserFactory(username="loader")
        load_demo(user=loader)
    yield loader
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def loader(demo_register, db):
    return demo_register
