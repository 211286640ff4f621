"""The DPO's side of privacy notices: the organisation's wording (settings and templates),
the versions made, the difference between two versions, and "Generate" from the
organisation's page."""

from __future__ import annotations

import difflib

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from entities.admin import ScopedAdminMixin, organisations_with_role, role_in
from entities.models import Organisation

from .drafting import NoticeError
from .models import NoticeSettings, PrivacyNotice
from .rendering import FORMATS
from .services import generate_notice


@admin.register(NoticeSettings)
class NoticeSettingsAdmin(ScopedAdminMixin, ModelAdmin):
    list_display = ["organisation", "supervisory_authority"]
    autocomplete_fields = ["organisation"]
    list_select_related = ["organisation"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # A DPO words the notices of its own organisations only.
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(
                pk__in=organisations_with_role(request, *self.editor_roles))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(PrivacyNotice)
class PrivacyNoticeAdmin(ScopedAdminMixin, ModelAdmin):
    """Versions are evidence of what people were told: read only, never deleted."""

    list_display = ["organisation", "version", "register_as_of", "created_by", "created_at",
                    "short_digest"]
    list_filter = ["organisation"]
    list_select_related = ["organisation", "created_by"]
    readonly_fields = ["organisation", "version", "register_as_of", "created_by", "created_at",
                       "digest", "markdown"]
    change_list_template = "admin/notices/privacynotice/change_list.html"

    @admin.display(description=_("digest"))
    def short_digest(self, obj):
        return obj.digest[:12]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_urls(self):
        own = [
            path("generate/<int:organisation_id>/<str:fmt>/",
                 self.admin_site.admin_view(self.generate_view),
                 name="notices_privacynotice_generate"),
            path("diff/", self.admin_site.admin_view(self.diff_view),
                 name="notices_privacynotice_diff"),
        ]
        return own + super().get_urls()

    def generate_view(self, request, organisation_id: int, fmt: str):
        """Generate the organisation's notice now (a member of it only) and answer it."""
        if fmt not in FORMATS:
            raise Http404(_("No such format."))
        if not request.user.is_superuser and role_in(request, organisation_id) is None:
            raise Http404(_("organisation not found."))
        try:
            generated = generate_notice(organisation_id=organisation_id, user=request.user)
        except NoticeError as exc:
            raise Http404(str(exc)) from None
        if fmt == "html" and request.GET.get("then") == "versions":
            state = _("a new version") if generated.created else _("unchanged, the last version")
            messages.success(request, _("Privacy notice version %(version)s (%(state)s).") % {
                "version": generated.version.version, "state": state})
            return redirect(reverse("admin:notices_privacynotice_changelist")
                            + f"?organisation__id__exact={organisation_id}")
        response = HttpResponse(generated.render(fmt), content_type=FORMATS[fmt])
        if fmt != "html":
            response["Content-Disposition"] = (
                f'attachment; filename="privacy-notice-{organisation_id}-'
                f'v{generated.version.version}.{fmt}"')
        return response

    def diff_view(self, request):
        """The difference between two versions (``a`` and ``b``, ids) of one organisation's
        notice: a unified diff of their Markdown, and the same side by side."""
        ids = [request.GET.get("a", ""), request.GET.get("b", "")]
        if not all(i.isdigit() for i in ids):
            raise Http404(_("Choose two versions."))
        found = {n.pk: n for n in self.get_queryset(request).filter(pk__in=ids)}
        if len(found) != len(set(ids)) or len(found) == 0:
            raise Http404(_("privacy notice not found."))
        old, new = sorted((found[int(i)] for i in ids), key=lambda n: n.version)
        if old.organisation_id != new.organisation_id:
            raise PermissionDenied(_("The two versions are of different organisations."))
        before, after = old.markdown.splitlines(), new.markdown.splitlines()
        unified = list(difflib.unified_diff(before, after, f"version {old.version}",
                                            f"version {new.version}", lineterm=""))
        table = difflib.HtmlDiff(wrapcolumn=70).make_table(
            before, after, f"version {old.version}", f"version {new.version}", context=True,
            numlines=2)
        context = {**self.admin_site.each_context(request), "opts": self.model._meta,
                   "title": _("Privacy notice of %(organisation)s: version %(a)s against "
                              "%(b)s") % {"organisation": old.organisation, "a": old.version,
                                          "b": new.version},
                   "old": old, "new": new, "unified": unified, "table": table}
        return TemplateResponse(request, "admin/notices/privacynotice/diff.html", context)
