"""Backups and their restores, as docs/operations.md describes them.

Two kinds of backup:

- The **database backup** (``pg_dump``) is the authoritative one: it carries everything,
  the history of every record (who changed what, when, through which path) included.
- The **workbook** (``manage.py export_register --format workbook``, or ``json``) is a
  portable, human-readable copy of the register as it stands: organisations, contacts,
  third parties and activities with every part. It carries no history: a register
  restored from it starts a new history whose first entries are the import.

The tests build a register (the demo register plus a retired activity), export it,
empty the register (the reference data stays, as in a freshly migrated database), import
the file with ``import_register`` and export again: the two files hold the same content.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from entities.models import Organisation
from processing import services
from processing.demo import load_demo
from processing.models import LawfulBasis, ProcessingActivity
from reports.models import Report
from ropa.audit import ChangePath
from tests.exports.helpers import flush_register, workbook_content
from tests.once import built_once

pytestmark = pytest.mark.django_db


# --- helpers ------------------------------------------------------------------------------------


def build_register() -> None:
    """The demo register, with one activity retired after being edited (so it has history)."""
    load_demo()
    activity = ProcessingActivity.objects.exclude(status="retired").order_by("pk").first()
    services.activity_update(activity=activity, description="Edited before the backup.")
    services.activity_transition(activity=activity, action="retire")


#: The register of :func:`build_register`, built once for the module; each test starts
#: from it.
_built = built_once(build_register)


@pytest.fixture
def built(_built, db):
    """The built register (each test in a savepoint of the module's transaction)."""


def empty_register() -> None:
    """The state of a freshly migrated database: the reference data (loaded by
    migrations) is all there is; no register, no report, no user."""
    Report.objects.all().delete()
    flush_register(users=True)


def export(fmt: str, path) -> bytes:
    call_command("export_register", "--format", fmt, "-o", str(path), stderr=io.StringIO())
    return path.read_bytes()


def import_file(path) -> str:
    out = io.StringIO()
    call_command("import_register", str(path), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def register_facts() -> dict:
    """What the register says about each activity, keyed by organisation and reference:
    status, and each lawful basis with its scope and details."""
    facts = {}
    activities = ProcessingActivity.objects.with_register().select_related("organisation")
    for activity in activities:
        bases = sorted(
            (use.basis.code,
             tuple(sorted(c.code for c in use.data_categories.all())),
             tuple(sorted(p.description for p in use.purposes.all())),
             use.legitimate_interest, use.lia_link, use.consent_record_link, use.citation,
             use.notes)
            for use in activity.lawful_bases.all()
        )
        facts[(activity.organisation.name, activity.reference)] = {
            "name": activity.name, "status": activity.status, "lawful_bases": bases,
        }
    return facts


# --- the workbook and JSON copies round-trip -----------------------------------------------------


@pytest.mark.parametrize("fmt,extension", [("workbook", "xlsx"), ("ods", "ods"), ("csv", "zip"),
                                            ("json", "json")])
def test_the_demo_registers_restore_into_an_empty_database(tmp_path, fmt, extension, built):
    """The three demo registers, exported in each workbook format, restore into a database
    that holds only what migrations put there: no register, no user. Owners come back as
    the named people they are, without their logins."""
    before = export(fmt, tmp_path / f"backup.{extension}")
    activities = ProcessingActivity.objects.count()
    owners = dict(ProcessingActivity.objects.filter(owner__isnull=False).values_list(
        "reference", "owner__name"))
    assert activities > 10 and owners
    assert Organisation.objects.filter(parent__isnull=False).exists()  # a group

    empty_register()
    assert not ProcessingActivity.objects.exists() and not Organisation.objects.exists()
    assert not get_user_model().objects.exists()
    assert LawfulBasis.objects.exists()  # reference data stays, as after `migrate`

    summary = import_file(tmp_path / f"backup.{extension}")
    assert f"Activities: {activities} were created" in summary
    again = export(fmt, tmp_path / f"again.{extension}")

    first, second = workbook_content(before, fmt), workbook_content(again, fmt)
    assert list(first) == list(second)
    for sheet in first:
        assert second[sheet] == first[sheet], f"sheet {sheet} differs after the restore"
    assert ProcessingActivity.objects.count() == activities
    assert ProcessingActivity.objects.filter(status="retired").count() == 1
    assert dict(ProcessingActivity.objects.filter(owner__isnull=False).values_list(
        "reference", "owner__name")) == owners
    assert not ProcessingActivity.objects.filter(owner__login__isnull=False).exists()


def test_json_backup_restores_the_same_register(tmp_path, built):
    before = export("json", tmp_path / "backup.json")
    document = json.loads(before)
    assert document["format"] == "ropa-workbook"
    assert len(document["sheets"]["Activities"]) == ProcessingActivity.objects.count()

    empty_register()
    import_file(tmp_path / "backup.json")
    again = export("json", tmp_path / "again.json")

    assert json.loads(again) == document
    assert again == before


def test_json_reimport_keeps_every_activity_reference_and_lawful_basis(tmp_path, built):
    facts = register_facts()
    assert sum(len(f["lawful_bases"]) for f in facts.values()) > 10
    # Some bases are limited to some data or purposes: the scope must survive too.
    assert any(data or purposes for f in facts.values()
               for _code, data, purposes, *_details in f["lawful_bases"])
    export("json", tmp_path / "backup.json")

    empty_register()
    assert register_facts() == {}
    import_file(tmp_path / "backup.json")

    assert register_facts() == facts


def test_the_workbook_carries_no_history(tmp_path, built):
    """History is carried by the database backup (pg_dump), not by the workbook: after a
    restore from the workbook each activity's history starts with the import."""
    edited = ProcessingActivity.objects.get(status="retired")
    key = (edited.organisation.name, edited.reference)
    assert edited.history.count() >= 3
    export("workbook", tmp_path / "backup.xlsx")

    empty_register()
    restore_started = timezone.now()
    import_file(tmp_path / "backup.xlsx")

    restored = ProcessingActivity.objects.get(organisation__name=key[0], reference=key[1])
    assert restored.status == "retired"
    assert restored.description == "Edited before the backup."
    paths = set(restored.history.values_list("history_path", flat=True))
    assert paths == {ChangePath.IMPORT}
    assert not restored.history.filter(history_date__lt=restore_started).exists()


# --- the database backup carries everything, history included -----------------------------------


def _pg_tools_env() -> dict:
    settings = connection.settings_dict
    env = {**os.environ, "PGHOST": settings["HOST"] or "127.0.0.1",
           "PGPORT": str(settings["PORT"] or 5432), "PGUSER": settings["USER"] or "postgres"}
    if settings["PASSWORD"]:
        env["PGPASSWORD"] = settings["PASSWORD"]
    return env


def _table_digests(cursor) -> dict[str, tuple[int, str]]:
    """Row count and an md5 of the sorted rows of every table of the public schema."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    digests = {}
    for (table,) in cursor.fetchall():
        cursor.execute(
            f'SELECT count(*), md5(coalesce(string_agg(t::text, \'|\' ORDER BY t::text), \'\')) '
            f'FROM "{table}" t'
        )
        digests[table] = cursor.fetchone()
    return digests


@pytest.mark.django_db(transaction=True)
def test_pg_dump_and_pg_restore_carry_every_table_history_included(tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip("the database backup is a PostgreSQL dump: run with DATABASE_URL=postgres://...")
    if not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        pytest.skip("pg_dump / pg_restore are not installed")
    import psycopg

    build_register()
    source = connection.settings_dict["NAME"]
    target = f"{source}_restored"[:63]
    env = _pg_tools_env()
    dump = tmp_path / "ropa.dump"

    def run(*command):
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, f"{' '.join(command)}: {result.stderr}"

    # The commands of docs/operations.md.
    run("pg_dump", "--format=custom", "--no-owner", "--file", str(dump), source)
    run("dropdb", "--if-exists", target)
    run("createdb", target)
    try:
        run("pg_restore", "--no-owner", "--exit-on-error", "--dbname", target, str(dump))
        with connection.cursor() as cursor:
            expected = _table_digests(cursor)
        with (psycopg.connect(dbname=target, host=env["PGHOST"], port=env["PGPORT"],
                              user=env["PGUSER"], password=env.get("PGPASSWORD")) as restored,
              restored.cursor() as cursor):
            actual = _table_digests(cursor)
            cursor.execute("SELECT count(*) FROM processing_historicalprocessingactivity "
                           "WHERE description = %s", ["Edited before the backup."])
            edited_history = cursor.fetchone()[0]
    finally:
        run("dropdb", "--if-exists", target)

    assert actual == expected
    assert expected["processing_historicalprocessingactivity"][0] > ProcessingActivity.objects.count()
    assert edited_history >= 2  # the edit and the retirement are both in the history
