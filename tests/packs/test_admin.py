"""The packs in the admin: each organisation's members make, list and download its packs;
another organisation's answer 404."""

import io
import zipfile

import pytest
from django.urls import reverse

from entities.models import Membership, Organisation
from packs import signing
from packs.models import RegulatorPack
from packs.verification import verify_pack
from tests.factories import UserFactory
from tests.packs.conftest import make_pack

MAKE = reverse("admin:packs_regulatorpack_make")
LIST = reverse("admin:packs_regulatorpack_changelist")


@pytest.fixture
def organisations(generated):
    return list(Organisation.objects.order_by("name"))


@pytest.fixture
def member(organisations):
    """The DPO of the first organisation only."""
    user = UserFactory(username="dpo-first")
    Membership.objects.create(user=user, organisation=organisations[0], role="dpo")
    return user


def content(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_member_makes_the_pack_of_its_organisation_and_downloads_it(client, member,
                                                                        organisations):
    client.force_login(member)
    first = organisations[0]

    assert client.get(MAKE).status_code == 200
    response = client.post(MAKE, {"organisation": first.pk, "as_of": ""})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="regulator-pack-')
    data = content(response)
    assert verify_pack(io.BytesIO(data), signing.public_key()).ok
    pack = RegulatorPack.objects.get()
    assert (pack.organisation, pack.created_by, pack.created_through) == (first, member, "admin")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert b'"user": "dpo-first"' in archive.read("manifest.json")

    listing = client.get(LIST)
    assert listing.status_code == 200
    assert signing.fingerprint(signing.public_key()) in listing.content.decode()
    assert signing.public_key_base64(signing.public_key()) in listing.content.decode()
    again = client.get(reverse("admin:packs_regulatorpack_download", args=[pack.pk]))
    assert again.status_code == 200
    assert content(again) == data


def test_a_moment_is_taken_and_a_bad_one_named(client, member, organisations):
    client.force_login(member)
    response = client.post(MAKE, {"organisation": organisations[0].pk, "as_of": "2020-01-01"})
    assert response.status_code == 200
    assert RegulatorPack.objects.get().as_of == "2020-01-01"

    response = client.post(MAKE, {"organisation": organisations[0].pk, "as_of": "soon"})
    assert response.status_code == 200
    assert "&#x27;soon&#x27; is not a date or a date-time" in response.content.decode()
    assert RegulatorPack.objects.count() == 1


def test_another_organisations_pack_cannot_be_made_listed_or_downloaded(
        client, member, organisations, tmp_path):
    other = organisations[1]
    make_pack(other, tmp_path / "other.zip")
    theirs = RegulatorPack.objects.get()
    client.force_login(member)

    assert client.post(MAKE, {"organisation": other.pk, "as_of": ""}).status_code == 404
    assert RegulatorPack.objects.count() == 1
    download = reverse("admin:packs_regulatorpack_download", args=[theirs.pk])
    assert client.get(download).status_code == 404
    assert client.get(reverse("admin:packs_regulatorpack_change", args=[theirs.pk])).status_code == 404
    listing = client.get(LIST)
    assert listing.status_code == 200
    assert other.name not in listing.content.decode()
    form = client.get(MAKE).content.decode()
    assert other.name not in form and organisations[0].name in form


def test_the_pack_list_reads_a_fixed_number_of_queries(client, member, organisations, tmp_path,
                                                       django_assert_max_num_queries):
    for number in range(3):
        make_pack(organisations[0], tmp_path / f"{number}.zip")
    client.force_login(member)
    client.get(LIST)  # the signing key and the session, read once

    # 13: the header names the user's organisations (one query on every admin page).
    with django_assert_max_num_queries(13) as captured:
        response = client.get(LIST)
    assert response.status_code == 200
    queries = len(captured)
    make_pack(organisations[0], tmp_path / "more.zip")
    with django_assert_max_num_queries(queries):
        client.get(LIST)


def test_packs_are_not_changed_or_deleted_in_the_admin(admin_client, organisations, tmp_path):
    make_pack(organisations[0], tmp_path / "pack.zip")
    pack = RegulatorPack.objects.get()

    response = admin_client.post(reverse("admin:packs_regulatorpack_delete", args=[pack.pk]),
                                 {"post": "yes"})
    assert response.status_code == 403
    assert RegulatorPack.objects.filter(pk=pack.pk).exists()
    assert admin_client.get(reverse("admin:packs_regulatorpack_add")).status_code == 403


def test_a_pack_that_cannot_be_made_says_why_on_the_form(client, member, organisations):
    from processing import services
    from processing.exports.cells import XLSX_CELL_LIMIT
    from processing.models import ProcessingActivity

    activity = ProcessingActivity.objects.filter(organisation=organisations[0]).exclude(
        status="retired").first()
    services.activity_update(activity=activity, description="x" * (XLSX_CELL_LIMIT + 1))
    client.force_login(member)

    response = client.post(MAKE, {"organisation": organisations[0].pk, "as_of": ""})

    assert response.status_code == 200
    assert "cnil-registre.xlsx: sheet" in response.content.decode()
    assert not RegulatorPack.objects.exists()
