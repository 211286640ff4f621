"""Change list filters of the activity admin. Each filter answers a DPO's question and
keeps a short parameter name, so the dashboard bars can link to a filtered list."""

from __future__ import annotations

import datetime

from django.contrib import admin
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entities.admin import organisations_with_role
from entities.models import Country, Organisation

from .findings import (
    HAS_FINDINGS,
    RULES_BY_CODE,
    SEVERITY_COUNTS,
    Severity,
    with_fresh_summaries,
)
from .models import ActivityLawfulBasis, InternationalTransfer, LawfulBasis, ProcessingActivity

#: How far ahead "due soon" looks, in days.
REVIEW_SOON_DAYS = 30


def outside_eea_transfers():
    """Transfers to a country outside the EEA or to an international organisation."""
    return InternationalTransfer.objects.filter(
        Q(country__is_eea=False) | Q(country__isnull=True), activity=OuterRef("pk")
    )


def special_category_links():
    through = ProcessingActivity.data_categories.through
    return through.objects.filter(
        processingactivity_id=OuterRef("pk"), personaldatacategory__special_category=True
    )


class OrganisationFilter(admin.SimpleListFilter):
    title = _("organisation")
    parameter_name = "organisation"

    def lookups(self, request, model_admin):
        organisations = Organisation.objects.all()
        if not request.user.is_superuser:
            organisations = organisations.filter(pk__in=organisations_with_role(request))
        return [(str(o.pk), o.name) for o in organisations.only("pk", "name")]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(organisation_id=int(self.value()))
        return queryset


class LawfulBasisFilter(admin.SimpleListFilter):
    title = _("lawful basis")
    parameter_name = "basis"

    def lookups(self, request, model_admin):
        return [(b.code, f"{b.article} {b.name}") for b in LawfulBasis.objects.only(
            "code", "article", "name")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(Exists(ActivityLawfulBasis.objects.filter(
                activity=OuterRef("pk"), basis__code=self.value())))
        return queryset


class YesNoFilter(admin.SimpleListFilter):
    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def condition(self):
        raise NotImplementedError

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition())
        if self.value() == "no":
            return queryset.filter(~self.condition())
        return queryset


class SpecialCategoryFilter(YesNoFilter):
    title = _("special category data (Art 9)")
    parameter_name = "special"

    def condition(self):
        return Exists(special_category_links())


class OutsideEeaFilter(YesNoFilter):
    title = _("transfers outside the EEA")
    parameter_name = "outside_eea"

    def condition(self):
        return Exists(outside_eea_transfers())


def transfer_countries(organisation_ids=None):
    """The countries transfers go to: of the whole register (``organisation_ids`` None), or
    of the activities of ``organisation_ids``.

    The register's countries are found by walking the index of the transfers' country from
    one country to the next (each step the smallest country after the last, an index
    probe), so the cost follows the countries named, not the transfers: ``country IN (the
    transfers' countries)`` reads every transfer, and an EXISTS per country is planned as
    a scan of the transfers for each country no transfer names. An organisation's
    countries are found from its own activities' transfers, by their indexes."""
    if organisation_ids is not None:
        return Country.objects.filter(Exists(InternationalTransfer.objects.filter(
            country=OuterRef("pk"), activity__organisation_id__in=organisation_ids)))
    table = connection.ops.quote_name(InternationalTransfer._meta.db_table)
    column = connection.ops.quote_name(InternationalTransfer._meta.get_field("country").column)
    walk = (f"WITH RECURSIVE walk(country) AS (SELECT MIN({column}) FROM {table} "
            f"UNION ALL SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > walk.country) "
            f"FROM walk WHERE walk.country IS NOT NULL) "
            f"SELECT country FROM walk WHERE country IS NOT NULL")
    return Country.objects.filter(pk__in=RawSQL(walk, []))


class TransferCountryFilter(admin.SimpleListFilter):
    title = _("transfer destination")
    parameter_name = "country"

    def lookups(self, request, model_admin):
        """The countries that transfers of the activities the user sees go to, at a cost
        that does not grow with the register (see :func:`transfer_countries`)."""
        organisations = (None if request.user.is_superuser
                         else sorted(organisations_with_role(request)))
        return [(c.code, c.name) for c in transfer_countries(organisations).only("code", "name")]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(Exists(InternationalTransfer.objects.filter(
                activity=OuterRef("pk"), country__code=self.value())))
        return queryset


class ReviewDueFilter(admin.SimpleListFilter):
    title = _("review due")
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", _("Overdue")),
            ("soon", _("Due in the next %(days)s days") % {"days": REVIEW_SOON_DAYS}),
            ("none", _("No review date")),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        value = self.value()
        if value == "overdue":
            return queryset.filter(next_review_on__lt=today)
        if value == "soon":
            return queryset.filter(
                next_review_on__gte=today,
                next_review_on__lte=today + datetime.timedelta(days=REVIEW_SOON_DAYS),
            )
        if value == "none":
            return queryset.filter(next_review_on__isnull=True)
        return queryset


class FindingsFilter(admin.SimpleListFilter):
    """Activities with compliance findings, by the worst severity wanted."""

    title = _("findings")
    parameter_name = "findings"

    def lookups(self, request, model_admin):
        choices = [
            ("any", _("Any finding")),
            (Severity.ERROR, _("With errors")),
            (Severity.WARNING, _("With warnings")),
            (Severity.INFO, _("With notes")),
            ("none", _("No finding")),
        ]
        # A finding's code (the worklist links to the activities that have it).
        if self.value() in RULES_BY_CODE:
            choices.append((self.value(), self.value()))
        return choices

    def queryset(self, request, queryset):
        value = self.value()
        if not value:
            return queryset
        queryset = with_fresh_summaries(queryset)
        if value == "none":
            return queryset.exclude(HAS_FINDINGS)
        if value == "any":
            return queryset.filter(HAS_FINDINGS)
        if value in SEVERITY_COUNTS:
            return queryset.filter(**{f"finding_summary__{SEVERITY_COUNTS[value]}__gt": 0})
        if value in RULES_BY_CODE:
            return queryset.filter(finding_summary__in=summaries_with_code(value))
        return queryset


def summaries_with_code(code: str):
    """The stored findings summaries that list ``code``: in SQL where the database looks
    into JSON arrays (PostgreSQL), else by reading the summaries that have any finding."""
    from django.db import connection

    from .models import FindingSummary

    summaries = FindingSummary.objects.all()
    if connection.features.supports_json_field_contains:
        return summaries.filter(codes__contains=[code])
    ids = [pk for pk, codes in summaries.exclude(codes=[]).values_list("pk", "codes")
           if code in codes]
    return summaries.filter(pk__in=ids)
