"""The admin of organisations, their people and their recipients.

Who may do what is decided by the user's memberships (DESIGN section 7), not by Django
model permissions: a DPO edits the registers of its organisations, a contributor edits
the activities it owns, an auditor reads. Nobody sees an organisation it is not a member
of; its objects answer 404.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin
from unfold.admin import ModelAdmin, StackedInline, TabularInline

from ropa.admin_writes import (
    ServiceErrorsFormSet,
    ServiceRefused,
    ServiceWriteAdminMixin,
    form_fields,
    model_fields,
)
from ropa.audit import ChangePath

from . import services
from .models import (
    Contact,
    Country,
    InternationalOrganisation,
    MemberRole,
    Membership,
    Organisation,
    Person,
    RecipientCategory,
    ThirdParty,
)

#: Roles that open the admin. An API client only holds a token.
ADMIN_ROLES = (MemberRole.DPO, MemberRole.CONTRIBUTOR, MemberRole.AUDITOR)
#: Roles that change register records.
EDITOR_ROLES = (MemberRole.DPO, MemberRole.CONTRIBUTOR)


def member_roles(request) -> dict[int, str]:
    """``{organisation id: role}`` of the requesting user, read once per request."""
    cached = getattr(request, "ropa_admin_roles", None)
    if cached is None:
        user = request.user
        if not (user.is_authenticated and user.is_active and user.is_staff):
            cached = {}
        else:
            cached = dict(
                Membership.objects.filter(user=user, role__in=ADMIN_ROLES).values_list(
                    "organisation_id", "role"
                )
            )
        request.ropa_admin_roles = cached
    return cached


def organisations_with_role(request, *roles: str) -> set[int]:
    """Ids of the organisations where the user holds one of ``roles`` (any admin role
    when none is given)."""
    wanted = roles or ADMIN_ROLES
    return {org for org, role in member_roles(request).items() if role in wanted}


def role_in(request, organisation_id) -> str | None:
    return member_roles(request).get(organisation_id)


class ScopedAdminMixin:
    """An admin over objects that belong to one organisation's register.

    Members see the objects of their organisations; a DPO adds and changes them; an
    auditor or a contributor only reads them; only a superuser deletes. Another
    organisation's object answers 404, as if it did not exist.
    """

    #: The path from the model to its organisation id, for queryset filtering.
    organisation_path = "organisation"
    #: Roles that may add and change (superusers always may).
    editor_roles: tuple[str, ...] = (MemberRole.DPO,)

    def organisation_of(self, obj) -> int | None:
        return obj.organisation_id

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(
            **{f"{self.organisation_path}__in": organisations_with_role(request)}
        )

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(member_roles(request))

    def has_view_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        if obj is None:
            return bool(member_roles(request))
        return role_in(request, self.organisation_of(obj)) is not None

    def has_add_permission(self, request, *args):
        return request.user.is_superuser or bool(organisations_with_role(request, *self.editor_roles))

    def has_change_permission(self, request, obj=None):
        if request.user.is_superuser:
            return True
        if obj is None:
            return bool(organisations_with_role(request, *self.editor_roles))
        return role_in(request, self.organisation_of(obj)) in self.editor_roles

    def has_delete_permission(self, request, obj=None):
        # Register records are retired, not deleted; their history stays.
        return request.user.is_superuser

    def _get_obj_does_not_exist_redirect(self, request, opts, object_id):
        # Another organisation's object is not merely missing from the list: it is not there.
        raise Http404(_("%(name)s not found.") % {"name": opts.verbose_name})


class EntityWriteMixin(ServiceWriteAdminMixin):
    """An entity's admin that saves through ``entities.services``: the object with the
    fields changed on the form, then each changed inline (a contact, a membership), one
    history row each, with the user and the "admin" path. Nothing is written for an
    unchanged form."""

    def save_model(self, request, obj, form, change):
        """Nothing is written here: ``save_related`` writes the object and its inlines."""

    def save_related(self, request, form, formsets, change):
        write = {"user": request.user, "path": ChangePath.ADMIN}
        obj = form.instance
        names = form.changed_data if change else list(form.fields)
        fields = form_fields(form, model_fields(self.model, names))
        errors = {}
        try:
            if fields or not change:
                services.entity_save(model=self.model, instance=obj, **fields, **write)
        except ValidationError as exc:
            raise ServiceRefused(exc) from exc
        for formset in formsets:
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            deleted = {id(f) for f in formset.deleted_forms} if formset.can_delete else set()
            for index, inline_form in enumerate(formset.forms):
                part = inline_form.instance
                try:
                    if id(inline_form) in deleted:
                        if part.pk is not None:
                            services.entity_delete(instance=part, **write)
                            formset.deleted_objects.append(part)
                    elif inline_form.has_changed():
                        names = inline_form.changed_data if part.pk else list(inline_form.fields)
                        fields = form_fields(inline_form, model_fields(
                            formset.model, names, skip=(formset.fk.name,)))
                        created = part.pk is None
                        services.entity_save(model=formset.model, instance=part,
                                             **{formset.fk.name: obj}, **fields, **write)
                        if created:
                            formset.new_objects.append(part)
                        else:
                            formset.changed_objects.append((part, list(fields)))
                except ValidationError as exc:
                    for name, messages in exc.update_error_dict({}).items():
                        key = f"{formset.prefix}[{index}]" + ("" if name == "__all__" else f".{name}")
                        errors.setdefault(key, []).extend(messages)
        if errors:
            raise ServiceRefused(ValidationError(errors))


class ReadableReferenceMixin:
    """Reference data: every member reads it (autocomplete needs it), a superuser edits it."""

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(member_roles(request))

    def has_view_permission(self, request, obj=None):
        return request.user.is_superuser or bool(member_roles(request))

    def has_add_permission(self, request, *args):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Country)
class CountryAdmin(ReadableReferenceMixin, ModelAdmin):
    list_display = ["name", "name_fr", "code", "is_eea", "eu_adequacy", "uk_adequacy"]
    list_filter = ["is_eea", "is_eu", "eu_adequacy", "uk_adequacy"]
    search_fields = ["name", "name_fr", "code"]


@admin.register(InternationalOrganisation)
class InternationalOrganisationAdmin(ReadableReferenceMixin, ModelAdmin):
    list_display = ["name", "code", "eu_adequacy", "uk_adequacy"]
    list_filter = ["eu_adequacy", "uk_adequacy"]
    search_fields = ["name", "code"]


@admin.register(RecipientCategory)
class RecipientCategoryAdmin(ReadableReferenceMixin, SimpleHistoryAdmin, ModelAdmin):
    list_display = ["name", "name_fr", "code", "dpv_iri"]
    search_fields = ["name", "name_fr", "code"]


class ContactInline(StackedInline):
    model = Contact
    formset = ServiceErrorsFormSet
    extra = 0

    def has_view_permission(self, request, obj=None):
        return obj is None or request.user.is_superuser or role_in(request, obj.pk) is not None

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser or (
            obj is not None and role_in(request, obj.pk) == MemberRole.DPO
        )

    has_change_permission = has_add_permission

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


class MembershipInline(TabularInline):
    """Who may do what in the register: granted by a superuser."""

    model = Membership
    formset = ServiceErrorsFormSet
    extra = 0
    autocomplete_fields = ["user"]

    def has_view_permission(self, request, obj=None):
        return obj is None or request.user.is_superuser or role_in(request, obj.pk) == MemberRole.DPO

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    has_change_permission = has_add_permission
    has_delete_permission = has_add_permission


@admin.register(Organisation)
class OrganisationAdmin(EntityWriteMixin, ScopedAdminMixin, SimpleHistoryAdmin, ModelAdmin):
    list_display = ["name", "registration_number", "authority_registration_ref", "country",
                    "parent"]
    search_fields = ["name", "trading_name", "registration_number"]
    autocomplete_fields = ["country", "parent"]
    inlines = [ContactInline, MembershipInline]
    list_select_related = ["country", "parent"]
    organisation_path = "pk"
    part_prefixes = frozenset({"contacts", "memberships"})

    def organisation_of(self, obj):
        return obj.pk

    def has_add_permission(self, request, *args):
        # A new organisation has no member yet: only a superuser creates one.
        return request.user.is_superuser

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(pk__in=organisations_with_role(request))
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ThirdParty)
class ThirdPartyAdmin(EntityWriteMixin, ScopedAdminMixin, SimpleHistoryAdmin, ModelAdmin):
    list_display = ["name", "organisation", "kind", "category", "country", "contract_link"]
    list_filter = ["kind", "category"]
    search_fields = ["name", "service", "address"]
    autocomplete_fields = ["organisation", "category", "country", "group_organisation"]
    list_select_related = ["organisation", "category", "country"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            # Filled in when the form is opened from an activity ("+" beside a recipient).
            kwargs.setdefault("label", _("Organisation (whose register lists it)"))
            kwargs.setdefault("help_text", _(
                "The organisation whose register lists this third party: its activities can "
                "name it as a recipient, an importer or a joint controller."))
            if not request.user.is_superuser:
                kwargs["queryset"] = Organisation.objects.filter(
                    pk__in=organisations_with_role(request, *self.editor_roles)
                )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_search_results(self, request, queryset, search_term):
        """Autocomplete from an activity form asks for one register's recipients only."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        organisation = request.GET.get("organisation", "")
        if organisation.isdigit():
            queryset = queryset.filter(organisation_id=int(organisation))
        return queryset, may_have_duplicates


@admin.register(Person)
class PersonAdmin(EntityWriteMixin, ScopedAdminMixin, SimpleHistoryAdmin, ModelAdmin):
    """The people who own activities: named, with an email, and linked to a login when
    they have one (a contributor edits the activities it owns)."""

    list_display = ["name", "email", "organisation", "login"]
    search_fields = ["name", "email"]
    autocomplete_fields = ["organisation", "login"]
    list_select_related = ["organisation", "login"]

    def get_readonly_fields(self, request, obj=None):
        # Which login a person is: granted by a superuser, as memberships are.
        return [] if request.user.is_superuser else ["login"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation" and not request.user.is_superuser:
            kwargs["queryset"] = Organisation.objects.filter(
                pk__in=organisations_with_role(request, *self.editor_roles)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


from . import admin_tokens  # noqa: E402,F401  (API tokens: registers its admin)
