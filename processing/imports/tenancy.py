"""Which rows of a workbook the importing user may write.

Only a superuser or a DPO imports. A DPO's workbook may only hold rows of the
organisations it is the DPO of; any other row is refused before the import runs, so
nothing about another register is read or written.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from entities.admin import organisations_with_role
from entities.models import MemberRole, Organisation, ThirdParty
from processing.exports.workbook import SHEETS_BY_NAME

from . import readers
from .errors import ImportFailed, RowError


def may_import(request) -> bool:
    """A superuser imports anything; a DPO imports the rows of its organisations."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or bool(organisations_with_role(request, MemberRole.DPO))


def require_importer(request) -> None:
    if not may_import(request):
        raise PermissionDenied(_("Only a superuser or a DPO may import a workbook."))


def _heading(sheet: str, key: str) -> str:
    return next(c.heading for c in SHEETS_BY_NAME[sheet].columns if c.key == key)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def cell(sheet: str, row: dict, key: str) -> str:
    return _text(row.get(_heading(sheet, key)))


#: The columns naming the organisation a row belongs to.
_ORG_HEADINGS = {"Name", "Organisation"}


class OutOfScope(ImportFailed):
    """The workbook holds rows the importing DPO may not write; nothing was run."""

    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        #: The organisations named in rows that are not the DPO's.
        self.organisations = sorted({str(e.value) for e in errors if e.column in _ORG_HEADINGS})


def scope_errors(request, sheets: list[readers.RawSheet]) -> list[RowError]:
    """The rows a DPO may not import: rows of organisations it is not the DPO of, and
    references to organisations outside its registers (unless the record
    already points there). Nothing for a superuser."""
    if request.user.is_superuser:
        return []
    own_ids = organisations_with_role(request, MemberRole.DPO)
    own = set(Organisation.objects.filter(pk__in=own_ids).values_list("name", flat=True))
    member = set(Organisation.objects.filter(
        pk__in=organisations_with_role(request)).values_list("name", flat=True))
    parents = dict(Organisation.objects.filter(pk__in=own_ids, parent__isnull=False)
                   .values_list("name", "parent__name"))
    groups = {(org, name): group for org, name, group in ThirdParty.objects.filter(
        organisation_id__in=own_ids, group_organisation__isnull=False,
    ).values_list("organisation__name", "name", "group_organisation__name")}

    not_dpo = _("You are not the DPO of this organisation: you may import rows of %(own)s only.") % {
        "own": ", ".join(sorted(own))}
    not_member = _("Not one of your organisations: name an organisation you are a member of.")
    errors = []
    for sheet in sheets:
        if sheet.name not in SHEETS_BY_NAME:
            continue  # the import reports an unknown sheet itself
        org_key = "name" if sheet.name == "Organisations" else "organisation"
        org_heading = _heading(sheet.name, org_key)
        for number, row in sheet.rows:
            if not isinstance(row, dict) or "__invalid__" in row:
                continue
            organisation = _text(row.get(org_heading))
            if organisation and organisation not in own:
                errors.append(RowError(sheet.name, number, org_heading, organisation, not_dpo))
                continue
            if sheet.name == "Organisations":
                heading = _heading(sheet.name, "parent")
                value = _text(row.get(heading))
                if value and value not in member and parents.get(organisation) != value:
                    errors.append(RowError(sheet.name, number, heading, value, not_member))
            elif sheet.name == "ThirdParties":
                heading = _heading(sheet.name, "group_organisation")
                value = _text(row.get(heading))
                current = groups.get((organisation, _text(row.get(_heading(sheet.name, "name")))))
                if value and value not in member and current != value:
                    errors.append(RowError(sheet.name, number, heading, value, not_member))
    return errors


def read_in_scope(request, data: bytes, filename: str) -> list[readers.RawSheet]:
    """The workbook's sheets, or :class:`ImportFailed` for a refused file or rows out of
    the user's reach."""
    _kind, sheets = readers.read_book(data, filename)
    errors = scope_errors(request, sheets)
    if errors:
        raise OutOfScope(errors)
    return sheets
