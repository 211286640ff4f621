import io
import json
import zipfile

import openpyxl
import pytest

from entities.models import Organisation, ThirdParty
from processing.exports.registry import export_register
from processing.imports import ImportFailed, import_workbook, readers
from processing.models import ProcessingActivity, Purpose
from tests.exports.helpers import flush_register
from tests.factories import UserFactory


def workbook_json(**sheets) -> bytes:
    """A JSON workbook with the given sheets (lists of rows keyed by heading)."""
    return json.dumps({"format": "ropa-workbook", "version": 1, "sheets": sheets}).encode()


def many_activities(n: int, bad_at: int | None = None, bad_value: str = "unicorns") -> bytes:
    activities = []
    for i in range(1, n + 1):
        subjects = ["customers", bad_value] if i == bad_at else ["customers"]
        activities.append({"Organisation": "Acme Ltd", "Reference": f"PA-{i:03d}",
                           "Name": f"Activity {i}", "Data subjects": subjects,
                           "Data categories": ["identity"]})
    return workbook_json(
        Organisations=[{"Name": "Acme Ltd", "Country (ISO)": "GB"}],
        Activities=activities,
        Purposes=[{"Organisation": "Acme Ltd", "Activity reference": f"PA-{i:03d}", "No.": 1,
                   "Purpose": f"Purpose {i}"} for i in range(1, n + 1)],
    )


@pytest.mark.django_db
def test_one_bad_row_among_many_writes_nothing_and_names_row_column_value():
    with pytest.raises(ImportFailed) as failure:
        import_workbook(many_activities(60, bad_at=42), "register.json")

    assert [str(e) for e in failure.value.errors] == [
        "sheet Activities, row 42, column 'Data subjects': Unknown data subject category code "
        "'unicorns'. (value: ['customers', 'unicorns'])"
    ]
    error = failure.value.errors[0]
    assert (error.sheet, error.row, error.column) == ("Activities", 42, "Data subjects")
    assert not Organisation.objects.exists()
    assert not ProcessingActivity.objects.exists()


@pytest.mark.django_db
def test_the_good_file_imports_with_history_by_the_importing_user():
    user = UserFactory(username="importer")

    summary = import_workbook(many_activities(5), "register.json", user=user)

    assert summary.counts["Activities"]["created"] == 5
    activity = ProcessingActivity.objects.get(reference="PA-003")
    assert activity.purposes.get().description == "Purpose 3"
    assert {(h.history_user, h.history_path) for h in activity.history.all()} == {(user, "import")}
    assert {(h.history_user, h.history_path) for h in Purpose.history.all()} == {(user, "import")}


@pytest.mark.django_db
def test_every_problem_is_reported_at_once():
    content = workbook_json(
        Organisations=[{"Name": "Acme Ltd", "Country (ISO)": "XX"}],
        ThirdParties=[{"Organisation": "Acme Ltd", "Name": "Cloud Co", "Kind": "vendor"}],
        Activities=[{"Organisation": "Acme Ltd", "Reference": "PA-1", "Name": "Payroll",
                     "Data categories": ["identity"], "Status": "live"}],
        LawfulBases=[{"Organisation": "Acme Ltd", "Activity reference": "PA-1",
                      "Lawful basis": "A6-1-z"},
                     {"Organisation": "Acme Ltd", "Activity reference": "PA-9",
                      "Lawful basis": "A6-1-b"}],
        Transfers=[{"Organisation": "Acme Ltd", "Activity reference": "PA-1", "Country (ISO)": "US",
                    "Mechanism": "PINKY-PROMISE", "Importer": "Nobody Inc"}],
        Retention=[{"Organisation": "Acme Ltd", "Activity reference": "PA-1", "Period": "7 years"}],
    )
    with pytest.raises(ImportFailed) as failure:
        import_workbook(content, "register.json")

    found = {(e.sheet, e.row, e.column, str(e.value)) for e in failure.value.errors}
    assert found == {
        ("Organisations", 1, "Country (ISO)", "XX"),
        ("ThirdParties", 1, "Kind", "vendor"),
        ("Activities", 1, "Status", "live"),
        ("LawfulBases", 1, "Lawful basis", "A6-1-z"),
        ("LawfulBases", 2, "Activity reference", "PA-9"),
        ("Transfers", 1, "Mechanism", "PINKY-PROMISE"),
        ("Transfers", 1, "Importer", "Nobody Inc"),
        ("Retention", 1, "Period", "7 years"),
    }
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_an_unknown_column_or_sheet_is_an_error_not_ignored():
    content = workbook_json(Organisations=[{"Name": "Acme Ltd", "Countrie": "GB"}],
                            Notes=[{"x": 1}])
    with pytest.raises(ImportFailed) as failure:
        import_workbook(content, "register.json")
    assert {(e.sheet, e.column, e.value) for e in failure.value.errors} == {
        ("Organisations", "Countrie", "Countrie"), ("Notes", "", "Notes")}


