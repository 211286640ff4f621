"""The migration that makes activity owners named people keeps every owner, in the
register and in its history."""

import pytest

from tests.core.migrating import migrate as _migrate
from tests.core.migrating import migrate_to_latest

BEFORE = [("processing", "0003_finding_summary"), ("entities", "0002_country_code_validator")]
AFTER = [("processing", "0006_owner_is_a_person"),
         ("entities", "0003_people_trading_address_legal_representative")]


@pytest.mark.django_db(transaction=True)
def test_owners_become_people_of_their_organisation_with_their_login():
    old = _migrate(BEFORE)
    try:
        user_model = old.get_model("auth", "User")
        organisation = old.get_model("entities", "Organisation")
        activity = old.get_model("processing", "ProcessingActivity")
        historical = old.get_model("processing", "HistoricalProcessingActivity")
        olivia = user_model.objects.create(username="olivia", first_name="Olivia",
                                           last_name="Owner", email="olivia@acme.example")
        bare = user_model.objects.create(username="sam")
        acme = organisation.objects.create(name="Acme Ltd")
        beta = organisation.objects.create(name="Beta Ltd")
        owned = [activity.objects.create(organisation=acme, reference="A-1", name="Payroll",
                                         owner=olivia),
                 activity.objects.create(organisation=acme, reference="A-2", name="CRM",
                                         owner=olivia),
                 activity.objects.create(organisation=beta, reference="B-1", name="Billing",
                                         owner=bare)]
        unowned = activity.objects.create(organisation=beta, reference="B-2", name="Website")
        for a in owned:
            historical.objects.create(id=a.pk, organisation_id=a.organisation_id,
                                      reference=a.reference, name=a.name, owner_id=a.owner_id,
                                      history_date=a.created_at, history_type="+", version=1,
                                      created_at=a.created_at, updated_at=a.updated_at,
                                      role="controller", status="draft")
    finally:
        new = _migrate(AFTER)
        migrate_to_latest()

    person = new.get_model("entities", "Person")
    activity = new.get_model("processing", "ProcessingActivity")
    historical = new.get_model("processing", "HistoricalProcessingActivity")
    people = {(p.organisation.name, p.name): (p.email, p.login.username)
              for p in person.objects.select_related("organisation", "login")}
    # One person per organisation and login, named after the account.
    assert people == {("Acme Ltd", "Olivia Owner"): ("olivia@acme.example", "olivia"),
                      ("Beta Ltd", "sam"): ("", "sam")}
    owners = dict(activity.objects.values_list("reference", "owner__name"))
    assert owners == {"A-1": "Olivia Owner", "A-2": "Olivia Owner", "B-1": "sam",
                      "B-2": None}
    assert dict(historical.objects.values_list("reference", "owner__name")) == {
        "A-1": "Olivia Owner", "A-2": "Olivia Owner", "B-1": "sam"}
    assert activity.objects.get(pk=unowned.pk).owner_id is None
