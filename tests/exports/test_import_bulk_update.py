"""Re-importing a register the database holds: the changed activities are written in one
bulk update, with the history the one-object services would record; an unchanged
re-import writes nothing; a refusal writes nothing."""

import json
import random

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from processing import services
from processing.imports import ImportFailed, import_workbook
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    DataSubjectCategory,
    InternationalTransfer,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)
from ropa.audit import ChangePath
from tests.exports.test_import_bulk import register_workbook
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PARTS = {Purpose: (), ActivityLawfulBasis: ("data_categories", "purposes"),
         ActivityRecipient: ("data_categories",), InternationalTransfer: (), RetentionRule: ()}
ACTIVITY_LINKS = ("joint_controllers", "controllers_served", "data_subjects", "data_categories",
                  "special_category_conditions", "schedule1_conditions", "security_measures")
PARTY_LINKS = ("joint_controllers", "controllers_served")
#: Each kind of change a workbook can make to an activity.
KINDS = ("rename", "subjects", "status", "purpose", "basis", "recipient", "retention")
#: The workflow actions from each status of register_workbook to the next one.
NEXT_STATUS = {"draft": ("in_review", ["submit"]), "in_review": ("active", ["approve"]),
               "active": ("retired", ["retire"]), "retired": ("draft", ["reinstate"])}


def sheets(n: int, org: str) -> dict:
    return json.loads(register_workbook(n, org=org))


def of(rows: list[dict], org: str, reference: str) -> list[dict]:
    return [r for r in rows if r["Organisation"] == org
            and r.get("Activity reference", r.get("Reference")) == reference]


def change_rows(book: dict, org: str, reference: str, kinds) -> None:
    """Edit the workbook's rows of one activity: each kind of change of KINDS."""
    s = book["sheets"]
    activity = of(s["Activities"], org, reference)[0]
    key = {"Organisation": org, "Activity reference": reference}
    if "rename" in kinds:
        activity["Name"] += " (revised)"
    if "subjects" in kinds:
        activity["Data subjects"] = ["customers"]
    if "status" in kinds:
        activity["Status"] = NEXT_STATUS[activity["Status"]][0]
    if "purpose" in kinds:
        next(p for p in of(s["Purposes"], org, reference) if p["No."] == 2)["Purpose"] = "Report yearly"
    if "basis" in kinds:
        next(b for b in of(s["LawfulBases"], org, reference)
             if b["Lawful basis"] == "A6-1-f")["LIA link"] = "https://lia.example/2"
    if "recipient" in kinds:
        s["Recipients"].remove(next(r for r in of(s["Recipients"], org, reference)
                                    if r.get("Recipient category") == "crm-provider"))
    if "retention" in kinds:
        s["Retention"].append({**key, "Period": "P5Y", "Counted from": "end_of_contract",
                               "At the end": "anonymisation"})


def change_one_by_one(activity: ProcessingActivity, kinds, user) -> None:
    """The same change as change_rows, made through the one-object services as one
    version (services.one_version): the workflow actions, then activity_save."""
    kw = {"user": user, "path": ChangePath.IMPORT}
    with transaction.atomic(), services.one_version(activity, **kw):
        fields, parts = {}, []
        if "status" in kinds:
            status = activity.status
            for action in NEXT_STATUS[status][1]:
                # The workbook restores the status it gives, findings or not.
                services.activity_transition(activity=activity, action=action, **kw,
                                             override_reason="as the workbook gives it")
            # The workbook gives the review dates as they were.
            fields |= {"last_reviewed_on": None, "next_review_on": None}
        if "rename" in kinds:
            fields["name"] = activity.name + " (revised)"
        if "subjects" in kinds:
            fields["data_subjects"] = [DataSubjectCategory.objects.get(code="customers")]
        if "purpose" in kinds:
            consent = activity.lawful_bases.get(basis__code="A6-1-a")
            parts += [services.PartChange(Purpose, instance=p, delete=True)
                      for p in activity.purposes.all()]
            parts.append(services.PartChange(ActivityLawfulBasis, instance=consent, delete=True))
            first = services.PartChange(Purpose, fields={
                "description": activity.purposes.get(position=1).description, "position": 1})
            parts += [first, services.PartChange(Purpose, fields={"description": "Report yearly",
                                                                  "position": 2})]
            parts.append(services.PartChange(ActivityLawfulBasis, fields={
                "basis": consent.basis, "consent_record_link": consent.consent_record_link,
                "data_categories": [PersonalDataCategory.objects.get(code="identity")],
                "purposes": [first]}))
        if "basis" in kinds:
            interests = activity.lawful_bases.get(basis__code="A6-1-f")
            parts += [services.PartChange(ActivityLawfulBasis, instance=interests, delete=True),
                      services.PartChange(ActivityLawfulBasis, fields={
                          "basis": LawfulBasis.objects.get(code="A6-1-f"),
                          "legitimate_interest": "Reporting", "lia_link": "https://lia.example/2"})]
        if "recipient" in kinds:
            parts.append(services.PartChange(ActivityRecipient, delete=True,
                                             instance=activity.recipients.get(category__code="crm-provider")))
        if "retention" in kinds:
            parts.append(services.PartChange(RetentionRule, fields={
                "period": "P5Y", "trigger": "end_of_contract", "deletion_method": "anonymisation"}))
        services.activity_save(activity=activity, fields=fields, parts=parts, **kw)


