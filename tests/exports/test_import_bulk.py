"""The import's bulk write: history, as-of reads, query counts and refusals."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from entities.models import Contact, Organisation, ThirdParty
from processing.exports.registry import export_register
from processing.imports import ImportFailed, import_workbook
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)
from tests.exports.helpers import flush_register, workbook_content
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MODELS = (Organisation, Contact, ThirdParty, ProcessingActivity, Purpose, ActivityLawfulBasis,
          ActivityRecipient, InternationalTransfer, RetentionRule)
#: (model, many-to-many fields whose links the history keeps)
LINKED = (
    (ProcessingActivity, ("joint_controllers", "controllers_served", "data_subjects", "data_categories",
                          "special_category_conditions", "schedule1_conditions", "security_measures")),
    (ActivityLawfulBasis, ("data_categories", "purposes")),
    (ActivityRecipient, ("data_categories",)),
)


def workbook_json(**sheets) -> bytes:
    return json.dumps({"format": "ropa-workbook", "version": 1, "sheets": sheets}).encode()


def register_workbook(n: int, org: str = "Acme Ltd") -> bytes:
    """A register of ``n`` activities, each with every kind of part and link."""
    statuses = ["draft", "active", "in_review", "retired"]
    rows = {name: [] for name in ("Activities", "Purposes", "LawfulBases", "Recipients", "Transfers",
                                  "Retention")}
    for i in range(1, n + 1):
        ref = {"Organisation": org, "Activity reference": f"PA-{i:03d}"}
        rows["Activities"].append({
            "Organisation": org, "Reference": f"PA-{i:03d}", "Name": f"Activity {i}",
            "Role": "joint_controller" if i % 2 else "controller", "Status": statuses[i % 4],
            "Joint controllers": ["Partner Ltd"] if i % 2 else [],
            "Data subjects": ["customers", "prospects"], "Data categories": ["identity", "contact"],
            "Security measures": ["encryption-at-rest"], "DPIA link": "https://dpia.example/1",
        })
        rows["Purposes"] += [{**ref, "No.": 1, "Purpose": f"Serve customers {i}"},
                             {**ref, "No.": 2, "Purpose": "Report"}]
        rows["LawfulBases"] += [
            {**ref, "Lawful basis": "A6-1-a", "Limited to purposes (No.)": ["1"],
             "Limited to data categories": ["identity"], "Consent record link": "https://c.example/"},
            {**ref, "Lawful basis": "A6-1-f", "Legitimate interest": "Reporting",
             "LIA link": "https://lia.example/1"},
        ]
        rows["Recipients"] += [{**ref, "Third party": "Cloud Co", "Data disclosed": ["contact"],
                                "Why it receives the data": "Hosting"},
                               {**ref, "Recipient category": "crm-provider"}]
        rows["Transfers"].append({**ref, "Country (ISO)": "US", "Importer": "Cloud Co",
                                  "Mechanism": "EU-SCC-2021", "Safeguards": "SCCs"})
        rows["Retention"].append({**ref, "Period": "P2Y", "Counted from": "last_contact",
                                  "At the end": "deletion"})
    return workbook_json(
        Organisations=[{"Name": f"{org} Group", "Country (ISO)": "GB"},
                       {"Name": org, "Country (ISO)": "GB", "Parent organisation": f"{org} Group"}],
        Contacts=[{"Organisation": org, "Role": "dpo", "Name": "Dana Officer",
                   "Email": "dpo@acme.example"}],
        ThirdParties=[{"Organisation": org, "Name": "Cloud Co", "Kind": "processor",
                       "Country (ISO)": "US", "Recipient category": "crm-provider"},
                      {"Organisation": org, "Name": "Partner Ltd", "Kind": "joint_controller",
                       "Group organisation": f"{org} Group"}],
        **rows,
    )


def links(obj, name: str) -> set[int]:
    return set(getattr(obj, name).values_list("pk", flat=True))


def history_links(record, model, name: str) -> set[int]:
    target = model._meta.get_field(name).m2m_reverse_field_name()
    return set(getattr(record, name).values_list(f"{target}_id", flat=True))


def test_every_imported_object_has_one_creation_record_by_the_user_through_the_import():
    user = UserFactory(username="importer")

    summary = import_workbook(register_workbook(8), "register.json", user=user)

    assert summary.counts["Activities"] == {"created": 8}
    assert summary.counts["Recipients"] == {"created": 16}
    for model in MODELS:
        ids = set(model.objects.values_list("pk", flat=True))
        assert ids, model
        records = list(model.history.filter(id__in=ids))
        assert sorted(r.id for r in records) == sorted(ids), model
        assert {(r.history_type, r.history_user, r.history_path) for r in records} == {
            ("+", user, "import")}, model
    group = Organisation.objects.get(name="Acme Ltd Group")
    acme = Organisation.objects.get(name="Acme Ltd")
    assert acme.parent == group
    assert acme.history.get().parent_id == group.pk
    assert ThirdParty.objects.get(name="Partner Ltd").group_organisation == group


def test_the_creation_records_hold_the_links_as_imported():
    import_workbook(register_workbook(6), "register.json")

    for model, names in LINKED:
        for obj in model.objects.all():
            record = obj.history.get()
            for name in names:
                assert history_links(record, model, name) == links(obj, name), (model, name)
    activity = ProcessingActivity.objects.get(reference="PA-001")
    assert {c.code for c in activity.data_categories.all()} == {"identity", "contact"}
    assert [t.name for t in activity.joint_controllers.all()] == ["Partner Ltd"]
    consent = activity.lawful_bases.get(basis__code="A6-1-a")
    assert [p.description for p in consent.purposes.all()] == ["Serve customers 1"]
    assert {r.personaldatacategory.code for r in consent.history.get().data_categories.all()} == {
        "identity"}


def test_activities_start_at_version_one_with_the_status_of_the_workbook():
    import_workbook(register_workbook(4), "register.json")

    activities = {a.reference: a for a in ProcessingActivity.objects.all()}
    assert {ref: a.status for ref, a in activities.items()} == {
        "PA-001": "active", "PA-002": "in_review", "PA-003": "retired", "PA-004": "draft"}
    assert {a.version for a in activities.values()} == {1}
    assert activities["PA-004"].status_changed_at is None
    assert all(activities[ref].status_changed_at is not None for ref in ("PA-001", "PA-002", "PA-003"))
    assert [p.position for p in activities["PA-001"].purposes.all()] == [1, 2]


@pytest.mark.parametrize("fmt", ["json", "workbook"])
def test_the_register_as_of_today_right_after_the_import_is_the_current_register(fmt):
    import_workbook(register_workbook(5), "register.json")

    # Compared cell by cell: the files' own metadata carries the second they were written.
    current = workbook_content(export_register(fmt)[0], fmt)
    as_of = workbook_content(export_register(fmt, as_of=timezone.localdate())[0], fmt)
    assert len(current["LawfulBases"]) == 10 + (fmt == "workbook")  # + the header row
    assert as_of == current


def test_the_api_as_of_today_sees_the_imported_register(rich_register):
    first, _ = export_register("json")
    flush_register()
    import_workbook(first, "register.json")
    client = APIClient()
    client.force_authenticate(UserFactory(is_superuser=True, is_staff=True))

    today = client.get("/api/v1/export/", {"format": "json", "as_of": timezone.localdate().isoformat()})
    current = client.get("/api/v1/export/", {"format": "json"})

    assert today.status_code == current.status_code == 200
    assert json.loads(today.content)["sheets"] == json.loads(current.content)["sheets"]
    assert json.loads(today.content)["sheets"] == json.loads(first)["sheets"]


def import_queries(content: bytes) -> int:
    with CaptureQueriesContext(connection) as captured:
        import_workbook(content, "register.json")
    return len(captured)


def test_the_import_queries_do_not_grow_with_the_number_of_activities(django_assert_max_num_queries):
    small = import_queries(register_workbook(20, org="Small Ltd"))
    # SQLite caps the parameters of one INSERT, so its batches hold fewer rows.
    slack = 0 if connection.vendor == "postgresql" else 6
    with django_assert_max_num_queries(small + slack):
        import_workbook(register_workbook(60, org="Large Ltd"), "register.json")
    assert small <= 80
    assert ProcessingActivity.objects.filter(organisation__name="Large Ltd").count() == 60
    assert Purpose.objects.filter(activity__organisation__name="Large Ltd").count() == 120


def test_new_activities_next_to_updated_ones_share_the_new_third_parties(rich_register):
    content = workbook_json(
        Organisations=[{"Name": "Mondago Limited", "Country (ISO)": "GB"}],
        ThirdParties=[{"Organisation": "Mondago Limited", "Name": "New Partner", "Kind": "joint_controller"}],
        Activities=[{"Organisation": "Mondago Limited", "Reference": "PA-005", "Name": "Events",
                     "Role": "joint_controller", "Joint controllers": ["New Partner", "Akixi Limited"],
                     "Data categories": ["identity"]}],
        Purposes=[{"Organisation": "Mondago Limited", "Activity reference": "PA-005", "No.": 1,
                   "Purpose": "Run events"}],
    )
    summary = import_workbook(content, "register.json")

    assert summary.counts["Activities"] == {"created": 1}
    assert summary.counts["ThirdParties"] == {"created": 1}
    assert summary.counts["Organisations"]["created"] == 0
    events = ProcessingActivity.objects.get(reference="PA-005")
    assert sorted(t.name for t in events.joint_controllers.all()) == ["Akixi Limited", "New Partner"]
    assert ProcessingActivity.objects.filter(organisation__name="Mondago Limited").count() == 5


def test_a_refusal_by_the_models_names_sheet_row_column_value_and_writes_nothing():
    content = workbook_json(
        Organisations=[{"Name": "Acme Ltd", "Website": "not a website"}],
        Contacts=[{"Organisation": "Acme Ltd", "Role": "dpo", "Name": "Dana", "Telephone": "call me"}],
        Activities=[{"Organisation": "Acme Ltd", "Reference": "PA-1", "Name": "Payroll",
                     "Data categories": ["identity"]}],
        LawfulBases=[{"Organisation": "Acme Ltd", "Activity reference": "PA-1", "Lawful basis": "A6-1-f",
                      "LIA link": "intranet/lia"}],
        Retention=[{"Organisation": "Acme Ltd", "Activity reference": "PA-1", "Period": "P1Y",
                    "Counted from": "other"}],
    )
    with pytest.raises(ImportFailed) as failure:
        import_workbook(content, "register.json")

    found = {(e.sheet, e.row, e.column, e.value) for e in failure.value.errors}
    assert found == {
        ("Organisations", 1, "Website", "not a website"),
        ("Contacts", 1, "Telephone", "call me"),
        ("LawfulBases", 1, "LIA link", "intranet/lia"),
        ("Retention", 1, "Counted from, in words", ""),
    }
    assert "Describe the event" in str(failure.value)
    for model in MODELS:
        assert not model.objects.exists(), model
        assert not model.history.exists(), model


def test_new_organisations_that_are_each_others_parent_are_refused():
    content = workbook_json(Organisations=[
        {"Name": "Alpha Ltd", "Parent organisation": "Beta Ltd"},
        {"Name": "Beta Ltd", "Parent organisation": "Alpha Ltd"},
    ])
    with pytest.raises(ImportFailed) as failure:
        import_workbook(content, "register.json")

    assert {(e.sheet, e.row, e.column, e.value, e.message) for e in failure.value.errors} == {
        ("Organisations", 1, "Parent organisation", "Beta Ltd", "An organisation cannot be its own parent."),
        ("Organisations", 2, "Parent organisation", "Alpha Ltd", "An organisation cannot be its own parent."),
    }
    assert not Organisation.objects.exists()


def test_dry_run_of_a_new_register_writes_neither_rows_nor_history():
    summary = import_workbook(register_workbook(3), "register.json", dry_run=True)

    assert summary.counts["LawfulBases"] == {"created": 6}
    for model in MODELS:
        assert not model.objects.exists(), model
        assert not model.history.exists(), model


def test_the_bulk_service_refuses_what_the_constraints_would_refuse_before_writing(
        rich_register, django_assert_max_num_queries):
    import datetime

    from processing import services

    mondago = Organisation.objects.get(name="Mondago Limited")
    clash = ProcessingActivity(organisation=mondago, reference="PA-001", name="Clash")
    late = ProcessingActivity(organisation=mondago, reference="PA-100", name="Late review",
                              last_reviewed_on=datetime.date(2025, 5, 1),
                              next_review_on=datetime.date(2025, 1, 1))
    nobody = ActivityRecipient(purpose="Neither named nor categorised")
    twin = ThirdParty(organisation=mondago, name="Zendesk Inc", kind="processor")
    before = {model: model.history.count() for model in MODELS}

    # The registers' allocation lock, then two look-ups (third parties, activities) inside
    # a savepoint; no query per object.
    with django_assert_max_num_queries(6), pytest.raises(services.BulkRefused) as refused:
        services.register_bulk_create(
            third_parties=[twin],
            activities=[services.NewActivity(clash),
                        services.NewActivity(late, parts=[services.NewPart(nobody)])],
        )

    problems = {(type(obj).__name__, getattr(obj, "reference", getattr(obj, "name", ""))): error.messages
                for obj, error in refused.value.problems}
    assert set(problems) == {("ProcessingActivity", "PA-001"), ("ProcessingActivity", "PA-100"),
                             ("ActivityRecipient", ""), ("ThirdParty", "Zendesk Inc")}
    assert "activity_next_review_after_last" in problems[("ProcessingActivity", "PA-100")][0]
    assert "activity_recipient_named_or_categorised" in problems[("ActivityRecipient", "")][0]
    assert "already exists" in problems[("ProcessingActivity", "PA-001")][0]
    assert "already exists" in problems[("ThirdParty", "Zendesk Inc")][0]
    assert not ProcessingActivity.objects.filter(reference__in=["PA-100"]).exists()
    assert {model: model.history.count() for model in MODELS} == before


def test_reimporting_an_unchanged_register_reads_it_once_and_writes_nothing():
    small, large = register_workbook(20, org="Small Ltd"), register_workbook(60, org="Large Ltd")
    import_workbook(small, "register.json")
    import_workbook(large, "register.json")
    records = {model: model.history.count() for model in MODELS}

    again_small, again_large = import_queries(small), import_queries(large)

    assert again_small == again_large
    assert again_large <= 40
    assert {model: model.history.count() for model in MODELS} == records
    assert set(ProcessingActivity.objects.values_list("version", flat=True)) == {1}
