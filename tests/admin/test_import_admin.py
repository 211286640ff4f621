"""The workbook import in the admin: upload, preview (a dry run), confirm or cancel."""

import io

import openpyxl
import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from entities.models import Membership, Organisation
from processing.exports.registry import export_register
from processing.imports import admin_views, readers, storage
from processing.imports.preview import SHEET_MODELS, _history_marks, _touched
from processing.models import ProcessingActivity, Purpose
from tests.admin.conftest import member
from tests.factories import UserFactory

UPLOAD_URL = reverse("admin:processing_processingactivity_import")
CHANGELIST_URL = reverse("admin:processing_processingactivity_changelist")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def step_url(name, token):
    return reverse(f"admin:processing_processingactivity_import_{name}", args=[token])


@pytest.fixture(autouse=True)
def _upload_dir(settings, tmp_path):
    """The configured import storage, in a directory of the test's own."""
    configured = settings.STORAGES["imports"]
    settings.STORAGES = {**settings.STORAGES, "imports": {
        **configured, "OPTIONS": {**configured["OPTIONS"], "location": str(tmp_path / "imports")}}}
    return tmp_path / "imports"


def kept_files():
    try:
        _directories, names = storage.upload_storage().listdir("")
    except FileNotFoundError:
        return []
    return sorted(names)


def history_rows() -> int:
    """Every history row of the register, to show that nothing was written."""
    return sum(model.history.count() for model in SHEET_MODELS.values())


def exported(*organisations) -> openpyxl.Workbook:
    content, _layout = export_register("workbook", organisation_ids=[o.pk for o in organisations])
    return openpyxl.load_workbook(io.BytesIO(content))


def cell(book, sheet, row_number, heading):
    ws = book[sheet]
    headings = [c.value for c in ws[1]]
    return ws.cell(row=row_number, column=headings.index(heading) + 1)


def add_row(book, sheet, **values):
    ws = book[sheet]
    headings = [c.value for c in ws[1]]
    ws.append([values.get(h) for h in headings])


def as_upload(book, name="register.xlsx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX)


def changed_workbook(org_a):
    """The register of ``org_a``: PA-001 renamed, PA-002 added with one purpose."""
    book = exported(org_a)
    assert cell(book, "Activities", 2, "Reference").value == "PA-001"
    cell(book, "Activities", 2, "Name").value = "Customer support and complaints"
    add_row(book, "Activities", **{"Organisation": org_a.name, "Reference": "PA-002",
                                   "Name": "Newsletter", "Data subjects": "customers",
                                   "Data categories": "contact"})
    add_row(book, "Purposes", **{"Organisation": org_a.name, "Activity reference": "PA-002",
                                 "No.": 1, "Purpose": "Send the monthly newsletter"})
    return book


def upload(client, book, name="register.xlsx"):
    response = client.post(UPLOAD_URL, {"workbook": as_upload(book, name)})
    assert response.status_code == 302, response.content.decode()[:2000]
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]
    assert response["Location"] == step_url("preview", token)
    return token


# --- upload, preview, confirm -----------------------------------------------------------------