def history_of(org: str) -> dict[str, dict]:
    """Every history row of the activities of ``org`` and of their parts, by reference:
    ids of third parties and purposes given as their names (two registers compare)."""
    names = {("party", t.pk): t.name for t in
             apps.get_model("entities", "ThirdParty").objects.filter(organisation__name=org)}
    purposes = {h.id: h.description for h in Purpose.history.all()}
    out = {}
    for activity in ProcessingActivity.objects.filter(organisation__name=org):
        rows = []
        for h in activity.history.order_by("history_id"):
            fields = {f.attname: getattr(h, f.attname) for f in h.instance_type._meta.concrete_fields
                      if f.attname not in ("id", "organisation_id", "created_at", "updated_at",
                                           "status_changed_at")}
            links = {}
            for name in ACTIVITY_LINKS:
                target = ProcessingActivity._meta.get_field(name).m2m_reverse_field_name()
                ids = getattr(h, name).values_list(f"{target}_id", flat=True)
                links[name] = sorted(names[("party", t)] if name in PARTY_LINKS else t for t in ids)
            rows.append((h.history_type, h.history_user_id, h.history_path, fields, links))
        parts = []
        for model, m2m in PARTS.items():
            for h in model.history.filter(activity_id=activity.pk):
                fields = {f.attname: getattr(h, f.attname) for f in model._meta.concrete_fields
                          if f.attname not in ("id", "activity_id")}
                if "third_party_id" in fields:
                    fields["third_party_id"] = names.get(("party", fields["third_party_id"]))
                links = {}
                for name in m2m:
                    target = model._meta.get_field(name).m2m_reverse_field_name()
                    ids = getattr(h, name).values_list(f"{target}_id", flat=True)
                    links[name] = sorted(purposes[i] if name == "purposes" else i for i in ids)
                parts.append(repr((model.__name__, h.history_type, h.owner_version,
                                   h.history_user_id, h.history_path, sorted(fields.items()),
                                   sorted(links.items()))))
        out[activity.reference] = {"version": activity.version, "activity": rows,
                                   "parts": sorted(parts)}
    return out


@pytest.mark.parametrize("seed", range(5))
def test_a_bulk_reimport_records_the_history_and_versions_of_the_one_object_services(seed):
    user = UserFactory(username="importer")
    n = 8
    for org in ("Bulk Ltd", "Single Ltd"):
        import_workbook(register_workbook(n, org=org), "register.json", user=user)
    rng = random.Random(seed)
    changed = {f"PA-{i:03d}": rng.sample(KINDS, rng.randint(1, len(KINDS)))
               for i in rng.sample(range(1, n + 1), 4)}
    book = sheets(n, "Bulk Ltd")
    for reference, kinds in changed.items():
        change_rows(book, "Bulk Ltd", reference, kinds)
        change_one_by_one(ProcessingActivity.objects.get(organisation__name="Single Ltd",
                                                         reference=reference), kinds, user)

    import_workbook(json.dumps(book).encode(), "register.json", user=user)

    bulk, single = history_of("Bulk Ltd"), history_of("Single Ltd")
    assert set(bulk) == set(single)
    for reference in sorted(bulk):
        assert bulk[reference] == single[reference], (reference, changed.get(reference))
    for reference, history in bulk.items():
        # One history row of the activity per version; the version raised once per change.
        assert history["version"] == (2 if reference in changed else 1)
        assert [row[0] for row in history["activity"]] == (
            ["+", "~"] if reference in changed else ["+"])


def row_counts() -> dict[str, int]:
    """Rows of every table of the register, its history and its links' history."""
    models = [m for label in ("processing", "entities")
              for m in apps.get_app_config(label).get_models(include_auto_created=True)]
    return {m._meta.db_table: m._default_manager.count() for m in models}


def test_an_unchanged_reimport_writes_no_row_anywhere_and_a_change_writes_its_own():
    content = register_workbook(12)
    import_workbook(content, "register.json")
    before = row_counts()

    summary = import_workbook(content, "register.json")

    assert row_counts() == before
    assert summary.counts["Activities"] == {"unchanged": 12}
    assert set(ProcessingActivity.objects.values_list("version", flat=True)) == {1}

    book = sheets(12, "Acme Ltd")
    change_rows(book, "Acme Ltd", "PA-003", ["rename"])
    import_workbook(json.dumps(book).encode(), "register.json")

    after = row_counts()
    grown = {table: after[table] - before[table] for table in after if after[table] != before[table]}
    # One history row of the activity, with its links: nothing else.
    history = ProcessingActivity.history.model._meta.db_table
    assert grown.pop(history) == 1
    assert grown == {f"{history}_{name}": len(links) for name, links in
                     [("data_subjects", ["customers", "prospects"]),
                      ("data_categories", ["identity", "contact"]),
                      ("security_measures", ["encryption-at-rest"]), ("joint_controllers", ["Partner"])]}
    assert ProcessingActivity.objects.get(reference="PA-003").version == 2


