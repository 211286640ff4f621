"""The register diff in the admin: a form (organisation, from, to), what changed between
the two moments (added, retired, changed activities, old and new value per field), and
the same diff as an xlsx workbook or a PDF. Members only: an organisation the user is
not a member of is not found (404), as elsewhere in the admin."""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from entities.admin import organisations_with_role
from entities.models import Organisation

from .admin_views import _admin_context
from .diff import ADDED, CHANGED, RETIRED, BadPeriod, register_diff, value_text
from .exports import diff as files
from .exports.registry import XLSX
from .register import BadMoment, parse_as_of
from .register.moments import ACCEPTED

SECTIONS = ((ADDED, gettext_lazy("Added")), (RETIRED, gettext_lazy("Retired or deleted")),
            (CHANGED, gettext_lazy("Changed")))
DOWNLOADS = {"xlsx": (files.render_xlsx, XLSX), "pdf": (files.render_pdf, "application/pdf")}


def _moment(value: str):
    try:
        return parse_as_of(value)
    except BadMoment as exc:
        raise forms.ValidationError(str(exc)) from None


class DiffForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(),
                                          label=gettext_lazy("Organisation"))
    # "from" is a keyword: the fields are "start" and "end", the query's "from" and "to".
    start = forms.CharField(label=gettext_lazy("From"), help_text=ACCEPTED)
    end = forms.CharField(label=gettext_lazy("To"), required=False,
                          help_text=gettext_lazy("Empty: now."))

    def __init__(self, data, organisations, initial=None):
        super().__init__(data, initial=initial)
        self.fields["organisation"].queryset = organisations

    def clean_start(self):
        return _moment(self.cleaned_data["start"])

    def clean_end(self):
        value = self.cleaned_data["end"].strip()
        return _moment(value) if value else timezone.now()


def _visible(request):
    organisations = Organisation.objects.order_by("name")
    if request.user.is_superuser:
        return organisations
    return organisations.filter(pk__in=organisations_with_role(request))


def register_diff_page(model_admin, request):
    """The form, the diff when the form is filled in, or the diff as a file
    (``?format=xlsx`` or ``pdf``)."""
    if not model_admin.has_view_permission(request):
        raise PermissionDenied
    organisations = _visible(request)
    query = request.GET
    wanted = query.get("organisation", "")
    if wanted and (not wanted.isdigit() or not organisations.filter(pk=wanted).exists()):
        raise Http404(_("Organisation not found."))
    data = {"organisation": wanted, "start": query.get("from", ""), "end": query.get("to", "")}
    # Filled in when both the organisation and the start are given; otherwise what is
    # given (from the organisation's page, or the as-of page) fills the form in.
    bound = bool(wanted and data["start"])
    form = DiffForm(data if bound else None, organisations, initial=data)
    diff = None
    if form.is_bound and form.is_valid():
        organisation = form.cleaned_data["organisation"]
        try:
            diff = register_diff(organisation.pk, form.cleaned_data["start"],
                                 form.cleaned_data["end"])
        except BadPeriod as exc:
            form.add_error("start" if exc.parameter == "from" else "end", str(exc))
    fmt = query.get("format", "")
    if diff is not None and fmt in DOWNLOADS:
        render, content_type = DOWNLOADS[fmt]
        response = HttpResponse(render(organisation.name, diff), content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{files.filename(organisation.name, diff, fmt)}"')
        return response
    sections = []
    if diff is not None:
        sections = [{
            "kind": kind, "heading": heading,
            "activities": [{
                "entry": entry,
                "changes": [(c.field, value_text(c.old), value_text(c.new)) for c in entry.changes],
            } for entry in getattr(diff, kind)],
        } for kind, heading in SECTIONS]
    download = urlencode({"organisation": wanted, "from": data["start"], "to": data["end"]})
    context = _admin_context(
        model_admin, request, title=_("Register diff"), form=form, diff=diff,
        sections=sections, download=download,
        organisation=form.cleaned_data["organisation"] if diff is not None else None,
    )
    return TemplateResponse(request, "processing/register_diff.html", context)
