"""API tokens in the admin: the DPO of an organisation issues, lists and revokes the
read-only tokens of its register. A token's secret is shown once, on the page that
issues it; URLs name a token by its client, never by its secret."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from rest_framework.authtoken.models import TokenProxy
from unfold.admin import ModelAdmin

from ropa.audit import ChangePath

from . import tokens
from .admin import organisations_with_role
from .models import ApiToken, MemberRole, Organisation

# DRF's own token admin lists every secret and issues tokens to any user: not here.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


def dpo_organisation_ids(request) -> set[int] | None:
    """Organisations whose tokens the user manages (None: all, for a superuser)."""
    if request.user.is_superuser:
        return None
    return organisations_with_role(request, MemberRole.DPO)


class IssueTokenForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"),
                                          queryset=Organisation.objects.none())
    name = forms.CharField(label=_("Client name"), max_length=tokens.NAME_MAX,
                           help_text=_("What the token is for, e.g. 'BI dashboard'."))

    def __init__(self, *args, organisation_ids, **kwargs):
        super().__init__(*args, **kwargs)
        queryset = Organisation.objects.order_by("name")
        if organisation_ids is not None:
            queryset = queryset.filter(pk__in=organisation_ids)
            self.fields["organisation"].error_messages["invalid_choice"] = _(
                "Choose one of the organisations whose DPO you are.")
        self.fields["organisation"].queryset = queryset


@admin.register(ApiToken)
class ApiTokenAdmin(ModelAdmin):
    """Not DRF's token admin: no secret is listed, and only a DPO issues tokens, for its
    organisations, to read-only API clients it creates."""

    def has_module_permission(self, request):
        return dpo_organisation_ids(request) != set()

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # a token is revoked (its own page), not deleted

    def get_urls(self):
        prefix = f"{self.opts.app_label}_{self.opts.model_name}"
        view = self.admin_site.admin_view
        return [
            path("", view(self.changelist_view), name=f"{prefix}_changelist"),
            path("add/", view(self.add_view), name=f"{prefix}_add"),
            path("<int:client_id>/revoke/", view(self.revoke_view), name=f"{prefix}_revoke"),
        ]

    def _context(self, request, **extra):
        request.current_app = self.admin_site.name
        return {**self.admin_site.each_context(request), "opts": self.opts, **extra}

    def _require(self, request):
        if not self.has_module_permission(request):
            raise PermissionDenied

    def changelist_view(self, request, extra_context=None):
        self._require(request)
        rows = tokens.api_tokens_of(dpo_organisation_ids(request))
        return TemplateResponse(request, "admin/entities/apitoken/change_list.html",
                                self._context(request, title=_("API tokens"), rows=rows))

    @method_decorator(never_cache)
    def add_view(self, request, form_url="", extra_context=None):
        self._require(request)
        form = IssueTokenForm(request.POST or None,
                              organisation_ids=dpo_organisation_ids(request))
        if request.method == "POST" and form.is_valid():
            try:
                token, secret = tokens.api_token_issue(
                    organisation=form.cleaned_data["organisation"],
                    name=form.cleaned_data["name"], user=request.user, path=ChangePath.ADMIN)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                self.log_addition(request, token.user, [{"added": {"name": "API token"}}])
                # The secret is in this response only: never stored in a message or a URL.
                return TemplateResponse(
                    request, "admin/entities/apitoken/issued.html",
                    self._context(request, title=_("API token issued"), token=token,
                                  secret=secret, organisation=form.cleaned_data["organisation"]))
        return TemplateResponse(request, "admin/entities/apitoken/add.html",
                                self._context(request, title=_("Issue an API token"),
                                              form=form))

    def revoke_view(self, request, client_id):
        self._require(request)
        found = [(token, org) for token, org in tokens.api_tokens_of(
            dpo_organisation_ids(request)) if token.user_id == client_id]
        if not found:
            raise Http404(_("No such API token among your organisations."))
        token, organisation = found[0]
        if request.method == "POST":
            name = token.user.first_name or token.user.username
            # Recorded in history: the client's membership removed, by whom, in the admin.
            tokens.api_token_revoke(token=token, user=request.user, path=ChangePath.ADMIN)
            self.message_user(request, _("The token of %(name)s (%(org)s) is revoked: the API "
                                         "refuses it from now on.") % {
                "name": name, "org": organisation.name}, messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:entities_apitoken_changelist"))
        return TemplateResponse(request, "admin/entities/apitoken/revoke.html",
                                self._context(request, title=_("Revoke an API token"),
                                              token=token, organisation=organisation))
