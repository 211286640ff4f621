"""Importing a workbook from the activity admin: upload, preview, confirm.

1. Upload: the file is bounded before anything is parsed (the request's size, then the
   file's size, type and zip expansion, as ``manage.py import_register`` does) and kept
   on the server under a random token, with the id of the user who sent it.
2. Preview: the import runs for real inside a transaction that is always rolled back, so
   the page shows what would be created, changed, left as it is and removed, sheet by
   sheet and by name, or every problem found (sheet, row, column, value).
3. Confirm: the import runs again and is committed, all or nothing, with the history
   recorded as the admin user through the "import" path.

Only a superuser or a DPO imports. A DPO's workbook may only hold rows of the
organisations it is the DPO of; any other row is refused before the import runs, so
nothing about another register is read or written. The kept file is deleted on
confirm, on cancel, and once it is older than ``UPLOAD_TTL``; a token from another user
or from nowhere answers as an expired upload.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import secrets
from dataclasses import dataclass, field
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect

from entities.admin import EDITOR_ROLES, organisations_with_role
from entities.models import Contact, MemberRole, Organisation, ThirdParty
from processing.exports.workbook import SHEETS, SHEETS_BY_NAME
from processing.models import (
    ActivityLawfulBasis,
    ActivityRecipient,
    InternationalTransfer,
    ProcessingActivity,
    Purpose,
    RetentionRule,
)
from ropa.audit import ChangePath

from . import ImportFailed, ImportSummary, RowError, import_workbook, readers

#: How long an uploaded workbook waits for its confirmation.
UPLOAD_TTL = datetime.timedelta(seconds=getattr(settings, "ROPA_IMPORT_UPLOAD_TTL", 3600))
#: Room in a request for the multipart headers around the file itself.
MULTIPART_SLACK = 64 * 1024
#: Names shown per list on the preview; the rest are counted.
NAMES_SHOWN = 50
#: Problems shown on one page; the rest are counted.
ERRORS_SHOWN = 1000

_TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")

#: The model each sheet writes; its history tells which records an import touched.
SHEET_MODELS = {
    "Organisations": Organisation,
    "Contacts": Contact,
    "ThirdParties": ThirdParty,
    "Activities": ProcessingActivity,
    "Purposes": Purpose,
    "LawfulBases": ActivityLawfulBasis,
    "Recipients": ActivityRecipient,
    "Transfers": InternationalTransfer,
    "Retention": RetentionRule,
}
#: Sheets of the parts of an activity: the preview names the activities they change.
PART_SHEETS = ("Purposes", "LawfulBases", "Recipients", "Transfers", "Retention")


# --- who may import --------------------------------------------------------------------------

def may_import(request) -> bool:
    """A superuser imports anything; a DPO imports the rows of its organisations."""
    user = request.user
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return False
    return user.is_superuser or bool(organisations_with_role(request, MemberRole.DPO))


def _require_importer(request) -> None:
    if not may_import(request):
        raise PermissionDenied(_("Only a superuser or a DPO may import a workbook."))


def _heading(sheet: str, key: str) -> str:
    return next(c.heading for c in SHEETS_BY_NAME[sheet].columns if c.key == key)


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _cell(sheet: str, row: dict, key: str) -> str:
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
    references to organisations or users outside its registers (unless the record
    already points there). Nothing for a superuser."""
    if request.user.is_superuser:
        return []
    own_ids = organisations_with_role(request, MemberRole.DPO)
    own = set(Organisation.objects.filter(pk__in=own_ids).values_list("name", flat=True))
    member = set(Organisation.objects.filter(
        pk__in=organisations_with_role(request)).values_list("name", flat=True))
    user_model = get_user_model()
    username = user_model.USERNAME_FIELD
    owners = set(user_model.objects.filter(
        is_active=True, is_staff=True,
        memberships__organisation_id__in=organisations_with_role(request, *EDITOR_ROLES),
    ).values_list(username, flat=True))
    parents = dict(Organisation.objects.filter(pk__in=own_ids, parent__isnull=False)
                   .values_list("name", "parent__name"))
    groups = {(org, name): group for org, name, group in ThirdParty.objects.filter(
        organisation_id__in=own_ids, group_organisation__isnull=False,
    ).values_list("organisation__name", "name", "group_organisation__name")}
    current_owners = {(org, ref): owner for org, ref, owner in ProcessingActivity.objects.filter(
        organisation_id__in=own_ids, owner__isnull=False,
    ).values_list("organisation__name", "reference", f"owner__{username}")}

    not_dpo = _("You are not the DPO of this organisation: you may import rows of %(own)s only.") % {
        "own": ", ".join(sorted(own))}
    not_member = _("Not one of your organisations: name an organisation you are a member of.")
    not_owner = _("Not a user of your organisations: the owner must be a member of an "
                  "organisation you edit.")
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
            elif sheet.name == "Activities":
                heading = _heading(sheet.name, "owner")
                value = _text(row.get(heading))
                current = current_owners.get(
                    (organisation, _text(row.get(_heading(sheet.name, "reference")))))
                if value and value not in owners and current != value:
                    errors.append(RowError(sheet.name, number, heading, value, not_owner))
    return errors