@pytest.mark.django_db
def test_unknown_headings_cells_and_references_are_reported_in_one_pass():
    """A file with a misspelt heading, a bad cell and an unknown code reports the three at
    once: fixing the heading does not reveal more problems on the next try."""
    content = workbook_json(
        Organisations=[{"Name": "Acme Ltd", "Countrie": "GB"}],
        Activities=[{"Organisation": "Acme Ltd", "Reference": "PA-1", "Name": "Payroll",
                     "Next review": "soon", "Data subjects": ["unicorns"], "Owner": "Olivia",
                     "Owner email": "not an email"}],
        Transfers=[{"Organisation": "Acme Ltd", "Activity reference": "PA-1", "SCC module": 7,
                    "Mechanism": "EU-SCC-2021"}],
    )
    with pytest.raises(ImportFailed) as failure:
        import_workbook(content, "register.json")

    assert {(e.sheet, e.row, e.column, str(e.value)) for e in failure.value.errors} == {
        ("Organisations", 1, "Countrie", "Countrie"),
        ("Activities", 1, "Next review", "soon"),
        ("Activities", 1, "Data subjects", "['unicorns']"),
        ("Activities", 1, "Owner email", "not an email"),
        ("Transfers", 1, "SCC module", "7"),
    }
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_owners_are_created_as_people_and_one_person_has_one_email():
    rows = [{"Organisation": "Acme Ltd", "Reference": f"PA-{n}", "Name": f"Activity {n}",
             "Owner": "Olivia Owner", "Owner email": email}
            for n, email in ((1, "olivia@acme.example"), (2, ""), (3, "olivia@acme.example"))]
    import_workbook(workbook_json(Organisations=[{"Name": "Acme Ltd"}], Activities=rows),
                    "register.json")
    owners = {(a.reference, a.owner.name, a.owner.email, a.owner.login_id)
              for a in ProcessingActivity.objects.select_related("owner")}
    assert owners == {(f"PA-{n}", "Olivia Owner", "olivia@acme.example", None) for n in (1, 2, 3)}

    rows[1]["Owner email"] = "o.owner@acme.example"
    with pytest.raises(ImportFailed) as failure:
        import_workbook(workbook_json(Organisations=[{"Name": "Acme Ltd"}], Activities=rows),
                        "register.json")
    assert [(e.row, e.column, e.value) for e in failure.value.errors] == [
        (2, "Owner email", "o.owner@acme.example")]
    assert "another email on row 1" in failure.value.errors[0].message


@pytest.mark.django_db
def test_dry_run_reports_and_writes_nothing():
    summary = import_workbook(many_activities(3), "register.json", dry_run=True)
    assert summary.counts["Activities"]["created"] == 3
    assert "Activities: 3 would be created" in summary.lines()
    assert not ProcessingActivity.objects.exists()
    assert not ProcessingActivity.history.exists()


@pytest.mark.django_db
def test_an_existing_activity_is_updated_not_duplicated(rich_register):
    content, _ = export_register("workbook")
    book = openpyxl.load_workbook(io.BytesIO(content))
    ws = book["Activities"]
    headings = [c.value for c in ws[1]]
    row = next(r for r in ws.iter_rows(min_row=2) if r[1].value == "PA-002")
    row[headings.index("Name")].value = "Occupational health service"
    row[headings.index("Status")].value = "active"
    purposes = book["Purposes"]
    purposes.append(["Mondago Limited", "PA-002", 2, "Plan return to work"])
    buffer = io.BytesIO()
    book.save(buffer)

    summary = import_workbook(buffer.getvalue(), "register.xlsx")

    assert summary.counts["Activities"] == {"updated": 1, "unchanged": 3}
    assert ProcessingActivity.objects.filter(reference="PA-002").count() == 1
    activity = ProcessingActivity.objects.get(reference="PA-002")
    assert (activity.name, activity.status) == ("Occupational health service", "active")
    assert list(activity.purposes.values_list("description", flat=True)) == [
        "Manage sickness absence", "Plan return to work"]
    assert activity.history.latest().history_path == "import"


