"""The regulator packs in the admin: the list of packs made (read-only, each organisation's
members see its packs), the form that makes one and downloads it, and the public key."""

from __future__ import annotations

import os

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin

from entities.admin import ScopedAdminMixin, organisations_with_role
from entities.models import Organisation
from processing.register.moments import ACCEPTED, AsOfCleaning
from ropa.audit import ChangePath

from . import signing
from .models import RegulatorPack
from .services import PackError, pack_create


class PackForm(AsOfCleaning, forms.Form):
    organisation = forms.ModelChoiceField(queryset=Organisation.objects.none(),
                                          label=_("Organisation"))
    as_of = forms.CharField(
        label=_("As of"), required=False,
        help_text=_("Empty: the register as it stands now. Otherwise %(accepted)s.")
        % {"accepted": ACCEPTED},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


def _key_context() -> dict:
    key = signing.public_key()
    return {"public_key_base64": signing.public_key_base64(key),
            "public_key_pem": signing.public_key_pem(key),
            "public_key_fingerprint": signing.fingerprint(key)}


@admin.register(RegulatorPack)
class RegulatorPackAdmin(ScopedAdminMixin, ModelAdmin):
    list_display = ["organisation", "as_of", "created_at", "made_by", "size", "short_digest",
                    "download"]
    list_filter = [("organisation", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["organisation", "created_by"]
    search_fields = ["organisation__name", "register_sha256", "manifest_sha256"]
    date_hierarchy = "created_at"
    fields = ["organisation", "as_of", "created_at", "created_by", "created_through", "size",
              "register_sha256", "manifest_sha256", "key_fingerprint", "download"]
    readonly_fields = fields

    def has_add_permission(self, request, *args):
        # A pack is made by the pack form (which builds the file), not entered by hand.
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Packs are evidence of what was handed over.
        return False

    @admin.display(description=_("made by"))
    def made_by(self, obj):
        return obj.created_by or obj.get_created_through_display()

    @admin.display(description=_("register digest"))
    def short_digest(self, obj):
        return format_html('<code title="{}">{}…</code>', obj.register_sha256,
                           obj.register_sha256[:16])

    @admin.display(description=_("zip file"))
    def download(self, obj):
        url = reverse("admin:packs_regulatorpack_download", args=[obj.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("Download"))

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("make/", view(self.make_view), name="packs_regulatorpack_make"),
            path("<int:object_id>/download/", view(self.download_view),
                 name="packs_regulatorpack_download"),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        extra = {**(extra_context or {}), **_key_context(),
                 "may_make": bool(self._organisations(request).exists())}
        return super().changelist_view(request, extra)

    def _organisations(self, request):
        organisations = Organisation.objects.order_by("name")
        if request.user.is_superuser:
            return organisations
        return organisations.filter(pk__in=organisations_with_role(request))

    def make_view(self, request):
        """The pack form: an organisation of the user's and an optional moment. Posted, it
        makes the pack, records it and answers the zip."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        organisations = self._organisations(request)
        if request.method == "POST":
            # Another organisation's register is not there, as everywhere in the admin.
            chosen = request.POST.get("organisation", "")
            if chosen and not organisations.filter(pk=chosen if chosen.isdigit() else None).exists():
                raise Http404(gettext("Organisation not found."))
            form = PackForm(request.POST, organisations=organisations)
            if form.is_valid():
                try:
                    pack = pack_create(organisation=form.cleaned_data["organisation"],
                                       as_of=form.cleaned_data["as_of"], user=request.user,
                                       path=ChangePath.ADMIN)
                except PackError as exc:
                    form.add_error(None, str(exc))
                else:
                    self.message_user(request, gettext("Regulator pack made: %(pack)s.")
                                      % {"pack": pack}, messages.SUCCESS)
                    return self._file(pack)
        else:
            form = PackForm(organisations=organisations)
        request.current_app = self.admin_site.name
        context = {**self.admin_site.each_context(request), "opts": self.opts, "form": form,
                   "title": gettext("Make a regulator pack"), **_key_context()}
        return TemplateResponse(request, "packs/make_pack.html", context)

    def download_view(self, request, object_id):
        pack = self.get_queryset(request).filter(pk=object_id).first()
        if pack is None or not self.has_view_permission(request, pack):
            raise Http404(gettext("Regulator pack not found."))
        if not pack.file.storage.exists(pack.file.name):
            self.message_user(request, gettext("The zip of this pack is no longer kept."),
                              messages.ERROR)
            return redirect("admin:packs_regulatorpack_changelist")
        return self._file(pack)

    @staticmethod
    def _file(pack: RegulatorPack) -> FileResponse:
        return FileResponse(pack.file.open("rb"), as_attachment=True,
                            filename=os.path.basename(pack.file.name),
                            content_type="application/zip")
