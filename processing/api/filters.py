"""Filters of the API's lists: ``?lawful_basis=A6-1-f&organisation=3&status=active...``.

Codes that do not exist answer 400 naming the parameter, like unknown codes in a payload.
An id filter offers only the objects the user may see: an organisation or third party of
another register answers exactly as an id that does not exist (404, as the object itself
would, with the same body), so ids cannot be probed.
"""

from __future__ import annotations

import django_filters as filters
import django_filters.rest_framework
import django_filters.utils
from django.core.exceptions import ValidationError
from django.db.models import Q
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ErrorDetail, NotFound

from entities.models import Country, Organisation, ThirdParty
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    ActivityRole,
    ActivityStatus,
    DataSubjectCategory,
    InternationalTransfer,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    Purpose,
)

from .fields import _CODE, CODE_LISTS, parse_id


def _organisations(request):
    return Organisation.objects.for_user(request.user) if request else Organisation.objects.none()


def _third_parties(request):
    return ThirdParty.objects.for_user(request.user) if request else ThirdParty.objects.none()


#: An id as the schema states it: a positive 64-bit integer.
ID_SCHEMA = {"type": "integer", "minimum": 1, "maximum": 2**63 - 1}


@extend_schema_field(ID_SCHEMA)
class IdFilter(filters.ModelChoiceFilter):
    """An organisation or third party given by id, among those the user may see."""


class RegisterFilterBackend(filters.rest_framework.DjangoFilterBackend):
    """django-filter's backend, except that a list asked for an object the user cannot
    see (an id filter naming another organisation's, or one that does not exist) answers
    404, as that object would: the list of a thing that is not there is not there."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if filterset is None:
            return queryset
        # A parameter sent empty is a value the schema does not allow (a date, an id, a
        # choice): a 400, not the same as leaving it out. Text and code filters take it.
        empty = [name for name, f in filterset.filters.items()
                 if request.query_params.get(name) == "" and not isinstance(f, filters.CharFilter)]
        if empty:
            raise ValidationError(dict.fromkeys(empty, "Empty: give a value, or leave the parameter out."))
        if not filterset.is_valid():
            # A well-formed id of nothing the user may see; a malformed one is a 400.
            ids = {name for name, f in filterset.filters.items() if isinstance(f, IdFilter)
                   and parse_id(request.query_params.get(name)) is not None}
            if set(filterset.errors) <= ids:
                raise NotFound({name: [ErrorDetail(message, code="invalid_choice")
                                       for message in messages]
                                for name, messages in filterset.errors.items()})
            raise filters.utils.translate_validation(filterset.errors)
        return filterset.qs


def organisation_filter(**kwargs) -> IdFilter:
    return IdFilter(queryset=_organisations, help_text="Id of an organisation.", **kwargs)


@extend_schema_field({"type": "string", "pattern": r"^([A-Za-z0-9_.:()-]{1,64})?$"})
class CodeFilter(filters.CharFilter):
    """A reference term given by code. A code that cannot be one is a 400 naming the
    parameter; a well-formed code of no term answers 404, as the term itself would."""

    def __init__(self, *, model, label_text, path, **kwargs):
        self.term_model, self.label_text, self.path = model, label_text, path
        super().__init__(method=self.filter_code, **kwargs)

    def filter_code(self, queryset, name, value):
        if not value:
            return queryset
        if not _CODE.match(value):
            raise ValidationError({name: f"'{value[:80]}' is not a {self.label_text} code."})
        if not self.term_model.objects.filter(code=value).exists():
            raise NotFound({name: ErrorDetail(
                f"Unknown {self.label_text} code '{value}' (the codes are listed at "
                f"/api/v1/{CODE_LISTS.get(self.label_text, '')}/).", code="does_not_exist")})
        return queryset.filter(pk__in=self.path(value))


def _with_basis(code):
    return ActivityLawfulBasis.objects.filter(basis__code=code).values("activity_id")


def _with_category(code):
    return ProcessingActivity.data_categories.through.objects.filter(
        personaldatacategory__code=code
    ).values("processingactivity_id")


def _with_subject(code):
    return ProcessingActivity.data_subjects.through.objects.filter(
        datasubjectcategory__code=code
    ).values("processingactivity_id")


def _with_transfer_to(code):
    return InternationalTransfer.objects.filter(country__code=code).values("activity_id")


class ActivityFilter(filters.FilterSet):
    lawful_basis = CodeFilter(model=LawfulBasis, label_text="lawful basis", path=_with_basis,
                              help_text="Code of an Art 6 lawful basis, e.g. A6-1-f.")
    organisation = organisation_filter()
    data_category = CodeFilter(model=PersonalDataCategory, label_text="data category",
                               path=_with_category, help_text="Code of a personal data category.")
    subject_category = CodeFilter(model=DataSubjectCategory, label_text="data subject category",
                                  path=_with_subject, help_text="Code of a data subject category.")
    data_subject = CodeFilter(model=DataSubjectCategory, label_text="data subject category",
                              path=_with_subject, help_text="Same as subject_category.")
    recipient = IdFilter(queryset=_third_parties, method="filter_recipient",
                         help_text="Id of a third party receiving the data.")
    transfer_country = CodeFilter(model=Country, label_text="country", path=_with_transfer_to,
                                  help_text="ISO 3166-1 alpha-2 code of a transfer destination.")
    status = filters.ChoiceFilter(choices=ActivityStatus.choices)
    role = filters.ChoiceFilter(choices=ActivityRole.choices)
    has_findings = filters.BooleanFilter(
        method="filter_noop",
        help_text="true: only activities with compliance findings; false: only those without.",
    )
    search = filters.CharFilter(method="filter_search",
                                help_text="Words in the name, reference, description or purposes.")

    class Meta:
        model = ProcessingActivity
        fields = []

    def filter_recipient(self, queryset, name, value):
        return queryset.filter(
            pk__in=ActivityRecipient.objects.filter(third_party=value).values("activity_id")
        )

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(name__icontains=value) | Q(reference__icontains=value)
            | Q(description__icontains=value)
            | Q(pk__in=Purpose.objects.filter(description__icontains=value).values("activity_id"))
        )

    def filter_noop(self, queryset, name, value):
        # Findings are computed in Python over the filtered rows: see the view.
        return queryset


class RecipientFilter(filters.FilterSet):
    organisation = organisation_filter()

    class Meta:
        model = ThirdParty
        fields = ["organisation", "kind"]
