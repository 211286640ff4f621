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

The views are here; who may import what is in ``tenancy``, the kept file in ``storage``
and the dry run with what the preview shows of it in ``preview``.
"""

from __future__ import annotations

import functools

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_protect

from processing.exports.workbook import SHEETS

from . import ImportFailed, ImportSummary, import_workbook, readers
from .preview import ERRORS_SHOWN, dry_run, error_rows
from .storage import StoredUpload, load_upload, purge_expired, store_upload
from .tenancy import may_import as may_import  # the activity admin asks it for its import button
from .tenancy import read_in_scope, require_importer

#: Room in a request for the multipart headers around the file itself.
MULTIPART_SLACK = 64 * 1024


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
    require_importer(request)
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


def _failed(model_admin, request, stored: StoredUpload, failure: ImportFailed, confirming=False):
    errors = failure.errors
    context = _context(
        model_admin, request, _("Import a workbook: problems found"), stored=stored,
        errors=error_rows(errors), error_count=len(errors),
        more_errors=max(0, len(errors) - ERRORS_SHOWN),
        foreign_organisations=getattr(failure, "organisations", []),
        confirming=confirming,
    )
    return TemplateResponse(request, "processing/import/preview.html", context)


def _gone(model_admin, request):
    messages.error(request, _("This upload is no longer available (it expired, was cancelled or "
                              "was already imported): upload the workbook again."))
    return HttpResponseRedirect(_url(model_admin, "import"))


def preview(model_admin, request, token):
    require_importer(request)
    stored = load_upload(token, request.user)
    if stored is None:
        return _gone(model_admin, request)
    data = stored.read()
    try:
        sheets = read_in_scope(request, data, stored.filename)
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
    require_importer(request)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    stored = load_upload(token, request.user)
    if stored is None:
        return _gone(model_admin, request)
    if not stored.previewed:
        return HttpResponseRedirect(_url(model_admin, "import_preview", stored.token))
    data = stored.read()
    try:
        read_in_scope(request, data, stored.filename)
        summary = import_workbook(data, stored.filename, user=request.user, dry_run=False)
    except ImportFailed as exc:
        stored.remove()
        return _failed(model_admin, request, stored, exc, confirming=True)
    stored.remove()
    messages.success(request, _("%(file)s imported. %(counts)s.") % {
        "file": stored.filename, "counts": counts_sentence(summary)})
    return HttpResponseRedirect(_url(model_admin, "changelist"))


def cancel(model_admin, request, token):
    require_importer(request)
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
