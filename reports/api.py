"""The reports over HTTP: list, read, download, and ask for one (queued, 202)."""

from __future__ import annotations

import django_filters
from django.http import FileResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.reverse import reverse

from entities.models import MemberRole, Membership
from processing.api.filters import organisation_filter
from processing.api.serializers import ErrorSerializer

from . import services
from .models import Report, ReportFormat, ReportKind, ReportStatus
from .selectors import report_list

#: Who may ask for a report of an organisation (API clients are read-only).
RUN_ROLES = (MemberRole.DPO, MemberRole.AUDITOR)
CONTENT_TYPES = {
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ReportFormat.HTML: "text/html; charset=utf-8",
}


class ReportSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True,
                                              default=None)
    xlsx_url = serializers.SerializerMethodField()
    html_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id", "kind", "organisation", "organisation_name", "period", "period_start",
            "status", "failure_reason", "attempts", "created_at", "started_at", "finished_at",
            "emailed_at", "summary", "xlsx_url", "html_url",
        ]
        read_only_fields = fields

    def _download(self, report: Report, fmt: str) -> str | None:
        if report.status != ReportStatus.DONE:
            return None
        url = reverse("reports-api:report-download", args=[report.pk],
                      request=self.context.get("request"))
        return f"{url}?format={fmt}"

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_xlsx_url(self, report) -> str | None:
        return self._download(report, ReportFormat.XLSX)

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_html_url(self, report) -> str | None:
        return self._download(report, ReportFormat.HTML)


class ReportRunSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=ReportKind.choices,
        error_messages={"invalid_choice": "Unknown report kind '{input}': use one of "
                                          + ", ".join(ReportKind.values) + "."},
    )
    organisation = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=2**63 - 1,
        help_text="Id of the organisation; leave out for the whole register (superusers).",
    )
    period = serializers.DateField(
        required=False, allow_null=True,
        help_text="The day the report describes (YYYY-MM-DD); today when left out.",
    )


class ReportRunResponseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=ReportStatus.choices)
    queued = serializers.BooleanField(
        help_text="False when the report of this kind, organisation and period already "
                  "exists (it is produced once).")
    url = serializers.URLField()


class ReportErrorResponseSerializer(serializers.Serializer):
    """The API's error shape, with the id of the report concerned when there is one."""

    errors = ErrorSerializer(many=True)
    report = serializers.IntegerField(required=False)


def error(status_code: int, code: str, message: str, *, field: str | None = None,
          report: int | None = None, headers=None) -> Response:
    body: dict = {"errors": [{"field": field, "code": code, "message": message}]}
    if report is not None:
        body["report"] = report
    return Response(body, status=status_code, headers=headers)


class ReportFilter(django_filters.FilterSet):
    organisation = organisation_filter()

    class Meta:
        model = Report
        fields = ["kind", "status", "organisation", "period"]


class _PassThroughRenderer(JSONRenderer):
    """Lets ``?format=xlsx|html`` reach the download action (files bypass renderers)."""


@extend_schema_view(
    list=extend_schema(summary="Reports you can read", tags=["reports"],
                       responses={200: ReportSerializer(many=True),
                                  400: ReportErrorResponseSerializer,
                                  404: ReportErrorResponseSerializer}),
    retrieve=extend_schema(summary="One report", tags=["reports"],
                           responses={200: ReportSerializer, 404: ReportErrorResponseSerializer}),
)
class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Periodic DPO reports of the organisations you are a member of."""

    serializer_class = ReportSerializer
    lookup_value_regex = r"[0-9]+"
    filterset_class = ReportFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no user
            return Report.objects.none()
        return report_list(user=self.request.user)

    def perform_content_negotiation(self, request, force=False):
        # ``format`` names the file to download here, not a response renderer.
        if self.action == "download":
            renderer = _PassThroughRenderer()
            return renderer, renderer.media_type
        return super().perform_content_negotiation(request, force)

    @extend_schema(
        summary="Download a report file",
        tags=["reports"],
        parameters=[OpenApiParameter("format", str, enum=ReportFormat.values, required=True,
                                     description="xlsx (workbook) or html (web page)")],
        responses={
            (200, CONTENT_TYPES[ReportFormat.XLSX]): OpenApiTypes.BINARY,
            (200, "text/html"): OpenApiTypes.STR,
            400: ReportErrorResponseSerializer, 404: ReportErrorResponseSerializer,
            409: ReportErrorResponseSerializer,
        },
    )
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        report = self.get_object()
        fmt = request.query_params.get("format", "")
        if fmt not in ReportFormat.values:
            return error(status.HTTP_400_BAD_REQUEST, "invalid_choice",
                         f"Unknown format '{fmt}': use ?format=xlsx or ?format=html.",
                         field="format")
        if report.status != ReportStatus.DONE:
            reason = f" Reason: {report.failure_reason}" if report.failure_reason else ""
            return error(status.HTTP_409_CONFLICT, "not_ready",
                         f"Report {report.pk} is {report.get_status_display()}: there is no file "
                         f"to download yet.{reason}", report=report.pk)
        stored = report.file_for(fmt)
        if not stored.name or not stored.storage.exists(stored.name):
            return error(status.HTTP_404_NOT_FOUND, "missing",
                         f"The {fmt} file of report {report.pk} is missing from storage: run "
                         "the report again.", report=report.pk)
        return FileResponse(stored.open("rb"), as_attachment=True,
                            filename=stored.name.rsplit("/", 1)[-1],
                            content_type=CONTENT_TYPES[fmt])

    @extend_schema(
        summary="Ask for a report",
        description="Queues the report of this kind, organisation and period and answers "
                    "202 with its id. Asking again for the same key answers the same report. "
                    "503 when the task queue is unavailable.",
        tags=["reports"],
        request=ReportRunSerializer,
        responses={202: ReportRunResponseSerializer, 400: ReportErrorResponseSerializer,
                   403: ReportErrorResponseSerializer, 503: ReportErrorResponseSerializer},
    )
    @action(detail=False, methods=["post"])
    def run(self, request):
        data = ReportRunSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        organisation_id = data.validated_data.get("organisation")
        self._check_may_run(organisation_id)
        try:
            # A ValidationError of the service answers 400 through the API's error handler.
            report, queued = services.report_start(
                kind=data.validated_data["kind"], organisation=organisation_id,
                period=data.validated_data.get("period"), user=request.user,
            )
        except services.ReportQueueUnavailable as exc:
            return error(status.HTTP_503_SERVICE_UNAVAILABLE, "queue_unavailable", exc.message,
                         report=exc.job_id, headers={"Retry-After": "60"})
        body = ReportRunResponseSerializer({
            "id": report.pk, "status": report.status, "queued": queued,
            "url": reverse("reports-api:report-detail", args=[report.pk], request=request),
        }).data
        return Response(body, status=status.HTTP_202_ACCEPTED)

    def _check_may_run(self, organisation_id):
        user = self.request.user
        if user.is_superuser:
            return
        if organisation_id is None:
            raise ApiValidationError({"organisation": [
                "Give the organisation: only a superuser may ask for a report over the whole "
                "register."]})
        membership = Membership.objects.filter(
            user=user, organisation_id=organisation_id).only("role").first()
        if membership is None:
            raise ApiValidationError({"organisation": [
                f"No organisation with id {organisation_id} among your organisations."]})
        if membership.role not in RUN_ROLES:
            raise PermissionDenied(
                f"Your role in this organisation ({membership.get_role_display()}) may read "
                "reports but not ask for one.")