@pytest.mark.django_db
def test_preview_shows_counts_and_names_and_writes_nothing(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    token = upload(client, changed_workbook(activity_a.organisation))
    before = history_rows()

    response = client.get(step_url("preview", token))

    assert response.status_code == 200
    sheets = {s.name: s for s in response.context["sheets"]}
    activities = sheets["Activities"]
    assert (activities.created, activities.updated, activities.unchanged) == (1, 1, 0)
    assert activities.created_names.shown == ["Akixi Limited · PA-002 Newsletter"]
    assert activities.updated_names.shown == ["Akixi Limited · PA-001 Customer support and complaints"]
    assert (sheets["Purposes"].created, sheets["Purposes"].unchanged) == (1, 1)
    assert sheets["Purposes"].activities.shown == ["Akixi Limited · PA-002"]
    assert sheets["Organisations"].unchanged_names.shown == ["Akixi Limited"]
    page = response.content.decode()
    assert "Akixi Limited · PA-002 Newsletter" in page
    assert step_url("confirm", token) in page
    # Nothing written, and the file waits for the confirmation.
    assert history_rows() == before
    assert not ProcessingActivity.objects.filter(reference="PA-002").exists()
    activity_a.refresh_from_db()
    assert activity_a.name == "Customer support"
    assert kept_files() == [f"{token}.json", f"{token}.upload"]


@pytest.mark.django_db
def test_confirm_imports_with_the_admin_user_and_the_import_path(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    token = upload(client, changed_workbook(activity_a.organisation))
    client.get(step_url("preview", token))

    response = client.post(step_url("confirm", token))

    assert response.status_code == 302
    assert response["Location"] == CHANGELIST_URL
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.startswith("register.xlsx imported.")
    assert "Activities: 1 created, 1 changed" in message
    new = ProcessingActivity.objects.get(organisation=activity_a.organisation, reference="PA-002")
    assert list(new.purposes.values_list("description", flat=True)) == ["Send the monthly newsletter"]
    assert {(h.history_user, h.history_path) for h in new.history.all()} == {(dpo_a, "import")}
    assert {(h.history_user, h.history_path)
            for h in Purpose.history.filter(activity_id=new.pk)} == {(dpo_a, "import")}
    activity_a.refresh_from_db()
    assert activity_a.name == "Customer support and complaints"
    latest = activity_a.history.latest()
    assert (latest.history_user, latest.history_path) == (dpo_a, "import")
    assert kept_files() == []
    # The token is spent: a second confirmation imports nothing twice.
    again = client.post(step_url("confirm", token), follow=True)
    assert "no longer available" in again.content.decode()
    assert ProcessingActivity.objects.filter(reference="PA-002").count() == 1


@pytest.mark.django_db
def test_a_bad_row_is_shown_with_sheet_row_column_value_and_nothing_is_written(
        client, dpo_a, activity_a):
    book = changed_workbook(activity_a.organisation)
    cell(book, "Activities", 3, "Data subjects").value = "customers\nunicorns"
    client.force_login(dpo_a)
    token = upload(client, book)
    before = history_rows()

    response = client.get(step_url("preview", token))

    assert response.status_code == 200
    assert response.context["errors"] == [{
        "sheet": "Activities", "row": 3, "column": "Data subjects", "value": "customers\nunicorns",
        "message": "Unknown data subject category code 'unicorns'.",
    }]
    page = response.content.decode()
    assert "1 problem found; nothing was written." in page
    assert "unicorns" in page and "Data subjects" in page
    assert step_url("confirm", token) not in page
    # A refused preview cannot be confirmed.
    confirm = client.post(step_url("confirm", token))
    assert confirm["Location"] == step_url("preview", token)
    assert history_rows() == before
    assert not ProcessingActivity.objects.filter(reference="PA-002").exists()


@pytest.mark.django_db
def test_cancel_deletes_the_kept_file(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    token = upload(client, exported(activity_a.organisation))
    assert kept_files()

    response = client.post(step_url("cancel", token))

    assert response["Location"] == CHANGELIST_URL
    assert kept_files() == []
    assert client.get(step_url("preview", token))["Location"] == UPLOAD_URL


@pytest.mark.django_db
def test_a_superuser_imports_a_new_organisation(client, activity_a):
    admin = UserFactory(username="root", is_superuser=True)
    book = exported(activity_a.organisation)
    cell(book, "Organisations", 2, "Name").value = "Brand New Ltd"
    for sheet in ("Contacts", "ThirdParties", "Activities", "Purposes", "LawfulBases",
                  "Recipients", "Transfers", "Retention"):
        for row in range(2, book[sheet].max_row + 1):
            cell(book, sheet, row, "Organisation").value = "Brand New Ltd"
    client.force_login(admin)
    token = upload(client, book, "register.xlsx")
    preview = client.get(step_url("preview", token))
    assert preview.context["sheets"][0].created_names.shown == ["Brand New Ltd"]

    client.post(step_url("confirm", token))

    organisation = Organisation.objects.get(name="Brand New Ltd")
    assert organisation.history.get().history_user == admin
    assert ProcessingActivity.objects.get(organisation=organisation).reference == "PA-001"


# --- files refused before parsing --------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "expected"), [
    ("register.pdf", b"%PDF-1.7\n1 0 obj\n", "Wrong file type: expected a workbook"),
    ("register.csv", b"Name,Country (ISO)\nAcme,GB\n", "A single csv file cannot hold the workbook"),
    ("register.xlsx", b"PK\x03\x04 truncated", "not a readable zip archive"),
])
def test_a_wrong_file_type_is_refused_with_a_clear_message(client, dpo_a, name, content, expected):
    client.force_login(dpo_a)

    response = client.post(UPLOAD_URL, {"workbook": SimpleUploadedFile(name, content)})

    assert response.status_code == 200
    assert any(expected in e for e in response.context["form"].errors["workbook"])
    assert expected in response.content.decode()
    assert kept_files() == []


@pytest.mark.django_db
@pytest.mark.parametrize(("extra", "status"), [(1, 200), (admin_views.MULTIPART_SLACK + 1, 413)])
def test_an_oversized_file_is_refused(client, dpo_a, extra, status):
    client.force_login(dpo_a)
    size = readers.MAX_BYTES + extra

    response = client.post(UPLOAD_URL, {"workbook": SimpleUploadedFile("big.xlsx", b"PK" + bytes(size - 2))})

    assert response.status_code == status
    page = response.content.decode()
    assert f"the limit is {readers.MAX_BYTES:,} bytes" in page
    assert kept_files() == []


# --- who may import ------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("role", ["auditor", "contributor"])
def test_auditors_and_contributors_get_403(client, dpo_a, org_a, activity_a, role):
    client.force_login(dpo_a)
    token = upload(client, exported(org_a))
    other = member(f"{role}_x", org_a, role)
    client.force_login(other)

    assert client.get(UPLOAD_URL).status_code == 403
    assert client.post(UPLOAD_URL, {"workbook": as_upload(exported(org_a))}).status_code == 403
    assert client.get(step_url("preview", token)).status_code == 403
    assert client.post(step_url("confirm", token)).status_code == 403
    assert client.post(step_url("cancel", token)).status_code == 403
    assert "Import a workbook" not in client.get(CHANGELIST_URL).content.decode()
    assert kept_files() == [f"{token}.json", f"{token}.upload"]


@pytest.mark.django_db
def test_the_change_list_links_to_the_import_for_a_dpo(client, dpo_a):
    client.force_login(dpo_a)
    page = client.get(CHANGELIST_URL).content.decode()
    assert f'href="{UPLOAD_URL}"' in page
    assert "Import a workbook" in page


@pytest.mark.django_db
def test_a_dpo_of_a_cannot_import_rows_of_b(client, dpo_a, activity_a, activity_b):
    book = exported(activity_a.organisation, activity_b.organisation)
    client.force_login(dpo_a)
    token = upload(client, book)
    before = history_rows()

    response = client.get(step_url("preview", token))

    assert response.context["foreign_organisations"] == ["Mondago Limited"]
    errors = response.context["errors"]
    assert {(e["sheet"], e["column"], e["value"]) for e in errors} == {
        ("Organisations", "Name", "Mondago Limited"),
        ("Activities", "Organisation", "Mondago Limited"),
    }
    row = next(e for e in errors if e["sheet"] == "Activities")
    assert cell(book, "Activities", row["row"], "Reference").value == "PB-001"
    assert row["message"] == ("You are not the DPO of this organisation: you may import rows of "
                              "Akixi Limited only.")
    assert "organisations you are not the DPO of:" in response.content.decode()
    assert client.post(step_url("confirm", token))["Location"] == step_url("preview", token)
    assert history_rows() == before
    activity_b.refresh_from_db()
    assert activity_b.history.count() == 1


@pytest.mark.django_db
def test_an_owner_named_in_a_workbook_is_a_person_of_that_organisation(client, dpo_a, dpo_b,
                                                                          activity_a):
    book = exported(activity_a.organisation)
    cell(book, "Activities", 2, "Owner").value = dpo_b.username
    client.force_login(dpo_a)
    token = upload(client, book)
    client.get(step_url("preview", token))

    client.post(step_url("confirm", token))

    activity_a.refresh_from_db()
    owner = activity_a.owner
    # A name, not a login: another organisation's user gains nothing from it.
    assert (owner.organisation, owner.name, owner.login) == (activity_a.organisation, "dpo_b", None)
    assert not activity_a.is_owned_by(dpo_b)


@pytest.mark.django_db
def test_a_dpo_who_lost_the_role_cannot_confirm(client, dpo_a, activity_a):
    client.force_login(dpo_a)
    token = upload(client, changed_workbook(activity_a.organisation))
    client.get(step_url("preview", token))
    Membership.objects.filter(user=dpo_a).update(role="auditor")

    assert client.post(step_url("confirm", token)).status_code == 403
    assert not ProcessingActivity.objects.filter(reference="PA-002").exists()


# --- the kept file ---------------------------------------------------------------------------

@pytest.mark.django_db
def test_another_users_token_or_a_forged_one_is_not_found(client, dpo_a, org_a, activity_a):
    client.force_login(dpo_a)
    token = upload(client, exported(org_a))
    client.force_login(member("dpo_a2", org_a, "dpo"))

    for forged in (token, "..%2F..%2Fetc%2Fpasswd", "x" * 32):
        response = client.get(step_url("preview", forged))
        assert response.status_code == 302
        assert response["Location"] == UPLOAD_URL
    assert client.post(step_url("confirm", token))["Location"] == UPLOAD_URL
    assert kept_files() == [f"{token}.json", f"{token}.upload"]


@pytest.mark.django_db
def test_an_expired_upload_is_deleted(client, dpo_a, org_a, activity_a):
    client.force_login(dpo_a)
    token = upload(client, exported(org_a))

    with time_machine.travel(storage.timezone.now() + storage.UPLOAD_TTL * 2):
        response = client.get(step_url("preview", token), follow=True)

    assert "no longer available" in response.content.decode()
    assert kept_files() == []


@pytest.mark.django_db
def test_the_upload_checks_the_csrf_token_after_the_size(dpo_a, org_a, activity_a):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(dpo_a)
    page = browser.get(UPLOAD_URL)
    token = page.context["csrf_token"]

    assert browser.post(UPLOAD_URL, {"workbook": as_upload(exported(org_a))}).status_code == 403
    assert kept_files() == []
    response = browser.post(UPLOAD_URL, {"workbook": as_upload(exported(org_a)),
                                         "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 302
    # Too large: refused on the declared length, before the body is parsed.
    big = SimpleUploadedFile("big.xlsx", bytes(readers.MAX_BYTES + admin_views.MULTIPART_SLACK + 1))
    refused = browser.post(UPLOAD_URL, {"workbook": big})
    assert refused.status_code == 413
    assert not hasattr(refused.wsgi_request, "_files")


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["ods", "csv", "json"])
def test_every_workbook_format_previews(client, dpo_a, org_a, activity_a, fmt):
    content, layout = export_register(fmt, organisation_ids=[org_a.pk])
    client.force_login(dpo_a)
    response = client.post(UPLOAD_URL, {"workbook": SimpleUploadedFile(f"register.{layout.extension}",
                                                                       content)})
    token = response["Location"].rstrip("/").rsplit("/", 1)[-1]

    preview = client.get(step_url("preview", token))

    assert preview.context["kind"] == fmt
    activities = next(s for s in preview.context["sheets"] if s.name == "Activities")
    assert (activities.created, activities.updated, activities.unchanged) == (0, 0, 1)
    assert activities.unchanged_names.shown == ["Akixi Limited · PA-001 Customer support"]


@pytest.mark.django_db
def test_naming_what_an_import_wrote_costs_a_constant_number_of_queries(
        django_assert_max_num_queries, org_a, dpo_a):
    from django.db import transaction

    from processing.imports import import_workbook

    book = exported(org_a)
    for n in range(1, 21):
        add_row(book, "Activities", **{"Organisation": org_a.name, "Reference": f"PA-{n:03d}",
                                       "Name": f"Activity {n}", "Data categories": "contact"})
        add_row(book, "Purposes", **{"Organisation": org_a.name, "Activity reference": f"PA-{n:03d}",
                                     "No.": 1, "Purpose": f"Purpose {n}"})
    content = as_upload(book).read()
    with transaction.atomic():
        marks = _history_marks()
        import_workbook(content, "register.xlsx", user=dpo_a)
        with django_assert_max_num_queries(len(SHEET_MODELS) + 2):
            touched = _touched(marks, dpo_a)
        transaction.set_rollback(True)
    assert len(touched["Activities"]["+"]) == 20
    assert len(touched["Purposes"]["+"]) == 20


@pytest.mark.django_db
def test_the_hourly_task_deletes_expired_uploads_left_behind(client, dpo_a, org_a, activity_a):
    import os

    from processing.tasks import purge_expired_uploads

    client.force_login(dpo_a)
    old, fresh = upload(client, exported(org_a)), upload(client, exported(org_a))
    long_ago = (storage.timezone.now() - storage.UPLOAD_TTL * 2).timestamp()
    for suffix in (".upload", ".json"):
        os.utime(storage.upload_storage().path(f"{old}{suffix}"), (long_ago, long_ago))

    assert purge_expired_uploads.apply().get() == 2
    assert kept_files() == [f"{fresh}.json", f"{fresh}.upload"]


@pytest.mark.django_db(transaction=True)  # the beat's scheduler manages its own connection
def test_the_beat_installs_the_hourly_purge():
    from django_celery_beat.models import PeriodicTask
    from django_celery_beat.schedulers import DatabaseScheduler

    from ropa.celery import app

    app.loader.import_default_modules()
    DatabaseScheduler(app=app)
    task = PeriodicTask.objects.get(name="Imports: delete expired uploads (hourly)")
    assert task.task == "processing.purge_expired_uploads"
    assert task.task in app.tasks
    assert task.interval.every == 3600 and task.interval.period == "seconds"