def queries_of_a_change(org: str, count: int) -> int:
    import_workbook(register_workbook(60, org=org), "register.json")
    book = sheets(60, org)
    for i in range(1, count + 1):
        change_rows(book, org, f"PA-{i:03d}", KINDS)
    with CaptureQueriesContext(connection) as captured:
        summary = import_workbook(json.dumps(book).encode(), "register.json")
    assert summary.counts["Activities"] == {"updated": count, "unchanged": 60 - count}
    assert ProcessingActivity.objects.filter(organisation__name=org, version=2).count() == count
    return len(captured)


def test_the_reimport_queries_do_not_grow_with_the_number_of_changed_activities():
    few, many = queries_of_a_change("Few Ltd", 10), queries_of_a_change("Many Ltd", 50)

    # SQLite caps the parameters of one statement, so its batches hold fewer rows.
    slack = 0 if connection.vendor == "postgresql" else 6
    assert few <= many <= few + slack
    assert many <= 120


def test_a_bad_changed_row_among_good_ones_writes_nothing_and_names_row_column_value():
    import_workbook(register_workbook(10), "register.json")
    before = row_counts()
    book = sheets(10, "Acme Ltd")
    for i in range(1, 10):
        change_rows(book, "Acme Ltd", f"PA-{i:03d}", KINDS)
    # An Art 9 condition without special category data: the services' rule refuses it (the
    # seventh row of the JSON sheet).
    bad = of(book["sheets"]["Activities"], "Acme Ltd", "PA-007")[0]
    bad["Art 9 conditions"] = ["A9-2-a"]

    with pytest.raises(ImportFailed) as failed:
        import_workbook(json.dumps(book).encode(), "register.json")

    errors = failed.value.errors
    assert [(e.sheet, e.row, e.column) for e in errors] == [("Activities", 7, "Art 9 conditions")]
    assert "A9-2-a" in errors[0].message and "special category" in errors[0].message
    assert row_counts() == before
    assert not ProcessingActivity.objects.filter(name__endswith="(revised)").exists()

    # The same file without the bad value is written.
    bad["Art 9 conditions"] = []
    import_workbook(json.dumps(book).encode(), "register.json")
    assert ProcessingActivity.objects.filter(name__endswith="(revised)").count() == 9


def test_a_part_refused_by_the_services_is_named_by_its_row():
    import_workbook(register_workbook(4), "register.json")
    before = row_counts()
    book = sheets(4, "Acme Ltd")
    change_rows(book, "Acme Ltd", "PA-001", ["rename"])
    # A retention rule limited to data the activity does not process.
    book["sheets"]["Retention"].append({"Organisation": "Acme Ltd", "Activity reference": "PA-002",
                                        "Data category": "health", "Period": "P1Y"})

    with pytest.raises(ImportFailed) as failed:
        import_workbook(json.dumps(book).encode(), "register.json")

    errors = failed.value.errors
    assert [(e.sheet, e.column, e.value) for e in errors] == [("Retention", "Data category", "health")]
    assert "Not among the activity's categories of personal data" in errors[0].message
    assert row_counts() == before


def test_the_bulk_update_refuses_a_second_lawful_basis_of_one_kind_and_writes_nothing():
    import_workbook(register_workbook(2), "register.json")
    activity = ProcessingActivity.objects.select_related("organisation").get(reference="PA-001")
    interests = activity.lawful_bases.get(basis__code="A6-1-f")
    before = row_counts()

    def again(removed=()):
        return services.ActivityChange(activity=activity, fields={"name": "Renamed"}, removed=list(removed),
                                       parts=[services.NewPart(ActivityLawfulBasis(
                                           basis=interests.basis, legitimate_interest="Other"))])

    with pytest.raises(services.BulkRefused) as refused:
        services.register_bulk_update(changes=[again()])

    assert [type(obj).__name__ for obj, _error in refused.value.problems] == ["ActivityLawfulBasis"]
    assert "already exists" in " ".join(refused.value.messages)
    assert row_counts() == before
    assert ProcessingActivity.objects.get(pk=activity.pk).name == "Activity 1"

    # Removing the one it has first, the same basis comes back as a new part of version 2.
    activity.refresh_from_db()
    services.register_bulk_update(changes=[again(removed=[interests])])
    assert activity.lawful_bases.get(basis__code="A6-1-f").legitimate_interest == "Other"
    assert [(h.history_type, h.owner_version) for h in ActivityLawfulBasis.history.filter(
        activity_id=activity.pk, basis_id=interests.basis_id).order_by("history_id")] == [
        ("+", 1), ("-", 2), ("+", 2)]
    assert ProcessingActivity.objects.get(pk=activity.pk).version == 2
