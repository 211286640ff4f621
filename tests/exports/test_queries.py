import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from processing.exports.registry import FORMATS, export_register
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    TransferFactory,
    complete_activity,
)


def register_of(n: int):
    org = OrganisationFactory()
    ContactFactory(organisation=org)
    for _ in range(n):
        activity = complete_activity(organisation=org)
        TransferFactory(activity=activity)
    return org


def queries(fmt: str, **kwargs) -> int:
    with CaptureQueriesContext(connection) as captured:
        export_register(fmt, **kwargs)
    return len(captured)


@pytest.mark.django_db
def test_export_queries_do_not_grow_with_the_register():
    small, large = register_of(10), register_of(200)
    for as_of in (None, datetime.date.today()):
        counts_small = {fmt: queries(fmt, organisation_ids=[small.pk], as_of=as_of) for fmt in FORMATS}
        counts_large = {fmt: queries(fmt, organisation_ids=[large.pk], as_of=as_of) for fmt in FORMATS}
        assert counts_small == counts_large
        assert max(counts_large.values()) <= 30