# --- the uploaded file, kept between the steps ---------------------------------------------

def upload_dir() -> Path:
    configured = getattr(settings, "ROPA_IMPORT_DIR", "")
    return Path(configured) if configured else Path(settings.MEDIA_ROOT) / "imports"


@dataclass
class StoredUpload:
    """A workbook waiting for its preview and confirmation. The token names it; the
    client never gives a path."""

    token: str
    user_id: int
    filename: str
    uploaded_at: datetime.datetime
    previewed: bool = False

    @property
    def path(self) -> Path:
        return upload_dir() / f"{self.token}.upload"

    @property
    def meta_path(self) -> Path:
        return upload_dir() / f"{self.token}.json"

    def read(self) -> bytes:
        return self.path.read_bytes()

    def save_meta(self) -> None:
        self.meta_path.write_text(json.dumps({
            "user": self.user_id, "filename": self.filename,
            "uploaded": self.uploaded_at.isoformat(), "previewed": self.previewed,
        }))

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)
        self.meta_path.unlink(missing_ok=True)

    @property
    def expired(self) -> bool:
        return timezone.now() - self.uploaded_at > UPLOAD_TTL


def store_upload(user, data: bytes, filename: str) -> StoredUpload:
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stored = StoredUpload(token=secrets.token_urlsafe(24), user_id=user.pk,
                          filename=Path(filename).name[:200], uploaded_at=timezone.now())
    stored.path.write_bytes(data)
    stored.save_meta()
    return stored


