import pytest

from processing.demo import load_demo
from tests.factories import UserFactory
from tests.once import built_once


def _load():
    loader = UserFactory(username="loader")
    load_demo(user=loader)
    return loader


#: The demo register, loaded once for the module; each test starts from it.
demo_register = built_once(_load)


@pytest.fixture
def loader(demo_register, db):
    return demo_register
