"""Where the admin import keeps an uploaded workbook: the storage ``STORAGES["imports"]``.

The views and the purge reach the kept files through Django's storage API only, so the
import works the same on another backend (here the in-memory one, standing for a storage
shared by several web machines), and the hourly purge needs nothing of the admin.
"""

import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, storages
from django.test import override_settings

from processing.imports import storage
from processing.models import ProcessingActivity
from processing.tasks import purge_expired_uploads
from tests.admin.test_import_admin import changed_workbook, exported, step_url, upload

ROOT = Path(__file__).resolve().parent.parent.parent
IN_MEMORY = "django.core.files.storage.InMemoryStorage"


@pytest.fixture
def in_memory(settings, tmp_path):
    """The import storage in memory; the configured directory moved to ``tmp_path`` to
    show that nothing lands there."""
    configured = settings.STORAGES["imports"]
    directory = tmp_path / "imports"
    settings.STORAGES = {**settings.STORAGES, "imports": {
        **configured, "OPTIONS": {**configured["OPTIONS"], "location": str(directory)}}}
    with override_settings(STORAGES={**settings.STORAGES, "imports": {"BACKEND": IN_MEMORY}}):
        assert isinstance(storages["imports"], InMemoryStorage)
        yield directory


def stored_names() -> list[str]:
    try:
        _directories, names = storages["imports"].listdir("")
    except FileNotFoundError:
        return []
    return sorted(names)


@pytest.mark.django_db
def test_upload_preview_and_confirm_keep_the_workbook_in_the_configured_storage(
        client, dpo_a, activity_a, in_memory):
    client.force_login(dpo_a)
    token = upload(client, changed_workbook(activity_a.organisation))

    assert stored_names() == [f"{token}.json", f"{token}.upload"]
    with storages["imports"].open(f"{token}.json") as file:
        meta = json.loads(file.read())
    assert (meta["user"], meta["filename"], meta["previewed"]) == (dpo_a.pk, "register.xlsx", False)
    assert storages["imports"].open(f"{token}.upload").read()[:2] == b"PK"  # the xlsx itself

    response = client.get(step_url("preview", token))
    assert response.status_code == 200
    activities = {s.name: s for s in response.context["sheets"]}["Activities"]
    assert (activities.created, activities.updated) == (1, 1)
    with storages["imports"].open(f"{token}.json") as file:
        assert json.loads(file.read())["previewed"] is True
    assert stored_names() == [f"{token}.json", f"{token}.upload"]  # rewritten, not duplicated

    response = client.post(step_url("confirm", token))
    assert response.status_code == 302
    assert ProcessingActivity.objects.filter(reference="PA-002").exists()
    assert stored_names() == []
    assert not in_memory.exists()


@pytest.mark.django_db
def test_cancel_deletes_the_workbook_from_the_configured_storage(client, dpo_a, org_a, activity_a,
                                                                 in_memory):
    client.force_login(dpo_a)
    token = upload(client, exported(org_a))
    other = upload(client, exported(org_a))

    client.post(step_url("cancel", token))

    assert stored_names() == [f"{other}.json", f"{other}.upload"]


@pytest.mark.django_db
def test_the_hourly_purge_reads_the_age_of_uploads_from_the_storage(client, dpo_a, org_a, activity_a,
                                                                   in_memory):
    client.force_login(dpo_a)
    fresh = upload(client, exported(org_a))
    with time_machine.travel(storage.timezone.now() - storage.UPLOAD_TTL * 2, tick=False):
        old = upload(client, exported(org_a))
        storages["imports"].save("notes.txt", ContentFile(b"not an upload"))
    assert len(stored_names()) == 5

    assert purge_expired_uploads.apply().get() == 2

    assert sorted(stored_names()) == sorted([f"{fresh}.json", f"{fresh}.upload", "notes.txt"])
    assert old not in "".join(stored_names())
    assert not in_memory.exists()


@pytest.mark.django_db
def test_the_purge_of_a_storage_never_written_removes_nothing(in_memory):
    assert storage.purge_expired() == 0


