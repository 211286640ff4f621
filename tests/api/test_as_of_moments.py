"""``as_of`` is a day (its end) or an ISO 8601 instant, through one parser, wherever it is
read: the lawful-basis lookup, the export (API and command) and the admin's as-of page.
Two changes of one day are told apart by the time."""

import datetime
import json

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from processing import services
from processing.models import LawfulBasis
from processing.register import BadMoment, parse_as_of
from tests.admin.conftest import member as admin_member

pytestmark = pytest.mark.django_db

# Europe/London is on summer time (+01:00) in July.
CREATED = datetime.datetime(2025, 7, 1, 9, 0, tzinfo=datetime.UTC)   # 10:00 in London
CHANGED = datetime.datetime(2025, 7, 1, 13, 0, tzinfo=datetime.UTC)  # 14:00 in London


@pytest.fixture
def same_day(org, dpo_user):
    """Created in the morning, renamed and given a second basis in the afternoon."""
    with time_machine.travel(CREATED, tick=False):
        activity = services.activity_create(organisation=org, user=dpo_user, name="Payroll")
        services.lawful_basis_add(activity=activity, basis=LawfulBasis.objects.get(code="A6-1-b"))
    with time_machine.travel(CHANGED, tick=False):
        services.activity_save(
            activity=activity, user=dpo_user, fields={"name": "Payroll and pensions"},
            parts=[services.PartChange(LawfulBasis.uses.field.model,
                                       fields={"basis": LawfulBasis.objects.get(code="A6-1-c"),
                                               "citation": "Pensions Act 2008"})])
    return activity


def bases(client, activity, as_of):
    response = client.get(f"/api/v1/activities/{activity.pk}/lawful-basis/", {"as_of": as_of})
    assert response.status_code == 200, response.data
    return response.data["as_of"], [b["basis"] for b in response.data["lawful_bases"]]


@pytest.mark.parametrize(("as_of", "shown", "expected"), [
    ("2025-07-01T12:00:00Z", "2025-07-01T13:00:00+01:00", ["A6-1-b"]),
    ("2025-07-01T12:59:59.999999+00:00", "2025-07-01T13:59:59.999999+01:00", ["A6-1-b"]),
    ("2025-07-01T13:00:00Z", "2025-07-01T14:00:00+01:00", ["A6-1-b", "A6-1-c"]),
    ("2025-07-01T13:30:00+01:00", "2025-07-01T13:30:00+01:00", ["A6-1-b"]),
    ("2025-07-01T13:30:00 01:00", "2025-07-01T13:30:00+01:00", ["A6-1-b"]),  # '+' unencoded
    ("2025-07-01T13:30", "2025-07-01T13:30:00+01:00", ["A6-1-b"]),  # naive: London time
    ("2025-07-01 14:30:00", "2025-07-01T14:30:00+01:00", ["A6-1-b", "A6-1-c"]),
    ("2025-07-01", "2025-07-01", ["A6-1-b", "A6-1-c"]),  # the end of that day
])
def test_a_same_day_edit_is_told_apart_by_the_time(dpo_client, same_day, as_of, shown, expected):
    assert bases(dpo_client, same_day, as_of) == (shown, expected)


def test_before_the_activity_existed_is_404(dpo_client, same_day):
    response = dpo_client.get(f"/api/v1/activities/{same_day.pk}/lawful-basis/",
                              {"as_of": "2025-07-01T08:59:00Z"})
    assert response.status_code == 404


@pytest.mark.parametrize("bad", ["2025-07-01T25:00", "2025-07-01T12", "1 July 2025",
                                 "2025-07-01T12:00:00+25:00", "2025-07-01Tnoon", "x" * 300])
def test_a_bad_moment_is_400_naming_it_and_both_forms(dpo_client, same_day, bad):
    response = dpo_client.get(f"/api/v1/activities/{same_day.pk}/lawful-basis/", {"as_of": bad})
    assert response.status_code == 400
    [error] = response.data["errors"]
    assert error["field"] == "as_of"
    assert bad[:40] in error["message"]
    assert "YYYY-MM-DD" in error["message"] and "ISO 8601 date-time" in error["message"]

    response = dpo_client.get("/api/v1/export/", {"format": "json", "as_of": bad})
    assert response.status_code == 400
    assert response.json()["parameter"] == "as_of" and bad[:40] in response.json()["detail"]