@pytest.mark.django_db
def test_formula_cells_are_neutralised_on_export_and_read_back_as_typed(rich_register):
    content, _ = export_register("workbook")
    book = openpyxl.load_workbook(io.BytesIO(content))
    names = [row[1] for row in book["ThirdParties"].iter_rows(min_row=2, values_only=True)]
    assert "=Client Corp" in names
    cells = [c for ws in book for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    formula_like = [c for c in cells if isinstance(c.value, str) and c.value.startswith(("=", "+", "-", "@"))]
    assert formula_like and all(c.quotePrefix for c in formula_like)
    assert not any(c.quotePrefix for c in cells if c.value == "Mondago Limited")

    flush_register()
    import_workbook(content, "register.xlsx")
    assert ThirdParty.objects.filter(name="=Client Corp").exists()


@pytest.mark.django_db
def test_a_truncated_file_is_refused():
    content, _ = export_register("workbook")
    with pytest.raises(ImportFailed) as failure:
        import_workbook(content[: len(content) // 2], "register.xlsx")
    assert "damaged or truncated" in str(failure.value)


@pytest.mark.django_db
@pytest.mark.parametrize(("content", "name", "expected"), [
    (b"%PDF-1.7 not a workbook", "register.xlsx", "Wrong file type"),
    (b"Organisation,Name\nAcme,x\n", "register.csv", "single csv file"),
    (b"", "register.xlsx", "empty"),
    (b'{"sheets": ', "register.json", "damaged or truncated"),
    (b'{"rows": []}', "register.json", "not a workbook"),
])
def test_a_wrong_file_type_is_refused(content, name, expected):
    with pytest.raises(ImportFailed) as failure:
        import_workbook(content, name)
    assert expected in str(failure.value)


def _zip(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.django_db
def test_a_zip_bomb_is_refused_before_it_is_expanded():
    bomb = _zip({"[Content_Types].xml": b"<x/>", "xl/workbook.xml": b"<x/>",
                 "xl/worksheets/sheet1.xml": b"\0" * (64 * 1024 * 1024)})
    assert len(bomb) < 200_000
    with pytest.raises(ImportFailed) as failure:
        import_workbook(bomb, "register.xlsx")
    assert "zip bomb" in str(failure.value)


@pytest.mark.django_db
def test_too_many_zip_entries_or_bytes_or_rows_are_refused(monkeypatch):
    many = _zip({f"sheet{i}.csv": b"a\n" for i in range(readers.MAX_ZIP_ENTRIES + 1)})
    with pytest.raises(ImportFailed, match="holds 501 files"):
        import_workbook(many, "register.zip")

    monkeypatch.setattr(readers, "MAX_BYTES", 1000)
    with pytest.raises(ImportFailed, match="the limit is 1,000 bytes"):
        import_workbook(b"{" + b" " * 2000 + b"}", "register.json")

    monkeypatch.setattr(readers, "MAX_BYTES", 20 * 1024 * 1024)
    monkeypatch.setattr(readers, "MAX_ROWS", 10)
    with pytest.raises(ImportFailed, match="has 11 rows; the limit is 10"):
        import_workbook(many_activities(11), "register.json")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Activities"
    for i in range(12):
        ws.append(["Organisation", "Reference"] if i == 0 else ["Acme", f"PA-{i}"])
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportFailed, match="Sheet 'Activities' has 11 rows"):
        import_workbook(buffer.getvalue(), "register.xlsx")


@pytest.mark.django_db
def test_a_service_refusal_rolls_back_everything_already_written():
    # Art 9 condition without special category data: the service refuses the activity,
    # after the organisation and the third party were written in the same transaction.
    content = workbook_json(
        Organisations=[{"Name": "Acme Ltd"}],
        ThirdParties=[{"Organisation": "Acme Ltd", "Name": "Cloud Co", "Kind": "processor"}],
        Activities=[{"Organisation": "Acme Ltd", "Reference": "PA-1", "Name": "Payroll",
                     "Data categories": ["identity"], "Art 9 conditions": ["A9-2-b"]}],
    )
    with pytest.raises(ImportFailed) as failure:
        import_workbook(content, "register.json")
    error = failure.value.errors[0]
    assert (error.sheet, error.row, error.column) == ("Activities", 1, "Art 9 conditions")
    assert not Organisation.objects.exists()
    assert not ThirdParty.objects.exists()


def _sheets_of(content: bytes, *names: str) -> bytes:
    """The workbook ``content`` keeping only the sheets ``names``."""
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in list(book.sheetnames):
        if sheet not in names:
            del book[sheet]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.django_db
@pytest.mark.parametrize("kept", [("Activities",), ("Activities", "Recipients"),
                                  ("Organisations", "Activities", "Retention")])
def test_a_sheet_left_out_leaves_that_kind_of_data_as_it_is(rich_register, kept):
    from processing.register import read_register

    before, _ = export_register("workbook")
    activities = read_register().activities
    # The kept sheets change; the sheets left out are left as they are.
    book = openpyxl.load_workbook(io.BytesIO(_sheets_of(before, *kept)))
    if "Recipients" in kept:
        book["Recipients"].delete_rows(2)
    if "Retention" in kept:
        book["Retention"].delete_rows(2)
    buffer = io.BytesIO()
    book.save(buffer)

    dry = import_workbook(buffer.getvalue(), "partial.xlsx", dry_run=True)
    assert set(dry.absent) == {"Organisations", "Contacts", "ThirdParties", "Activities", "Purposes",
                               "LawfulBases", "Recipients", "Transfers", "Retention"} - set(kept)
    assert "Sheets left out, so left as they are:" in dry.lines()[-1]
    import_workbook(buffer.getvalue(), "partial.xlsx")

    after = read_register().activities
    untouched = ["purposes", "lawful_bases", "transfers"]
    untouched += [name for name, sheet in (("recipients", "Recipients"), ("retention_rules", "Retention"))
                  if sheet not in kept]
    for old, new in zip(activities, after, strict=True):
        for part in untouched:
            assert getattr(new, part) == getattr(old, part), (old.reference, part)
    changed = {name: sum(len(getattr(a, name)) for a in after)
               - sum(len(getattr(a, name)) for a in activities)
               for name in ("recipients", "retention_rules")}
    assert changed == {"recipients": -1 if "Recipients" in kept else 0,
                       "retention_rules": -1 if "Retention" in kept else 0}
