"""``GET /api/v1/{activities,organisations,recipients}/{id}/history/``: each recorded
version of one object, newest first, paginated, with who, when, through what and the
fields (for an activity, its parts' too) that changed. Scoped as reads are: another
organisation's object answers 404."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.generics import GenericAPIView

from entities.models import Organisation, ThirdParty
from processing import changes
from processing.models import ProcessingActivity

from .fields import parse_id
from .serializers import ErrorResponseSerializer
from .serializers.history import HistoryEntrySerializer


class _HistoryView(GenericAPIView):
    serializer_class = HistoryEntrySerializer
    filter_backends = []
    model: type = None

    def visible(self):
        return self.model.objects.for_user(self.request.user)

    def history(self, pk: int):
        return changes.numbered(self.model.history.filter(id=pk).select_related("history_user"))

    def get(self, request, pk):
        object_id = parse_id(pk)
        if object_id is None or not self.visible().filter(pk=object_id).exists():
            raise Http404
        page = self.paginate_queryset(self.history(object_id))
        entries = changes.versions(self.model, page)
        return self.get_paginated_response(self.get_serializer(entries, many=True).data)


def _documented(summary: str):
    errors = {code: OpenApiResponse(ErrorResponseSerializer, description=text) for code, text in (
        (400, "A paging parameter is not valid."),
        (401, "No credentials, or credentials that are not valid."),
        (404, "No such object among those you may see, or no such page."))}
    return extend_schema(summary=summary, responses={200: HistoryEntrySerializer(many=True),
                                                     **errors})


class ActivityHistoryView(_HistoryView):
    model = ProcessingActivity

    def history(self, pk: int):
        return changes.activity_history(pk)

    @_documented("Each version of an activity, its parts' changes included")
    def get(self, request, pk):
        return super().get(request, pk)


class OrganisationHistoryView(_HistoryView):
    model = Organisation

    @_documented("Each recorded change of an organisation")
    def get(self, request, pk):
        return super().get(request, pk)


class RecipientHistoryView(_HistoryView):
    model = ThirdParty

    @_documented("Each recorded change of a third party")
    def get(self, request, pk):
        return super().get(request, pk)
