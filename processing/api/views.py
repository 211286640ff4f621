"""API views: thin viewsets over the register's read model and the services."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from entities.models import Country, Organisation, RecipientCategory, ThirdParty
from processing.completeness import OrganisationCompleteness, register_completeness
from processing.findings import HAS_FINDINGS, with_fresh_summaries
from processing.models import (
    DataSubjectCategory,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    Schedule1Condition,
    SecurityMeasure,
    SpecialCategoryCondition,
    TransferMechanism,
)
from processing.register import activity_rows, read_activities, read_activity

from . import serializers as s
from .etag import activity_etag, body_etag, check_body_etag, expected_version
from .filters import ActivityFilter, RecipientFilter
from .history import current_lawful_basis, lawful_basis_as_of
from .moments import AS_OF, as_of_param
from .permissions import ActivityPermission, EntityPermission, user_roles
from .representation import represent_activities, represent_activity
from .writes import save_activity, save_organisation, save_third_party, transition_activity

_ERROR = s.ErrorResponseSerializer


def errors(*codes: int) -> dict:
    described = {
        400: "The input is not valid: each error names the field and the problem.",
        401: "No credentials, or credentials that are not valid.",
        403: "Your role does not allow this.",
        404: "No such object among those you may see.",
        409: "The object's state does not allow this (e.g. approving a retired activity).",
        412: "If-Match does not match the current version: nothing was changed.",
    }
    return {code: OpenApiResponse(_ERROR, description=described[code]) for code in codes}


#: An If-Match header: ``*`` or entity tags (``"v12"``, ``W/"v12"``), comma separated.
IF_MATCH_SCHEMA = {"type": "string",
                   "pattern": r'^(\*|(W/)?"[^"]*"(\s*,\s*(W/)?"[^"]*")*)$'}

IF_MATCH = OpenApiParameter(
    "If-Match", IF_MATCH_SCHEMA, OpenApiParameter.HEADER, required=False,
    description="The ETag of the activity as you read it (\"v12\"). A stale one answers 412 "
                "and changes nothing; without it the write is accepted.",
)


class ETagMixin:
    """An ETag on every object response, from a digest of the body."""

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (response.status_code == status.HTTP_200_OK and self.detail
                and isinstance(response.data, dict) and not response.has_header("ETag")):
            response["ETag"] = body_etag(response.data)
        return response

    def get_object(self):
        value = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")
        if "\x00" in value or len(value) > 64:
            raise Http404
        return super().get_object()


class ReferenceViewSet(ETagMixin, viewsets.ReadOnlyModelViewSet):
    """Reference data shipped with the app, looked up by its stable code."""

    lookup_field = "code"
    lookup_value_regex = r"[^/]+"
    filter_backends = []


def _reference_viewset(model, serializer, doc):
    list_doc = extend_schema(description=doc, responses={200: serializer(many=True),
                                                          **errors(400, 401, 404)})
    detail_doc = extend_schema(description=doc, responses={200: serializer, **errors(401, 404)})
    return extend_schema_view(list=list_doc, retrieve=detail_doc)(
        type(f"{model.__name__}ViewSet", (ReferenceViewSet,), {
            "queryset": model.objects.order_by("code"),
            "serializer_class": serializer,
            "__doc__": doc,
        })
    )


DataCategoryViewSet = _reference_viewset(
    PersonalDataCategory, s.PersonalDataCategorySerializer,
    "Categories of personal data (Art 30(1)(c)), with the Art 9 / Art 10 flags.")
DataSubjectCategoryViewSet = _reference_viewset(
    DataSubjectCategory, s.DataSubjectCategorySerializer,
    "Categories of data subjects (Art 30(1)(c)).")
LawfulBasisViewSet = _reference_viewset(
    LawfulBasis, s.LawfulBasisSerializer, "The Art 6(1) lawful bases (and UK 6(1)(ea)).")
CountryViewSet = _reference_viewset(
    Country, s.CountrySerializer, "ISO 3166-1 countries with EEA membership and adequacy.")
TransferMechanismViewSet = _reference_viewset(
    TransferMechanism, s.TransferMechanismSerializer, "Chapter V transfer mechanisms.")
SpecialCategoryConditionViewSet = _reference_viewset(
    SpecialCategoryCondition, s.SpecialCategoryConditionSerializer,
    "Art 9(2) conditions for special category data.")
Schedule1ConditionViewSet = _reference_viewset(
    Schedule1Condition, s.Schedule1ConditionSerializer,
    "DPA 2018 Schedule 1 and Art 10 conditions.")
RecipientCategoryViewSet = _reference_viewset(
    RecipientCategory, s.RecipientCategorySerializer,
    "Categories of recipients (Art 30(1)(d)): the codes a recipient's category takes.")
SecurityMeasureViewSet = _reference_viewset(
    SecurityMeasure, s.SecurityMeasureSerializer,
    "Technical and organisational security measures (Art 30(1)(g)).")


IF_MATCH_BODY = OpenApiParameter(
    "If-Match", IF_MATCH_SCHEMA, OpenApiParameter.HEADER, required=False,
    description="The ETag of the object as you read it. A stale one answers 412 and changes "
                "nothing; without it the write is accepted.",
)


class EntityWriteMixin(mixins.CreateModelMixin, mixins.UpdateModelMixin):
    """Create and change through the services; the answer is the object as a read shows
    it. There is no DELETE: register objects stay, with their history."""

    permission_classes = [EntityPermission]
    write_serializer_class: type
    save = None  # the write function: save(data=..., user=..., instance=...)

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return self.write_serializer_class
        return self.serializer_class

    def _answer(self, obj, status_code=status.HTTP_200_OK):
        obj = self.get_queryset().get(pk=obj.pk)
        data = self.serializer_class(obj, context=self.get_serializer_context()).data
        response = Response(data, status=status_code)
        response["ETag"] = body_etag(data)
        return response

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = type(self).save(data=serializer.validated_data, user=request.user)
        return self._answer(obj, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        instance = self.get_object()
        # A bad body is a 400 whatever the ETag; then a stale one is a 412.
        serializer = self.get_serializer(instance, data=request.data,
                                         partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        check_body_etag(request, self.serializer_class(
            instance, context=self.get_serializer_context()).data)
        obj = type(self).save(data=serializer.validated_data, user=request.user, instance=instance)
        return self._answer(obj)


def _entity_docs(read, write, what: str):
    change = {"request": write, "parameters": [IF_MATCH_BODY],
              "responses": {200: read, **errors(400, 401, 403, 404, 412)}}
    return extend_schema_view(
        list=extend_schema(responses={200: read(many=True), **errors(400, 401, 404)}),
        retrieve=extend_schema(responses={200: read, **errors(401, 404)}),
        create=extend_schema(request=write, description=f"Add {what}.",
                             responses={201: read, **errors(400, 401, 403)}),
        update=extend_schema(**change),
        partial_update=extend_schema(**change),
    )


@_entity_docs(s.OrganisationSerializer, s.OrganisationWriteSerializer,
              "an organisation (a company of your group); you become its DPO")
class OrganisationViewSet(EntityWriteMixin, ETagMixin, viewsets.ReadOnlyModelViewSet):
    """The organisations whose register you are a member of, with their contacts and
    parent group. The DPO changes them; a DPO adds the companies of its group."""

    queryset = Organisation.objects.none()
    serializer_class = s.OrganisationSerializer
    write_serializer_class = s.OrganisationWriteSerializer
    save = staticmethod(save_organisation)
    filter_backends = []

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return (Organisation.objects.for_user(self.request.user)
                .select_related("country").prefetch_related("contacts").order_by("name"))

    @extend_schema(
        summary="How complete the organisation's register is, per Art 30 item",
        description="The mean completeness score of the organisation's current (not retired) "
                    "activities and, per Art 30 item, how many of the activities it applies "
                    "to have it complete, partial or missing (docs/completeness.md).",
        responses={200: s.OrganisationCompletenessSerializer, **errors(401, 404)},
    )
    @action(detail=True, methods=["get"], filter_backends=[], pagination_class=None)
    def completeness(self, request, pk=None):
        organisation = self.get_object()
        found = register_completeness(ProcessingActivity.objects.filter(organisation=organisation))
        rolled = found.organisation(organisation.pk) or OrganisationCompleteness(
            organisation.pk, organisation.name)
        return Response(rolled.as_dict())


@_entity_docs(s.RecipientSerializer, s.ThirdPartyWriteSerializer,
              "a third party to an organisation's register")
class RecipientViewSet(EntityWriteMixin, ETagMixin, viewsets.ReadOnlyModelViewSet):
    """Third parties of your organisations' registers: recipients, processors, joint
    controllers and controllers served. The DPO of the organisation adds and changes
    them."""

    queryset = ThirdParty.objects.none()
    serializer_class = s.RecipientSerializer
    write_serializer_class = s.ThirdPartyWriteSerializer
    save = staticmethod(save_third_party)
    filterset_class = RecipientFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return (ThirdParty.objects.for_user(self.request.user)
                .select_related("country", "category").order_by("organisation", "name"))


_ACTIVITY_WRITE = {
    "request": s.ActivityWriteSerializer,
    "parameters": [IF_MATCH],
    "responses": {200: s.ActivitySerializer, **errors(400, 401, 403, 404, 412)},
}


def _workflow_doc(summary: str):
    return extend_schema(
        summary=summary, request=None, parameters=[IF_MATCH],
        responses={200: s.ActivitySerializer, **errors(400, 401, 403, 404, 409, 412)},
    )


@extend_schema_view(
    list=extend_schema(
        description="Activities of your organisations, each with everything nested and its "
                    "compliance findings.",
        responses={200: s.ActivitySerializer(many=True), **errors(400, 401, 404)},
    ),
    retrieve=extend_schema(responses={200: s.ActivitySerializer, **errors(401, 404)}),
    create=extend_schema(
        request=s.ActivityWriteSerializer,
        responses={201: s.ActivitySerializer, **errors(400, 401, 403)},
    ),
    update=extend_schema(**_ACTIVITY_WRITE),
    partial_update=extend_schema(**_ACTIVITY_WRITE),
)
class ActivityViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ETagMixin,
                      viewsets.ReadOnlyModelViewSet):
    """Processing activities. There is no DELETE: an activity is retired, and its
    history stays."""

    queryset = ProcessingActivity.objects.none()
    serializer_class = s.ActivitySerializer
    filterset_class = ActivityFilter
    permission_classes = [ActivityPermission]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.queryset
        return ProcessingActivity.objects.for_user(self.request.user).order_by(
            "organisation__name", "reference"
        )

    def get_serializer_class(self):
        if self.action in ("create", "update", "partial_update"):
            return s.ActivityWriteSerializer
        return s.ActivitySerializer

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        if self.action == "list" and "has_findings" in self.request.query_params:
            wanted = self.request.query_params["has_findings"].lower()
            if wanted not in ("true", "false"):
                raise ValidationError({"has_findings": "Use true or false."})
            queryset = with_fresh_summaries(queryset)
            queryset = queryset.filter(HAS_FINDINGS) if wanted == "true" else queryset.exclude(
                HAS_FINDINGS)
        return queryset

    def paginate_queryset(self, queryset):
        # The page is read as the rows the register's reader starts from: one query.
        page = super().paginate_queryset(activity_rows(queryset))
        return read_activities(page) if page is not None else None

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        if page is None:
            return Response(represent_activities(read_activities(queryset)))
        return self.get_paginated_response(represent_activities(page))

    def _show(self, activity, status_code=status.HTTP_200_OK):
        record = read_activity(activity.pk)
        response = Response(represent_activity(record), status=status_code)
        response["ETag"] = activity_etag(record)
        return response

    def retrieve(self, request, *args, **kwargs):
        return self._show(self.get_object())

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        activity = save_activity(data=serializer.validated_data, user=request.user)
        return self._show(activity, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        activity = self.get_object()
        # A bad body is a 400 whatever the ETag; then a stale one is a 412.
        serializer = self.get_serializer(activity, data=request.data,
                                         partial=kwargs.get("partial", False))
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, activity)
        activity = save_activity(data=serializer.validated_data, user=request.user,
                                 instance=activity, expected_version=version)
        return self._show(activity)

    def _transition(self, request, action_name):
        activity = self.get_object()
        version = expected_version(request, activity)
        reason = request.data.get("override_reason", "") if isinstance(request.data, dict) else ""
        if not isinstance(reason, str):
            raise serializers.ValidationError({"override_reason": ["A text."]})
        transition_activity(activity=activity, action=action_name, user=request.user,
                            expected_version=version, override_reason=reason)
        return self._show(activity)

    @_workflow_doc("Submit a draft for review (DPO, or the contributor who owns it)")
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self._transition(request, "submit")

    @extend_schema(
        summary="Approve an activity in review (DPO); sets the review dates",
        description="Refused (400, `override_reason`, naming the findings) while the activity "
                    "has error findings, unless `override_reason` says why it is approved "
                    "nonetheless: the reason is kept with the approval in the history. Refused "
                    "(409) to the DPO who submitted it where its organisation has another DPO.",
        request=inline_serializer("Approval", {"override_reason": serializers.CharField(
            required=False, allow_blank=True)}),
        parameters=[IF_MATCH],
        responses={200: s.ActivitySerializer, **errors(400, 401, 403, 404, 409, 412)},
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self._transition(request, "approve")

    @_workflow_doc("Send an activity back to draft (DPO)")
    @action(detail=True, methods=["post"], url_path="return-to-draft")
    def return_to_draft(self, request, pk=None):
        return self._transition(request, "return_to_draft")

    @_workflow_doc("Retire an activity (DPO): it leaves the register, its history stays")
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        return self._transition(request, "retire")

    @_workflow_doc("Reinstate a retired activity as a draft (DPO)")
    @action(detail=True, methods=["post"])
    def reinstate(self, request, pk=None):
        return self._transition(request, "reinstate")

    @extend_schema(
        summary="The lawful bases of one activity, today or as of a past day or instant",
        parameters=[AS_OF],
        responses={200: s.ActivityLawfulBasisReportSerializer, **errors(400, 401, 404)},
    )
    @action(detail=True, methods=["get"], url_path="lawful-basis", filter_backends=[],
            pagination_class=None)
    def lawful_basis(self, request, pk=None):
        from .fields import parse_id

        activity_id = parse_id(pk)
        if activity_id is None:
            raise Http404
        as_of = as_of_param(request)
        if as_of is None:
            data = current_lawful_basis(request.user, activity_id)
        else:
            org_ids = None if request.user.is_superuser else set(user_roles(request))
            data = lawful_basis_as_of(org_ids, activity_id, as_of)
        # Already shaped as the serializer of the schema describes it: the lookup is the
        # API's busiest read, so the answer is not walked a second time.
        response = Response(data)
        if as_of is None:
            response["ETag"] = '"v{}"'.format(data["activity"]["version"])
        return response
