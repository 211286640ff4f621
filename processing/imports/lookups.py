"""Stage 2 of the import, first half: what the register already holds, read once, and
the lookups of codes, choices and countries in it.
"""

from __future__ import annotations

import functools

from entities.models import Country, Organisation, Person, RecipientCategory, ThirdParty
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

from .rows import ImporterBase, Row


@functools.cache
def _values(choices) -> frozenset[str]:
    """The values of a choices class (``choices.values`` builds a new list each time)."""
    return frozenset(choices.values)


class Lookups(ImporterBase):
    # -- stage 2: references
    def load_lookups(self) -> None:
        self.countries = {c.code: c for c in Country.objects.all()}
        self.terms = {
            "data_subjects": {t.code: t for t in DataSubjectCategory.objects.all()},
            "data_categories": {t.code: t for t in PersonalDataCategory.objects.all()},
            "special_category_conditions": {t.code: t for t in SpecialCategoryCondition.objects.all()},
            "schedule1_conditions": {t.code: t for t in Schedule1Condition.objects.all()},
            "security_measures": {t.code: t for t in SecurityMeasure.objects.all()},
            "basis": {t.code: t for t in LawfulBasis.objects.all()},
            "mechanism": {t.code: t for t in TransferMechanism.objects.all()},
            "category": {t.code: t for t in RecipientCategory.objects.all()},
        }
        # With what the rows are compared to, so that comparing costs no query per object.
        self.organisations = {o.name: o for o in Organisation.objects.select_related("country")}
        self.third_parties = {
            (t.organisation.name, t.name): t
            for t in ThirdParty.objects.select_related("organisation", "category", "country",
                                                       "group_organisation")
        }
        # What the register holds before the import (the dicts above gain the new objects).
        self.existing_organisations = dict(self.organisations)
        self.existing_third_parties = dict(self.third_parties)
        #: (organisation name, person name) -> (email, row number) as the workbook first gives it.
        self.owner_emails: dict[tuple[str, str], tuple[str, int]] = {}
        self.activities: dict[tuple[str, str], int] = {}
        self.people: dict[tuple[str, str], Person] = {}

    def load_chunk(self) -> None:
        """What the register holds of the activities of the chunk (``rows["Activities"]``)
        and of their owners, read for the chunk alone: the earlier chunks' are written."""
        rows = self.rows["Activities"]
        names = {r.values["organisation"] for r in rows}
        references = {r.values["reference"] for r in rows}
        #: (organisation name, reference) -> id of each activity of the chunk the register
        #: holds: the activities themselves are read as records when they are compared.
        self.activities = {
            (org, reference): pk for pk, org, reference in ProcessingActivity.objects.filter(
                organisation__name__in=names, reference__in=references,
            ).values_list("pk", "organisation__name", "reference")
        }
        owners = {r.values["owner"] for r in rows if r.values["owner"]}
        #: (organisation name, person name) -> the person: the owners of the chunk the
        #: register holds, and (at the write) those the import creates.
        self.people = {(p.organisation.name, p.name): p for p in Person.objects.filter(
            organisation__name__in=names, name__in=owners).select_related("organisation")}

    def _code(self, row: Row, key: str, table: dict, what: str):
        code = row.values.get(key) or ""
        if not code:
            return None
        if code not in table:
            self.error(row, key, f"Unknown {what} code.")
            return None
        return table[code]

    def _codes(self, row: Row, key: str, table: dict, what: str) -> list:
        found = []
        for code in row.values.get(key) or []:
            if code in table:
                found.append(table[code])
            else:
                self.error(row, key, f"Unknown {what} code '{code}'.")
        return found

    def _choice(self, row: Row, key: str, choices, default=""):
        value = row.values.get(key) or ""
        if not value:
            return default
        if value not in _values(choices):
            self.error(row, key, f"Unknown value: use one of {', '.join(v for v in choices.values if v)}.")
            return default
        return value

    def _country(self, row: Row, key: str = "country"):
        code = (row.values.get(key) or "").upper()
        if not code:
            return None
        if code not in self.countries:
            self.error(row, key, "Unknown country: give its ISO 3166-1 alpha-2 code (GB, FR, US...).")
        return self.countries.get(code)
