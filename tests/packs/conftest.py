import io

import pytest
from django.core.management import call_command

from entities.models import Organisation


@pytest.fixture(autouse=True)
def pack_settings(settings, tmp_path):
    """A signing key and a pack store of the test's own."""
    settings.ROPA_PACK_SIGNING_KEY = str(tmp_path / "keys" / "signing.pem")
    settings.STORAGES = {**settings.STORAGES, "packs": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "store"), "file_permissions_mode": 0o600},
    }}
    return settings


@pytest.fixture
def generated(db):
    """A generated register of two organisations; the first of them."""
    call_command("generate_register", activities=12, organisations=2, third_parties=6,
                 stdout=io.StringIO())
    return Organisation.objects.order_by("name").first()


def make_pack(organisation, output, *extra) -> str:
    """Runs ``regulator_pack`` for ``organisation`` and answers what it said."""
    err = io.StringIO()
    call_command("regulator_pack", "--organisation", str(organisation.pk), "-o", str(output),
                 *extra, stderr=err)
    return err.getvalue()


@pytest.fixture
def pack(generated, tmp_path):
    path = tmp_path / "pack.zip"
    make_pack(generated, path)
    return path
