"""A register built once for a test module, each test starting from it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.db import transaction


def built_once(build: Callable[[], object]):
    """A module-scoped fixture: ``build()`` (loading the demo costs thousands of queries)
    run once for the module, inside a transaction rolled back at the module's end; its
    answer is the fixture's value. A test asks for ``db`` beside it, so that it runs in a
    savepoint of that transaction: whatever it changes is undone before the next test,
    which starts from the register as built."""

    @pytest.fixture(scope="module")
    def fixture(django_db_setup, django_db_blocker):
        with django_db_blocker.unblock():
            outer = transaction.atomic()
            outer.__enter__()
            try:
                value = build()
            except BaseException:
                transaction.set_rollback(True)
                outer.__exit__(None, None, None)
                raise
        yield value
        with django_db_blocker.unblock():
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)

    return fixture
