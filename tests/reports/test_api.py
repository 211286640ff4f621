"""/api/v1/reports/: scoped lists, downloads, and asking for a report (202, or 503)."""

import io

import pytest
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.validation import validate_schema
from openpyxl import load_workbook
from rest_framework.test import APIClient

from entities.models import Membership
from reports import services
from reports.models import Report, ReportStatus
from tests.factories import UserFactory
from tests.reports.helpers import produce

pytestmark = pytest.mark.django_db

LIST = "/api/v1/reports/"
RUN = "/api/v1/reports/run/"


def messages(response) -> dict[str | None, list[str]]:
    """The API's errors, {"errors": [{"field", "code", "message"}]}, by field."""
    found: dict[str | None, list[str]] = {}
    for item in response.json()["errors"]:
        found.setdefault(item["field"], []).append(item["message"])
    return found


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def dora(register):
    return client_for(register["dpo_user"])


@pytest.fixture
def reports(register):
    return {
        "acme": produce("health", register["acme"]),
        "other": produce("health", register["other"]),
        "whole": produce("health"),
    }


def test_the_list_holds_the_reports_of_the_users_organisations_only(dora, reports):
    response = dora.get(LIST)

    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [reports["acme"].pk]
    body = response.json()["results"][0]
    assert (body["kind"], body["status"], body["organisation_name"]) == ("health", "done",
                                                                           "Acme Ltd")
    assert body["xlsx_url"].endswith(f"/api/v1/reports/{reports['acme'].pk}/download/?format=xlsx")


def test_a_superuser_sees_every_report_including_the_whole_register(reports):
    admin = UserFactory(username="root", is_superuser=True)

    response = client_for(admin).get(LIST, {"kind": "health"})

    assert {r["id"] for r in response.json()["results"]} == {r.pk for r in reports.values()}


def test_another_organisations_report_answers_404(dora, reports):
    for url in (f"{LIST}{reports['other'].pk}/", f"{LIST}{reports['whole'].pk}/",
                f"{LIST}{reports['other'].pk}/download/?format=xlsx"):
        assert dora.get(url).status_code == 404, url


def test_download_the_workbook_and_the_page(dora, reports):
    url = f"{LIST}{reports['acme'].pk}/download/"

    xlsx = dora.get(url, {"format": "xlsx"})
    html = dora.get(url, {"format": "html"})

    assert xlsx.status_code == 200
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in xlsx["Content-Disposition"]
    book = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content)))
    assert "Findings by rule" in book.sheetnames
    assert html.status_code == 200
    assert html["Content-Type"].startswith("text/html")
    assert b"<svg" in b"".join(html.streaming_content)


def test_download_errors_say_what_is_wrong(dora, register, reports):
    url = f"{LIST}{reports['acme'].pk}/download/"
    assert messages(dora.get(url, {"format": "pdf"})) == {
        "format": ["Unknown format 'pdf': use ?format=xlsx or ?format=html."]}
    assert dora.get(url).status_code == 400
    pending, _ = services.report_request(kind="reviews", organisation=register["acme"])
    response = dora.get(f"{LIST}{pending.pk}/download/", {"format": "xlsx"})
    assert response.status_code == 409
    assert response.json()["report"] == pending.pk
    assert messages(response) == {None: [
        f"Report {pending.pk} is pending: there is no file to download yet."]}