def load_upload(token: str, user) -> StoredUpload | None:
    """The user's upload under ``token``; None when there is none, it is another user's,
    or it expired (then it is deleted)."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    meta_path = upload_dir() / f"{token}.json"
    try:
        meta = json.loads(meta_path.read_text())
        stored = StoredUpload(token=token, user_id=int(meta["user"]), filename=str(meta["filename"]),
                              uploaded_at=datetime.datetime.fromisoformat(meta["uploaded"]),
                              previewed=bool(meta.get("previewed")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if stored.user_id != user.pk or not stored.path.exists():
        return None
    if stored.expired:
        stored.remove()
        return None
    return stored


def purge_expired() -> int:
    """Delete every kept upload older than ``UPLOAD_TTL``, whoever sent it."""
    directory = upload_dir()
    if not directory.is_dir():
        return 0
    limit = (timezone.now() - UPLOAD_TTL).timestamp()
    removed = 0
    for entry in directory.iterdir():
        if entry.suffix in (".upload", ".json") and entry.stat().st_mtime < limit:
            entry.unlink(missing_ok=True)
            removed += 1
    return removed


# --- step 1: upload --------------------------------------------------------------------------

class UploadForm(forms.Form):
    workbook = forms.FileField(
        label=gettext_lazy("Workbook"),
        help_text=gettext_lazy("The project's workbook, as exported: .xlsx, .ods, a zip of .csv "
                               "files or .json."),
    )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if upload.size > readers.MAX_BYTES:
            raise ValidationError(_("The file is %(size)s bytes; the limit is %(limit)s bytes.") % {
                "size": f"{upload.size:,}", "limit": f"{readers.MAX_BYTES:,}"})
        data = upload.read()
        try:
            readers.sniff(data, upload.name or "")
        except ImportFailed as exc:
            raise ValidationError([error.message for error in exc.errors]) from None
        self.content = data
        return upload


def _context(model_admin, request, title, **extra) -> dict:
    request.current_app = model_admin.admin_site.name
    return {**model_admin.admin_site.each_context(request), "opts": model_admin.opts,
            "title": title, "max_bytes": readers.MAX_BYTES, "max_rows": readers.MAX_ROWS, **extra}


def _url(model_admin, name: str, *args) -> str:
    opts = model_admin.opts
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{name}", args=args,
                   current_app=model_admin.admin_site.name)


def upload(model_admin, request):
    _require_importer(request)
    if request.method == "POST":
        # Refused on the declared length, before the request body is read at all.
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > readers.MAX_BYTES + MULTIPART_SLACK:
            context = _context(model_admin, request, _("Import a workbook"), form=UploadForm(),
                               refused=_("The upload is %(size)s bytes; the limit is %(limit)s bytes.")
                               % {"size": f"{length:,}", "limit": f"{readers.MAX_BYTES:,}"})
            return TemplateResponse(request, "processing/import/upload.html", context, status=413)

    def checked(request):
        return _upload(model_admin, request)

    return csrf_protect(checked)(request)


def _upload(model_admin, request):
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            purge_expired()
            stored = store_upload(request.user, form.content, form.cleaned_data["workbook"].name)
            return HttpResponseRedirect(_url(model_admin, "import_preview", stored.token))
    else:
        form = UploadForm()
    context = _context(model_admin, request, _("Import a workbook"), form=form)
    return TemplateResponse(request, "processing/import/upload.html", context)


# --- step 2: preview -------------------------------------------------------------------------

@dataclass
class Names:
    shown: list[str] = field(default_factory=list)
    more: int = 0

    @classmethod
    def of(cls, labels) -> Names:
        labels = sorted(set(labels))
        return cls(labels[:NAMES_SHOWN], max(0, len(labels) - NAMES_SHOWN))

    def __bool__(self) -> bool:
        return bool(self.shown)


@dataclass
class SheetPreview:
    """One sheet of the preview: the import's counts and the records by name."""

    name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    created_names: Names = field(default_factory=Names)
    updated_names: Names = field(default_factory=Names)
    unchanged_names: Names = field(default_factory=Names)
    #: For the parts of activities: the activities whose parts of this kind change.
    activities: Names = field(default_factory=Names)

    @property
    def part(self) -> bool:
        return self.name in PART_SHEETS


def _workbook_keys(sheets: list[readers.RawSheet]) -> dict[str, dict]:
    """key -> label of every record the workbook names, for the sheets keyed by name."""
    keys: dict[str, dict] = {"Organisations": {}, "Contacts": {}, "ThirdParties": {}, "Activities": {}}
    for sheet in sheets:
        if sheet.name not in keys:
            continue
        for _number, row in sheet.rows:
            if not isinstance(row, dict) or "__invalid__" in row:
                continue
            cell = functools.partial(_cell, sheet.name, row)
            if sheet.name == "Organisations":
                keys[sheet.name][cell("name")] = cell("name")
                continue
            org = cell("organisation")
            if sheet.name == "Contacts":
                key = (org, cell("role"), cell("name"))
                keys[sheet.name][key] = f"{org} · {key[2]} ({key[1]})"
            elif sheet.name == "ThirdParties":
                keys[sheet.name][(org, cell("name"))] = f"{org} · {cell('name')}"
            else:
                reference = cell("reference")
                keys[sheet.name][(org, reference)] = f"{org} · {reference} {cell('name')}"
    return keys


def _history_marks() -> dict[str, int]:
    return {sheet: model.history.aggregate(last=Max("history_id"))["last"] or 0
            for sheet, model in SHEET_MODELS.items()}