def _names(content: bytes) -> list[str]:
    return [row["Name"] for row in json.loads(content)["sheets"]["Activities"]]


def test_export_as_of_an_instant(dpo_client, same_day):
    response = dpo_client.get("/api/v1/export/", {"format": "json",
                                                  "as_of": "2025-07-01T12:00:00Z"})
    assert response.status_code == 200
    assert _names(response.content) == ["Payroll"]
    assert "as-of-2025-07-01T130000" in response["Content-Disposition"]
    response = dpo_client.get("/api/v1/export/", {"format": "json", "as_of": "2025-07-01"})
    assert _names(response.content) == ["Payroll and pensions"]


def test_export_command_as_of_an_instant(same_day, tmp_path):
    out = tmp_path / "register.json"
    call_command("export_register", "--format", "json", "--as-of", "2025-07-01T13:59",
                 "-o", str(out))
    assert _names(out.read_bytes()) == ["Payroll"]
    call_command("export_register", "--format", "json", "--as-of", "2025-07-01T14:00:00+01:00",
                 "-o", str(out))
    assert _names(out.read_bytes()) == ["Payroll and pensions"]
    with pytest.raises(CommandError, match=r"--as-of: '2025-07-01 noon' is not a date"):
        call_command("export_register", "--format", "json", "--as-of", "2025-07-01 noon",
                     "-o", str(out))


def test_admin_as_of_page_takes_an_instant(client, org, same_day):
    client.force_login(admin_member("dpo_admin", org, "dpo"))
    url = reverse("admin:processing_processingactivity_as_of")
    page = client.get(url, {"date": "2025-07-01T12:00:00Z"})
    assert page.context["error"] == ""
    [row] = page.context["rows"]
    # Created (version 1) and given its basis (version 2) in the morning.
    assert row["activity"].name == "Payroll" and row["activity"].version == 2
    assert row["change"].version == 2
    page = client.get(url, {"date": "2025-07-01"})
    [row] = page.context["rows"]
    assert (row["activity"].name, row["activity"].version, row["change"].version) == (
        "Payroll and pensions", 3, 3)
    page = client.get(url, {"date": "2025-07-01T99"})
    assert "'2025-07-01T99' is not a date or a date-time" in page.context["error"]


def test_parser_forms():
    assert parse_as_of("2025-07-01") == datetime.date(2025, 7, 1)
    assert parse_as_of("2025-07-01T12:00Z") == datetime.datetime(2025, 7, 1, 12,
                                                                 tzinfo=datetime.UTC)
    utc = datetime.UTC
    # Without an offset, the register's time zone; every instant is given in UTC.
    assert parse_as_of("2025-01-15T12:00") == datetime.datetime(2025, 1, 15, 12, tzinfo=utc)  # GMT
    assert parse_as_of("2025-07-01T12:00") == datetime.datetime(2025, 7, 1, 11, tzinfo=utc)  # BST
    assert parse_as_of("2025-07-01t12:00:00-0500") == datetime.datetime(2025, 7, 1, 17, tzinfo=utc)
    for bad in ("", "2025-02-30", "2025-07-01T", "20250701", "2025-07-01T12:00:00+01:00junk"):
        with pytest.raises(BadMoment):
            parse_as_of(bad)


@pytest.mark.parametrize("value", ["1266-12-22T13:25:43-19:28", "2026-03-01T10:00:00+23:59"])
def test_an_instant_with_any_offset_iso_allows_is_read_not_a_server_error(value):
    moment = parse_as_of(value)
    assert moment.utcoffset() == datetime.timedelta(0)
    assert moment == datetime.datetime.fromisoformat(value)


def test_an_instant_before_year_one_in_utc_is_refused():
    with pytest.raises(BadMoment):
        parse_as_of("0001-01-01T00:00:00+05:00")
