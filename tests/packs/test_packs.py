"""The pack made by the command: its files, manifest and signature, its record, and what
verify_pack says of it and of every way it can be changed."""

import hashlib
import io
import json
import os
import stat
import zipfile

import openpyxl
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from packs import signing
from packs.models import RegulatorPack
from packs.services import FILES, MANIFEST, README, SIGNATURE
from processing import services
from processing.exports.registry import export_register
from processing.models import ProcessingActivity
from processing.register import parse_as_of
from tests.packs.conftest import make_pack

MEMBERS = [spec.name for spec in FILES] + [README, MANIFEST, SIGNATURE]


def verify(path, *extra) -> tuple[bool, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_pack", str(path), *extra, stdout=out, stderr=err)
    except CommandError as exc:
        return False, out.getvalue(), err.getvalue() + str(exc)
    return True, out.getvalue(), err.getvalue()


def rewritten(path, target, change):
    """The pack at ``path`` written again to ``target``, each member's bytes passed
    through ``change(name, data)`` (None leaves the member out)."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as out:
        for info in source.infolist():
            data = change(info.filename, source.read(info))
            if data is not None:
                out.writestr(info, data)
    return target


def manifest_of(path) -> tuple[bytes, dict]:
    with zipfile.ZipFile(path) as archive:
        data = archive.read(MANIFEST)
    return data, json.loads(data)


def test_a_pack_of_a_generated_register_verifies(pack, generated):
    ok, out, err = verify(pack)

    assert ok, err
    assert out.startswith(f"OK: {pack}:")
    assert generated.name in out
    with zipfile.ZipFile(pack) as archive:
        assert archive.namelist() == MEMBERS
        readme = archive.read(README).decode()
    _, manifest = manifest_of(pack)
    assert manifest["organisation"] == {"id": generated.pk, "name": generated.name}
    assert [entry["format"] for entry in manifest["files"]] == [
        "ico-xlsx", "cnil-xlsx", "workbook", "pdf", "jsonld", "readme"]
    assert manifest["generated_by"] == {"command": "manage.py regulator_pack", "through": "command"}
    fingerprint = signing.fingerprint(signing.public_key())
    assert manifest["signature"]["key_fingerprint"] == fingerprint
    assert fingerprint in readme and generated.name in readme
    assert manifest["register_digest"]["value"] in readme


def test_the_manifest_gives_each_files_sha256_and_the_files_are_real(pack, generated):
    _, manifest = manifest_of(pack)
    with zipfile.ZipFile(pack) as archive:
        for entry in manifest["files"]:
            data = archive.read(entry["name"])
            assert entry["sha256"] == hashlib.sha256(data).hexdigest(), entry["name"]
            assert entry["size"] == len(data)
        activities = ProcessingActivity.objects.filter(organisation=generated).exclude(
            status="retired")
        ico = openpyxl.load_workbook(archive.open("ico-documentation.xlsx"), read_only=True)
        assert ico.sheetnames
        cnil = openpyxl.load_workbook(archive.open("cnil-registre.xlsx"), read_only=True)
        assert len(cnil.sheetnames) >= activities.count()
        pdf_text = "".join(page.extract_text() for page in PdfReader(archive.open("register.pdf")).pages)
        jsonld = json.loads(archive.read("register-dpv.jsonld"))
    assert activities.exists()
    assert all(activity.reference in pdf_text for activity in activities)
    assert jsonld["@context"]


def test_the_register_digest_is_the_json_workbooks_of_that_moment(pack, generated):
    _, manifest = manifest_of(pack)
    content, _layout = export_register("json", organisation_ids=[generated.pk],
                                       as_of=parse_as_of(manifest["as_of"]))

    assert manifest["register_digest"]["value"] == hashlib.sha256(content).hexdigest()


def test_packs_of_one_moment_share_the_register_digest_and_a_change_makes_another(
        pack, generated, tmp_path):
    _, first = manifest_of(pack)
    activity = ProcessingActivity.objects.filter(organisation=generated).first()
    services.activity_update(activity=activity, name=activity.name + " (renamed)")

    make_pack(generated, tmp_path / "again.zip", "--as-of", first["as_of"])
    make_pack(generated, tmp_path / "now.zip")
    _, again = manifest_of(tmp_path / "again.zip")
    _, now = manifest_of(tmp_path / "now.zip")

    assert again["as_of"] == first["as_of"]
    assert again["register_digest"] == first["register_digest"]
    assert again["generated_at"] != first["generated_at"]
    assert now["register_digest"]["value"] != first["register_digest"]["value"]


def test_the_pack_is_recorded_and_kept(pack, generated):
    manifest_bytes, manifest = manifest_of(pack)

    recorded = RegulatorPack.objects.get()
    assert recorded.organisation == generated
    assert recorded.as_of == manifest["as_of"]
    assert recorded.created_by is None and recorded.created_through == "command"
    assert recorded.created_at.isoformat() == manifest["generated_at"]
    assert recorded.manifest_sha256 == hashlib.sha256(manifest_bytes).hexdigest()
    assert recorded.register_sha256 == manifest["register_digest"]["value"]
    assert recorded.key_fingerprint == manifest["signature"]["key_fingerprint"]
    assert recorded.size == os.path.getsize(pack)
    with recorded.file.open("rb") as kept:
        assert kept.read() == pack.read_bytes()


@pytest.mark.parametrize("member", MEMBERS)
def test_one_byte_changed_in_any_file_fails_naming_it(pack, tmp_path, member):
    def flip(name, data):
        if name != member:
            return data
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0x01]) + data[middle + 1:]

    ok, _out, err = verify(rewritten(pack, tmp_path / "changed.zip", flip))

    assert not ok
    assert member in err
    if member in (MANIFEST, SIGNATURE):
        assert "signature invalid" in err
    else:
        expected = next(e["sha256"] for e in manifest_of(pack)[1]["files"] if e["name"] == member)
        assert f"{member}: expected sha256 {expected}, actual " in err
    assert "verification failed" in err


@pytest.mark.parametrize("where", [0, 1 / 3, 1 / 2, 2 / 3])
def test_a_damaged_zip_member_is_named(pack, tmp_path, where):
    data = bytearray(pack.read_bytes())
    with zipfile.ZipFile(pack) as archive:
        info = archive.getinfo("register.pdf")
    # A byte of the member's compressed data: the zip's CRC check fails on reading it.
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + int(info.compress_size * where)] ^= 0xFF
    damaged = tmp_path / "damaged.zip"
    damaged.write_bytes(bytes(data))

    ok, _out, err = verify(damaged)

    assert not ok
    assert "register.pdf: damaged in the zip (" in err


def test_missing_and_unexpected_files_are_named(pack, tmp_path):
    target = rewritten(pack, tmp_path / "changed.zip",
                       lambda name, data: None if name == "register.pdf" else data)
    with zipfile.ZipFile(target, "a") as archive:
        archive.writestr("extra.txt", b"added later")

    ok, _out, err = verify(target)

    assert not ok
    assert "register.pdf: missing" in err
    assert "extra.txt: unexpected file (not in the manifest)" in err
    assert "signature invalid" not in err


def test_a_pack_signed_by_another_key_fails(generated, tmp_path, settings):
    ours = signing.public_key()
    settings.ROPA_PACK_SIGNING_KEY = str(tmp_path / "other" / "key.pem")
    theirs = signing.public_key()
    make_pack(generated, tmp_path / "theirs.zip")
    settings.ROPA_PACK_SIGNING_KEY = str(tmp_path / "keys" / "signing.pem")
    assert signing.fingerprint(signing.public_key()) == signing.fingerprint(ours)

    ok, _out, err = verify(tmp_path / "theirs.zip")
    assert not ok
    assert (f"signature invalid: {SIGNATURE} is not a signature of {MANIFEST} by the public "
            f"key {signing.fingerprint(ours)}; the manifest names the key "
            f"{signing.fingerprint(theirs)}") in err
    assert "expected sha256" not in err

    # With the key that signed it, given as base64 or as a PEM file, it verifies.
    assert verify(tmp_path / "theirs.zip", "--public-key", signing.public_key_base64(theirs))[0]
    pem = tmp_path / "theirs.pem"
    pem.write_text(signing.public_key_pem(theirs))
    assert verify(tmp_path / "theirs.zip", "--public-key", str(pem))[0]
    stranger = Ed25519PrivateKey.generate().public_key()
    assert not verify(tmp_path / "theirs.zip", "--public-key", signing.public_key_base64(stranger))[0]


def test_a_public_key_that_is_not_one_is_refused(pack):
    with pytest.raises(CommandError, match="--public-key: 'not-a-key' is not an Ed25519 public key"):
        call_command("verify_pack", str(pack), "--public-key", "not-a-key")


def test_the_signing_key_is_made_once_readable_by_the_owner_only(settings):
    first = signing.fingerprint(signing.public_key())

    mode = stat.S_IMODE(os.stat(settings.ROPA_PACK_SIGNING_KEY).st_mode)
    assert mode == 0o600
    assert signing.fingerprint(signing.public_key()) == first
    out = io.StringIO()
    call_command("regulator_pack", "--public-key", stdout=out)
    assert f"Fingerprint: {first}" in out.getvalue()
    assert signing.load_public_key(out.getvalue().split("Base64: ")[1].split()[0]) is not None


def test_the_command_names_what_is_wrong(generated, tmp_path):
    with pytest.raises(CommandError, match="--organisation: no organisation with id 999999"):
        make_pack(type(generated)(pk=999999), tmp_path / "x.zip")
    with pytest.raises(CommandError, match="--as-of: 'yesterday' is not a date"):
        make_pack(generated, tmp_path / "x.zip", "--as-of", "yesterday")
    assert not (tmp_path / "x.zip").exists()
    assert not RegulatorPack.objects.exists()


def test_a_value_a_layout_cannot_hold_stops_the_pack_naming_it_and_nothing_is_kept(
        generated, tmp_path, settings):
    from processing.exports.cells import XLSX_CELL_LIMIT

    activity = ProcessingActivity.objects.filter(organisation=generated).exclude(
        status="retired").first()
    services.activity_update(activity=activity, description="Long. " + "x" * XLSX_CELL_LIMIT)

    with pytest.raises(CommandError, match=r"^cnil-registre.xlsx: sheet .*, row \d+, column "
                                           r"[A-Z]+: 32,773 characters"):
        make_pack(generated, tmp_path / "pack.zip")

    assert not (tmp_path / "pack.zip").exists()
    assert not RegulatorPack.objects.exists()
    store = settings.STORAGES["packs"]["OPTIONS"]["location"]
    assert not os.path.exists(store) or not any(files for _d, _s, files in os.walk(store))


def test_the_system_checks_name_a_key_others_can_read_or_one_that_is_not_a_key(settings):
    from packs.checks import check_signing_key

    assert check_signing_key() == []  # no key yet: made on first use
    signing.public_key()
    assert check_signing_key() == []
    os.chmod(settings.ROPA_PACK_SIGNING_KEY, 0o644)
    assert [found.id for found in check_signing_key()] == ["packs.W001"]
    with open(settings.ROPA_PACK_SIGNING_KEY, "w") as handle:
        handle.write("not a key")
    os.chmod(settings.ROPA_PACK_SIGNING_KEY, 0o600)
    assert [found.id for found in check_signing_key()] == ["packs.E001"]