def _touched(marks: dict[str, int], user) -> dict[str, dict[str, dict]]:
    """sheet -> history type ("+", "~", "-") -> key -> label of the records the import
    wrote since ``marks``, read from their history before it is rolled back."""
    found: dict[str, list[dict]] = {}
    for sheet, model in SHEET_MODELS.items():
        fields = {"Organisations": ["name"], "Contacts": ["organisation_id", "role", "name"],
                  "ThirdParties": ["organisation_id", "name"],
                  "Activities": ["organisation_id", "reference", "name"]}.get(sheet, ["activity_id"])
        found[sheet] = list(model.history.filter(
            history_id__gt=marks[sheet], history_path=ChangePath.IMPORT,
            history_user_id=getattr(user, "pk", None),
        ).values("history_type", *fields))
    activity_ids = {r["activity_id"] for s in PART_SHEETS for r in found[s]}
    activities = {pk: (org, ref) for pk, org, ref in ProcessingActivity.objects.filter(
        pk__in=activity_ids).values_list("pk", "organisation__name", "reference")}
    org_ids = {r["organisation_id"] for s in ("Contacts", "ThirdParties", "Activities")
               for r in found[s]}
    organisations = dict(Organisation.objects.filter(pk__in=org_ids).values_list("pk", "name"))

    out: dict[str, dict[str, dict]] = {sheet: {"+": {}, "~": {}, "-": {}} for sheet in SHEET_MODELS}
    for sheet, records in found.items():
        for r in records:
            if sheet == "Organisations":
                key, label = r["name"], r["name"]
            elif sheet in PART_SHEETS:
                org, ref = activities.get(r["activity_id"], ("", str(r["activity_id"])))
                key, label = (org, ref), f"{org} · {ref}"
            else:
                org = organisations.get(r["organisation_id"], "")
                if sheet == "Contacts":
                    key, label = (org, r["role"], r["name"]), f"{org} · {r['name']} ({r['role']})"
                elif sheet == "ThirdParties":
                    key, label = (org, r["name"]), f"{org} · {r['name']}"
                else:
                    key, label = (org, r["reference"]), f"{org} · {r['reference']} {r['name']}"
            out[sheet][r["history_type"]][key] = label
    return out


def dry_run(data: bytes, filename: str, user, sheets: list[readers.RawSheet]
            ) -> tuple[ImportSummary, list[SheetPreview]]:
    """What importing the workbook would do, with nothing written.

    The import runs in full inside a transaction that is always rolled back, so the
    records it wrote can be named from their history before they vanish.
    """
    with transaction.atomic():
        marks = _history_marks()
        summary = import_workbook(data, filename, user=user, dry_run=False)
        touched = _touched(marks, user)
        transaction.set_rollback(True)
    summary.dry_run = True
    keys = _workbook_keys(sheets)
    previews = []
    for spec in SHEETS:
        counts = summary.counts.get(spec.name) or {}
        preview = SheetPreview(spec.name, *(counts.get(k, 0) for k in (
            "created", "updated", "unchanged", "removed")))
        written = touched[spec.name]
        if preview.part:
            preview.activities = Names.of(
                label for kind in written.values() for label in kind.values())
        else:
            created = written["+"]
            updated = {k: v for k, v in {**written["~"], **written["-"]}.items() if k not in created}
            preview.created_names = Names.of(created.values())
            preview.updated_names = Names.of(updated.values())
            preview.unchanged_names = Names.of(
                label for key, label in keys.get(spec.name, {}).items()
                if key not in created and key not in updated)
        if any((preview.created, preview.updated, preview.unchanged, preview.removed,
                preview.created_names, preview.updated_names)):
            previews.append(preview)
    return summary, previews


def _error_rows(errors: list[RowError]) -> list[dict]:
    rows = []
    for error in errors[:ERRORS_SHOWN]:
        value = error.value
        if isinstance(value, (list, tuple)):
            value = ", ".join(str(v) for v in value)
        rows.append({"sheet": error.sheet, "row": error.row, "column": error.column,
                     "value": "" if value is None else str(value), "message": error.message})
    return rows


def _failed(model_admin, request, stored: StoredUpload, failure: ImportFailed, confirming=False):
    errors = failure.errors
    context = _context(
        model_admin, request, _("Import a workbook: problems found"), stored=stored,
        errors=_error_rows(errors), error_count=len(errors),
        more_errors=max(0, len(errors) - ERRORS_SHOWN),
        foreign_organisations=getattr(failure, "organisations", []),
        confirming=confirming,
    )
    return TemplateResponse(request, "processing/import/preview.html", context)