@pytest.mark.django_db
def test_kept_files_on_the_default_storage_are_readable_by_the_app_user_only(
        client, settings, tmp_path, dpo_a, org_a, activity_a):
    configured = settings.STORAGES["imports"]
    assert configured["BACKEND"] == "django.core.files.storage.FileSystemStorage"
    directory = tmp_path / "imports"
    settings.STORAGES = {**settings.STORAGES, "imports": {
        **configured, "OPTIONS": {**configured["OPTIONS"], "location": str(directory)}}}
    client.force_login(dpo_a)

    token = upload(client, exported(org_a))
    client.get(step_url("preview", token))  # rewrites what is known of the upload

    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for suffix in (".upload", ".json"):
        assert stat.S_IMODE((directory / f"{token}{suffix}").stat().st_mode) == 0o600


def settings_in_a_process(env: dict) -> dict:
    """``STORAGES["imports"]`` as the test settings read it from ``env``."""
    script = "from django.conf import settings; import json; print(json.dumps(settings.STORAGES['imports']))"
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("ROPA_IMPORT_")}
    full_env.update(DJANGO_SETTINGS_MODULE="ropa.settings.test", **env)
    result = subprocess.run([sys.executable, "-c", f"import django; django.setup(); {script}"],
                            cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_the_import_storage_is_configured_from_the_environment(tmp_path):
    default = settings_in_a_process({"MEDIA_ROOT": str(tmp_path / "media")})
    assert default == {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {
        "location": str(tmp_path / "media" / "imports"),
        "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700}}

    shared = settings_in_a_process({"ROPA_IMPORT_DIR": "/mnt/shared/imports"})
    assert shared["OPTIONS"]["location"] == "/mnt/shared/imports"
    assert shared["OPTIONS"]["file_permissions_mode"] == 0o600

    other = settings_in_a_process({"ROPA_IMPORT_STORAGE": IN_MEMORY,
                                   "ROPA_IMPORT_STORAGE_OPTIONS": '{"location": "imports"}'})
    assert other == {"BACKEND": IN_MEMORY, "OPTIONS": {"location": "imports"}}


def test_the_purge_task_imports_nothing_of_the_admin(tmp_path):
    """The worker runs the purge with the admin not even installed: the task reaches the
    kept files through the storage module, never through the admin views."""
    directory = tmp_path / "imports"
    directory.mkdir()
    for name in ("old.upload", "old.json", "fresh.upload"):
        (directory / name).write_bytes(b"x")
    long_ago = (storage.timezone.now() - storage.UPLOAD_TTL * 2).timestamp()
    for name in ("old.upload", "old.json"):
        os.utime(directory / name, (long_ago, long_ago))
    script = textwrap.dedent("""
        import json, sys
        import django
        from django.conf import settings
        from ropa.settings import test as configured

        values = {name: getattr(configured, name) for name in dir(configured) if name.isupper()}
        values["INSTALLED_APPS"] = [a for a in values["INSTALLED_APPS"] if a != "django.contrib.admin"]
        settings.configure(**values)
        django.setup()
        before = set(sys.modules)
        from processing.tasks import purge_expired_uploads
        removed = purge_expired_uploads.run()
        print(json.dumps({"removed": removed, "imported": sorted(set(sys.modules) - before),
                          "loaded": sorted(sys.modules)}))
    """)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ROPA_IMPORT_")}
    env.update(DJANGO_SETTINGS_MODULE="ropa.settings.test", ROPA_IMPORT_DIR=str(directory))
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])

    assert report["removed"] == 2
    assert sorted(p.name for p in directory.iterdir()) == ["fresh.upload"]
    assert "processing.tasks" in report["imported"] and "processing.imports.storage" in report["imported"]
    admin = [m for m in report["imported"]
             if m.startswith("django.contrib.admin") or m.rsplit(".", 1)[-1] in ("admin", "admin_views")]
    assert admin == []
    assert "processing.imports.admin_views" not in report["loaded"]
    assert "processing.admin" not in report["loaded"]