def test_a_failed_report_shows_its_reason(dora, register, settings, tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    settings.MEDIA_ROOT = str(blocker)
    failed = produce("transfers", register["acme"])

    body = dora.get(f"{LIST}{failed.pk}/").json()

    assert body["status"] == "failed"
    assert body["failure_reason"] == failed.failure_reason != ""
    assert body["xlsx_url"] is None


def test_run_answers_202_with_the_report_and_produces_it(dora, register, mailoutbox,
                                                         django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = dora.post(RUN, {"kind": "reviews", "organisation": register["acme"].pk},
                             format="json")

    assert response.status_code == 202, response.content
    body = response.json()
    report = Report.objects.get(pk=body["id"])
    assert (body["queued"], report.status, report.requested_by) == (
        True, ReportStatus.DONE, register["dpo_user"])
    assert body["url"].endswith(f"/api/v1/reports/{report.pk}/")
    assert len(mailoutbox) == 1

    with django_capture_on_commit_callbacks(execute=True):
        again = dora.post(RUN, {"kind": "reviews", "organisation": register["acme"].pk},
                          format="json")
    assert (again.status_code, again.json()["id"], again.json()["queued"]) == (
        202, report.pk, False)
    assert Report.objects.count() == 1 and len(mailoutbox) == 1


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        ({"kind": "bogus", "organisation": "ACME"},
         {"kind": ["Unknown report kind 'bogus': use one of health, reviews, changes, "
                   "transfers."]}),
        ({"kind": "health", "organisation": 999999},
         {"organisation": ["No organisation with id 999999 among your organisations."]}),
        ({"kind": "health"},
         {"organisation": ["Give the organisation: only a superuser may ask for a report over "
                           "the whole register."]}),
        ({"kind": "health", "organisation": "OTHER"},
         {"organisation": ["No organisation with id OTHER among your organisations."]}),
        ({"kind": "health", "organisation": "ACME", "period": "2999-01-01"},
         {"period": ["2999-01-01 is in the future: a report describes a day that has begun."]}),
    ],
)
def test_run_refuses_bad_requests_clearly(dora, register, payload, expected):
    ids = {"ACME": register["acme"].pk, "OTHER": register["other"].pk}
    payload = {k: ids.get(v, v) for k, v in payload.items()}
    expected = {k: [m.replace("OTHER", str(ids["OTHER"])) for m in v] for k, v in expected.items()}
    if payload.get("organisation") == "ACME":
        payload["organisation"] = ids["ACME"]

    response = dora.post(RUN, payload, format="json")

    assert response.status_code == 400
    assert messages(response) == expected
    assert Report.objects.count() == 0


def test_read_only_roles_may_not_ask_for_a_report(register):
    client_user = UserFactory(username="robot")
    Membership.objects.create(user=client_user, organisation=register["acme"], role="api_client")

    response = client_for(client_user).post(
        RUN, {"kind": "health", "organisation": register["acme"].pk}, format="json")

    assert response.status_code == 403
    assert messages(response) == {None: [
        "Your role in this organisation (API client: read-only) may read reports but not ask "
        "for one."]}


@pytest.mark.django_db(transaction=True)
def test_broker_down_answers_503_and_the_rest_keeps_serving(dora, register, broker_down):
    # Committed for real (no test transaction), as in production: the report is queued
    # right after its row is committed, inside the request.
    response = dora.post(RUN, {"kind": "health", "organisation": register["acme"].pk},
                         format="json")

    assert response.status_code == 503
    body = response.json()
    [detail] = messages(response)[None]
    assert detail.startswith(
        "The report could not be queued: the task broker (Redis) is unavailable")
    assert response["Retry-After"] == "60"
    report = Report.objects.get(pk=body["report"])
    assert report.status == ReportStatus.FAILED
    assert "broker (Redis) is unavailable" in report.failure_reason
    listed = dora.get(LIST)
    assert listed.status_code == 200
    assert listed.json()["results"][0]["failure_reason"] == report.failure_reason


def test_the_openapi_schema_documents_the_report_endpoints():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    validate_schema(schema)

    paths = schema["paths"]
    assert set(paths["/api/v1/reports/run/"]) == {"post"}
    run = paths["/api/v1/reports/run/"]["post"]
    assert set(run["responses"]) >= {"202", "400", "403", "503"}
    assert {"ReportRunRequest", "ReportRunResponse", "ReportErrorResponse"} <= set(
        schema["components"]["schemas"])
    download = paths["/api/v1/reports/{id}/download/"]["get"]
    assert [p["name"] for p in download["parameters"] if p["in"] == "query"] == ["format"]
    assert reverse("reports-api:report-run") == RUN