def _check(request, data: bytes, filename: str) -> list[readers.RawSheet]:
    """The workbook's sheets, or :class:`ImportFailed` for a refused file or rows out of
    the user's reach."""
    _kind, sheets = readers.read_book(data, filename)
    errors = scope_errors(request, sheets)
    if errors:
        raise OutOfScope(errors)
    return sheets


def _gone(model_admin, request):
    messages.error(request, _("This upload is no longer available (it expired, was cancelled or "
                              "was already imported): upload the workbook again."))
    return HttpResponseRedirect(_url(model_admin, "import"))


def preview(model_admin, request, token):
    _require_importer(request)
    stored = load_upload(token, request.user)
    if stored is None:
        return _gone(model_admin, request)
    data = stored.read()
    try:
        sheets = _check(request, data, stored.filename)
        summary, sheets_preview = dry_run(data, stored.filename, request.user, sheets)
    except ImportFailed as exc:
        stored.previewed = False
        stored.save_meta()
        return _failed(model_admin, request, stored, exc)
    stored.previewed = True
    stored.save_meta()
    context = _context(model_admin, request, _("Import a workbook: preview"), stored=stored,
                       summary=summary, sheets=sheets_preview, kind=summary.kind)
    return TemplateResponse(request, "processing/import/preview.html", context)


# --- step 3: confirm or cancel ------------------------------------------------------------

def counts_sentence(summary: ImportSummary) -> str:
    """"Activities: 3 created, 1 changed; Purposes: 4 created" for a message."""
    labels = {"created": _("created"), "updated": _("changed"), "unchanged": _("unchanged"),
              "removed": _("removed")}
    parts = []
    for spec in SHEETS:
        counts = summary.counts.get(spec.name)
        if not counts:
            continue
        said = ", ".join(f"{counts[k]} {label}" for k, label in labels.items() if counts.get(k))
        if said:
            parts.append(f"{spec.name}: {said}")
    return "; ".join(parts) or _("nothing to import")


def confirm(model_admin, request, token):
    _require_importer(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    stored = load_upload(token, request.user)
    if stored is None:
        return _gone(model_admin, request)
    if not stored.previewed:
        return HttpResponseRedirect(_url(model_admin, "import_preview", stored.token))
    data = stored.read()
    try:
        _check(request, data, stored.filename)
        summary = import_workbook(data, stored.filename, user=request.user, dry_run=False)
    except ImportFailed as exc:
        stored.remove()
        return _failed(model_admin, request, stored, exc, confirming=True)
    stored.remove()
    messages.success(request, _("%(file)s imported. %(counts)s.") % {
        "file": stored.filename, "counts": counts_sentence(summary)})
    return HttpResponseRedirect(_url(model_admin, "changelist"))


def cancel(model_admin, request, token):
    _require_importer(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    stored = load_upload(token, request.user)
    if stored is not None:
        stored.remove()
    messages.info(request, _("Import cancelled; the uploaded file was deleted."))
    return HttpResponseRedirect(_url(model_admin, "changelist"))


def import_urls(model_admin) -> list:
    """The import pages, for ``ProcessingActivityAdmin.get_urls``."""
    prefix = f"{model_admin.opts.app_label}_{model_admin.opts.model_name}"
    site_view = model_admin.admin_site.admin_view

    def bound(function, csrf_exempt=False):
        @functools.wraps(function)
        def view(request, *args, **kwargs):
            return function(model_admin, request, *args, **kwargs)

        # The upload view bounds the request's size first, then checks the CSRF token.
        view.csrf_exempt = csrf_exempt
        return site_view(view)

    return [
        path("import/", bound(upload, csrf_exempt=True), name=f"{prefix}_import"),
        path("import/<str:token>/", bound(preview), name=f"{prefix}_import_preview"),
        path("import/<str:token>/confirm/", bound(confirm), name=f"{prefix}_import_confirm"),
        path("import/<str:token>/cancel/", bound(cancel), name=f"{prefix}_import_cancel"),
    ]
